/**
 * How an admin command (`org create`, `sync status|backfill`, `pull`) reaches LeadSync (runtime.md):
 *
 * - `running` — a `leadsync start` holds the embedded data directory: it is the only process that
 *   may open it, so the command asks it over its HTTP API (its URL is in the data dir's
 *   `server.json`; the staff token is LEADSYNC_STAFF_TOKEN or the data dir's `secrets.json`).
 * - `embedded` — nothing runs: the command opens the data directory itself (taking the lock) and
 *   nothing pushes meanwhile; pushes happen when LeadSync runs.
 * - `postgres` — DATABASE_URL: the command uses PostgreSQL directly; workers may run anywhere.
 *
 * Every mode answers the same `request()`: the public HTTP API as the staff sees it — over the
 * network when running, or in-process (Fastify's inject, over this process's database) otherwise —
 * so a command is written once against the API. `local` gives the opened database for work that
 * only a process holding it can do (e.g. running a pull in-process when nothing runs).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../api/server.ts';
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { readSecrets } from '../config/data-dir-secrets.ts';
import { DataDirLockedError } from '../db/data-dir-lock.ts';
import { boot, CliError, type Booted } from './boot.ts';
import { readServerFile } from './server-file.ts';

export type AdminMode = 'running' | 'embedded' | 'postgres';

export interface AdminClient {
  mode: AdminMode;
  /** Where the running process listens (mode `running`). */
  url?: string;
  /**
   * One call of the HTTP API with the staff token; the parsed JSON body. A 4xx/5xx answer throws
   * CliError with the API's message (`error.message`).
   */
  request<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** The database this process opened (modes `embedded` and `postgres`). */
  local?: Booted;
  close(): Promise<void>;
}

export interface AdminOptions {
  dataDir?: string;
  env?: Record<string, string | undefined>;
  /** How long to wait for a `start` that holds the lock but does not listen yet (default 30 s). */
  startupWaitMs?: number;
}

/** Runs `fn` with a client for the data directory or database the options name, closed afterwards. */
export async function withAdminClient<T>(options: AdminOptions, fn: (client: AdminClient) => Promise<T>): Promise<T> {
  const client = await openAdminClient(options);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

export async function openAdminClient(options: AdminOptions): Promise<AdminClient> {
  const env = options.env ?? process.env;
  const overrides = { LEADSYNC_DATA_DIR: options.dataDir, LOG_LEVEL: 'warn' };
  let config: Config;
  try {
    config = loadConfig(env, overrides as never);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  if (config.databaseUrl) return localClient(await boot({ env, overrides }), 'postgres');
  const deadline = Date.now() + (options.startupWaitMs ?? 30_000);
  for (;;) {
    const running = await reachRunning(config);
    if (running) return running;
    try {
      return localClient(await boot({ env, overrides }), 'embedded');
    } catch (error) {
      // Locked by a `start` that does not listen yet (migrating, starting the sandbox): wait for its URL.
      if (!(error instanceof DataDirLockedError) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The running process of this data directory, if its server.json names one that answers. */
async function reachRunning(config: Config): Promise<AdminClient | undefined> {
  const info = await readServerFile(config.dataDir);
  if (!info || !isAlive(info.pid)) return undefined;
  try {
    const health = await fetch(`${info.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    if (!health.ok) return undefined;
  } catch {
    return undefined;
  }
  const token = config.staffToken ?? (await readSecrets(config.dataDir))?.staffToken;
  if (!token) throw new CliError(`LeadSync runs at ${info.url}, but no staff token is known: set LEADSYNC_STAFF_TOKEN to the one it uses.`);
  return {
    mode: 'running',
    url: info.url,
    async request(method, apiPath, body) {
      let response: Response;
      try {
        response = await fetch(info.url + apiPath, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        throw new CliError(`LeadSync at ${info.url} did not answer (${(error as Error).message}).`);
      }
      return answer(response.status, await response.text(), info.url);
    },
    async close() {},
  };
}

function localClient(booted: Booted, mode: 'embedded' | 'postgres'): AdminClient {
  // In-process calls need a staff token even where none is configured (PostgreSQL without one): a one-off.
  booted.config.staffToken ??= `lss_${randomBytes(24).toString('base64url')}`;
  let app: Promise<FastifyInstance> | undefined;
  const api = () => (app ??= buildApi({ db: booted.db, config: booted.config, logger: booted.logger }));
  return {
    mode,
    local: booted,
    async request(method, apiPath, body) {
      const res = await (await api()).inject({
        method: method as 'GET',
        url: apiPath,
        headers: { authorization: `Bearer ${booted.config.staffToken}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        payload: body === undefined ? undefined : JSON.stringify(body),
      });
      return answer(res.statusCode, res.body, mode === 'embedded' ? path.resolve(booted.config.dataDir) : 'PostgreSQL');
    },
    async close() {
      if (app) await (await app).close();
      await booted.shutdown();
    },
  };
}

function answer(status: number, text: string, where: string) {
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (status >= 400) {
    if (status === 401) throw new CliError(`LeadSync (${where}) refused the staff token: set LEADSYNC_STAFF_TOKEN to the one it uses.`);
    throw new CliError(body?.error?.message ?? `LeadSync (${where}) answered ${status}.`);
  }
  return body;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
