/** Starts the real API on a random port over a test database, and a small JSON client for it. */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApi } from '../../src/api/server.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';
import { SalesforceClients } from '../../src/salesforce/client.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface TestApi {
  url: string;
  staffToken: string;
  config: Config;
  database: TestDatabase;
  app: FastifyInstance;
  /** The Salesforce clients the API uses (the ones a `start` process shares with its push worker). */
  salesforce: SalesforceClients;
  /** A JSON request; `token: null` sends no Authorization header. */
  call(method: string, path: string, options?: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  /** Creates an organization with the staff token; returns its id and key. */
  createOrg(name?: string): Promise<{ id: string; apiKey: string }>;
  close(): Promise<void>;
}

export async function startTestApi(env: Record<string, string> = {}, options: { database?: TestDatabase; logger?: Logger } = {}): Promise<TestApi> {
  const staffToken = `staff_${randomBytes(16).toString('hex')}`;
  const config = loadConfig({ LEADSYNC_STAFF_TOKEN: staffToken, LOG_LEVEL: 'silent', LEADSYNC_SECRET_KEY: randomBytes(32).toString('base64'), ...env });
  const database = options.database ?? (await createTestDatabase());
  const logger = options.logger ?? createLogger('silent');
  const salesforce = new SalesforceClients({ db: database.db, config, logger });
  const app = await buildApi({ db: database.db, config, logger, salesforce });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  // The OAuth callback URL is built from PUBLIC_URL: point it at this server's random port.
  if (!env.PUBLIC_URL) config.publicUrl = url;
  const api: TestApi = {
    url,
    staffToken,
    config,
    database,
    app,
    salesforce,
    async call(method, path, options = {}) {
      const token = options.token === undefined ? staffToken : options.token;
      const headers: Record<string, string> = { ...options.headers };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers['content-type'] ??= 'application/json';
      const response = await fetch(url + path, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON (an HTML page): keep the text.
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async createOrg(name = 'Acme') {
      const res = await api.call('POST', '/api/v1/orgs', { body: { name } });
      if (res.status !== 201) throw new Error(`org create failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.id, apiKey: res.body.api_key };
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
  return api;
}
