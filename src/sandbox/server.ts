/**
 * Starts the sandbox: one Fastify instance serving OAuth, the REST API and the control API.
 * Every REST call passes the same gate: version, session, daily limit, faults, usage counting,
 * then the dispatcher; responses carry `Sforce-Limit-Info`.
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { registerControl, resetState } from './control.ts';
import { errorBody, notFound, RequestError } from './errors.ts';
import { faultError, type FaultKind } from './faults.ts';
import { normalizeId } from './ids.ts';
import { SalesforceError } from './interfaces.ts';
import { bearer, registerOAuth } from './oauth.ts';
import { dispatch, kindOf, MAX_VERSION, MIN_VERSION, versions, type RestResponse } from './rest.ts';
import type { SeedName } from './seed.ts';
import { SandboxState } from './state.ts';

export interface SandboxOptions {
  port?: number;
  host?: string;
  seed?: SeedName;
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
  rotateRefreshTokens?: boolean;
  dailyApiRequests?: number;
  logger?: boolean;
}

export interface RunningSandbox {
  url: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  close(): Promise<void>;
}

/** Marks a body that failed to parse, so the REST gate can answer JSON_PARSER_ERROR in Salesforce's shape. */
const BAD_JSON = Symbol('bad-json');
interface BadJson {
  [BAD_JSON]: string;
}

const VERSION_PATH = /^\/services\/data\/v(\d+)\.(\d)(\/[^?]*)?(?:\?.*)?$/;
const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGO4BwAA3QDcpVEn8wAAAABJRU5ErkJggg==', 'base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A composite's subrequest URLs (faults matched by path see them as they see the composite's own). */
function subrequestUrls(path: string, body: unknown): string[] {
  const subs = path === '/composite' ? (body as { compositeRequest?: Array<{ url?: unknown }> } | undefined)?.compositeRequest : undefined;
  return Array.isArray(subs) ? subs.map((s) => s?.url).filter((u): u is string => typeof u === 'string') : [];
}

