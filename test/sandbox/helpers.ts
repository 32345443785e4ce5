import jsforce from 'jsforce';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../src/sandbox/server.ts';

export const V = '64.0';

export interface Ctx {
  sb: RunningSandbox;
  conn: jsforce.Connection;
  token: string;
}

/** A sandbox and a jsforce connection logged in with the password grant. */
export async function open(opts: SandboxOptions = {}): Promise<Ctx> {
  const sb = await startSandbox({ port: 0, ...opts });
  const conn = new jsforce.Connection({ oauth2: { loginUrl: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret }, version: V });
  await conn.login(sb.username, sb.password);
  return { sb, conn, token: conn.accessToken! };
}

export async function control(sb: RunningSandbox, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sb.url}/__sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (res.status >= 400) throw new Error(`control ${method} ${path}: ${res.status} ${text}`);
  return json;
}

/** A raw REST call with the connection's token. */
export async function api(ctx: Ctx, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${ctx.sb.url}/services/data/v${V}${path}`, {
    method,
    headers: { authorization: `Bearer ${ctx.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // CSV and other text bodies stay strings.
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** jsforce rejects with an error carrying errorCode; returns it. */
export async function errorOf(p: PromiseLike<unknown>): Promise<{ errorCode: string; message: string; data?: any }> {
  try {
    await p;
  } catch (e) {
    return e as { errorCode: string; message: string };
  }
  throw new Error('expected the call to fail');
}
