/**
 * A LeadSync API wired to an in-process Salesforce sandbox, and an organization connected to it
 * through the real OAuth web-server flow (authorize URL → the sandbox's login form → our callback).
 */
import type { Logger } from 'pino';
import { getConnection } from '../../src/db/salesforce-connections.ts';
import { startSandbox } from '../../src/sandbox/server.ts';
import { decryptSecret, secretContext } from '../../src/salesforce/crypto.ts';
import { startTestApi, type TestApi } from './api.ts';
import type { TestDatabase } from './database.ts';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export interface ConnectedWorld {
  api: TestApi;
  sandbox: Sandbox;
  close(): Promise<void>;
}

export async function startWorld(
  options: { seed?: 'demo' | 'empty'; env?: Record<string, string>; sandbox?: Parameters<typeof startSandbox>[0]; database?: TestDatabase; logger?: Logger } = {},
): Promise<ConnectedWorld> {
  const sandbox = await startSandbox({ port: 0, seed: options.seed ?? 'empty', ...options.sandbox });
  const api = await startTestApi({
    SALESFORCE_CLIENT_ID: sandbox.clientId,
    SALESFORCE_CLIENT_SECRET: sandbox.clientSecret,
    SALESFORCE_LOGIN_URL: sandbox.url,
    ...options.env,
  }, { database: options.database, logger: options.logger });
  return {
    api,
    sandbox,
    async close() {
      await api.close();
      await sandbox.close();
    },
  };
}

/** Calls the sandbox's control API (`/__sandbox/...`). */
export async function sandboxControl(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Runs the browserless OAuth dance: our authorize → the sandbox's login page → form POST (Allow) →
 * the 302 to our callback. Returns our callback's response (a 302 to the settings page on success).
 */
export async function authorizeThroughSandbox(
  world: ConnectedWorld,
  org: { id: string; apiKey: string },
  options: { action?: 'Allow' | 'Deny'; username?: string; password?: string; beforeCallback?: (callbackUrl: string) => Promise<void>; withoutCookie?: boolean } = {},
): Promise<{ callbackUrl: string; response: Response; cookie: string }> {
  const res = await world.api.call('POST', `/api/v1/orgs/${org.id}/integrations/salesforce/authorize`, { token: org.apiKey, body: {} });
  if (res.status !== 200) throw new Error(`authorize: ${res.status} ${JSON.stringify(res.body)}`);
  // The browser keeps the state cookie the authorize response sets and brings it to our callback.
  const cookie = cookieHeader(res.headers);
  const authorizeUrl = new URL(res.body.authorization_url);
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1], m[2].replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
  form.set('username', options.username ?? world.sandbox.username);
  form.set('password', options.password ?? world.sandbox.password);
  form.set('action', options.action ?? 'Allow');
  const submitted = await fetch(`${world.sandbox.url}/services/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  const callbackUrl = submitted.headers.get('location');
  if (submitted.status !== 302 || !callbackUrl) throw new Error(`login form: ${submitted.status} ${await submitted.text()}`);
  await options.beforeCallback?.(callbackUrl);
  const response = await fetch(callbackUrl, { redirect: 'manual', headers: options.withoutCookie ? {} : { cookie } });
  return { callbackUrl, response, cookie };
}

/** The `Cookie` header a browser would send back for a response's Set-Cookie headers (name=value pairs). */
export function cookieHeader(headers: Headers): string {
  return headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** Creates an organization and connects it; returns the organization. */
export async function connectedOrg(world: ConnectedWorld, name = 'Connected Co'): Promise<{ id: string; apiKey: string }> {
  const org = await world.api.createOrg(name);
  const { response } = await authorizeThroughSandbox(world, org);
  if (response.status !== 302) throw new Error(`callback: ${response.status} ${await response.text()}`);
  return org;
}

/** An access token for direct REST checks in tests (the sandbox's password grant). */
export async function sandboxToken(sandbox: Sandbox): Promise<string> {
  const res = await fetch(`${sandbox.url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: sandbox.clientId, client_secret: sandbox.clientSecret, username: sandbox.username, password: sandbox.password }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The stored connection row of an organization and its secrets decrypted (tests only). */
export async function storedConnection(world: ConnectedWorld, orgId: string) {
  const row = await getConnection(world.api.database.db, orgId);
  if (!row) throw new Error(`no connection row for ${orgId}`);
  const key = world.api.config.secretKey!;
  const open = (column: string, value: string | null) => (value ? decryptSecret(key, value, secretContext('salesforce_connections', orgId, column)) : null);
  return { row, access: open('access_token', row.access_token_enc), refresh: open('refresh_token', row.refresh_token_enc), clientSecret: open('client_secret', row.client_secret_enc) };
}