/** The sObject types a request touches, for faults matched by object. */
function objectsOf(state: SandboxState, path: string, body: unknown, query: Record<string, string | undefined>): string[] {
  const m = /^\/sobjects\/([^/]+)/.exec(path);
  if (m) return [m[1]];
  // A composite touches what its subrequests touch.
  const subs = path === '/composite' ? (body as { compositeRequest?: Array<{ url?: unknown; body?: unknown }> } | undefined)?.compositeRequest : undefined;
  if (Array.isArray(subs)) {
    return subs.flatMap((s) => {
      const sm = typeof s?.url === 'string' ? /^\/services\/data\/v[\d.]+(\/[^?]*)(?:\?(.*))?$/.exec(s.url) : null;
      return sm ? objectsOf(state, sm[1], s.body, Object.fromEntries(new URLSearchParams(sm[2] ?? ''))) : [];
    });
  }
  if (path.startsWith('/composite/sobjects')) {
    const seg = path.split('/')[3];
    if (seg) return [seg];
    const records = (body as { records?: Array<{ attributes?: { type?: string } }> } | undefined)?.records;
    if (Array.isArray(records)) return records.map((r) => r?.attributes?.type ?? '');
    return (query.ids ?? '').split(',').map((id) => state.store.objectForId(normalizeId(id) ?? id)?.name ?? '');
  }
  const ingestObject = (body as { object?: unknown } | undefined)?.object;
  if (path.startsWith('/jobs/ingest') && typeof ingestObject === 'string') return [ingestObject];
  const soql = query.q ?? (body as { query?: string } | undefined)?.query;
  const from = soql ? /\bfrom\s+([A-Za-z0-9_]+)/i.exec(soql) : null;
  return from ? [from[1]] : [];
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: 200 * 1024 * 1024, forceCloseConnections: true });
  const state = new SandboxState(
    {
      url: '',
      clientId: opts.clientId ?? 'leadsync-sandbox-client',
      clientSecret: opts.clientSecret ?? 'leadsync-sandbox-secret',
      username: 'admin@sandbox.example',
      password: 'sandbox',
      tokenTtlSeconds: opts.tokenTtlSeconds ?? 7200,
      rotateRefreshTokens: opts.rotateRefreshTokens ?? false,
    },
    opts.dailyApiRequests ?? 15000,
  );
  resetState(state, opts.seed ?? 'demo');

  // Salesforce accepts an empty body with a JSON content type (e.g. DELETE); bad JSON is answered per API.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(null, { [BAD_JSON]: (e as Error).message } satisfies BadJson);
    }
  });
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
  await app.register(formbody);

  registerOAuth(app, state);
  registerControl(app, state);

  app.get('/services/data', async () => versions());
  app.get('/services/data/', async () => versions());

  const rest = async (req: FastifyRequest, reply: FastifyReply) => {
    const m = VERSION_PATH.exec(req.url);
    let drop = false;
    let res: RestResponse;
    try {
      const major = m ? Number(m[1]) : 0;
      if (!m || m[2] !== '0' || major < MIN_VERSION || major > MAX_VERSION) throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
      const version = `${m[1]}.0`;
      const path = decodeURI(m[3] ?? '');
      const session = state.tokens.check(bearer(req));
      state.limits.consume();
      const query = req.query as Record<string, string | undefined>;
      if (req.body && typeof req.body === 'object' && BAD_JSON in req.body) throw new RequestError(400, 'JSON_PARSER_ERROR', (req.body as BadJson)[BAD_JSON]);
      const decision = state.faults.decide(req.method, [req.url, ...subrequestUrls(path, req.body)], () => objectsOf(state, path, req.body, query));
      if (decision.latencyMs > 0) await sleep(decision.latencyMs);
      state.stats.count(kindOf(path));
      let fault: FaultKind | undefined = decision.fault;
      if (fault === 'DROP_AFTER_COMMIT') {
        drop = true;
        fault = undefined;
      }
      // Collections and record writes answer lock contention in their own shape; elsewhere it is a plain error.
      const lockInHandler = req.method !== 'GET' && (path.startsWith('/composite/sobjects') || /^\/sobjects\/[^/]+\/[^/]+$/.test(path));
      if (fault && !(fault === 'UNABLE_TO_LOCK_ROW' && lockInHandler)) throw faultError(fault);
      res = dispatch(state, {
        method: req.method,
        path,
        query,
        body: req.body,
        headers: req.headers,
        version,
        userId: session.userId,
        fault: fault === 'UNABLE_TO_LOCK_ROW' ? fault : undefined,
      });
    } catch (e) {
      if (!(e instanceof SalesforceError)) throw e;
      res = { status: e.status, body: errorBody(e) };
    }
    if (drop) {
      // The write is committed; the client never hears back.
      reply.hijack();
      req.raw.socket.destroy();
      return;
    }
    reply.header('Sforce-Limit-Info', state.limits.header());
    if (res.headers) for (const [k, v] of Object.entries(res.headers)) reply.header(k, v);
    reply.code(res.status);
    if (res.body === undefined) return reply.send();
    if (typeof res.body === 'string') return reply.send(res.body);
    return reply.type('application/json;charset=UTF-8').send(JSON.stringify(res.body));
  };
  app.route({ method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD'], url: '/services/data/*', handler: rest });

  // The default profile photo the identity response links to: a 1×1 grey PNG.
  app.get('/profilephoto/:prefix/:size', async (_req, reply) => reply.type('image/png').send(PHOTO));

  // Anything else under /services (e.g. /services/async/..., the SOAP endpoints) answers as Salesforce does.
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/services')) return reply.code(404).type('application/json;charset=UTF-8').send(JSON.stringify(errorBody(notFound())));
    return reply.code(404).send({ message: `Route ${req.method}:${req.url} not found`, error: 'Not Found', statusCode: 404 });
  });

  const address = await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const host = opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : '127.0.0.1';
  state.config.url = address.startsWith('http') && !opts.host ? `http://127.0.0.1:${port}` : `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: state.config.url,
    clientId: state.config.clientId,
    clientSecret: state.config.clientSecret,
    username: state.config.username,
    password: state.config.password,
    close: async () => {
      await app.close();
    },
  };
}
