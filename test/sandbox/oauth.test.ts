import { createHash, createHmac, randomBytes } from 'node:crypto';
import jsforce from 'jsforce';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server.ts';
import { control, V } from './helpers.ts';

let sb: RunningSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const REDIRECT = 'http://localhost:3000/oauth/callback';

async function tokenCall(params: Record<string, string>) {
  const res = await fetch(`${sb!.url}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** Drives the authorize page like a browser: GET the form, read its hidden inputs, POST it, return the redirect. */
async function authorize(opts: { action?: 'Allow' | 'Deny'; username?: string; password?: string; challenge?: string; state?: string }) {
  const q = new URLSearchParams({ response_type: 'code', client_id: sb!.clientId, redirect_uri: REDIRECT, state: opts.state ?? 'xyz' });
  if (opts.challenge) {
    q.set('code_challenge', opts.challenge);
    q.set('code_challenge_method', 'S256');
  }
  const page = await fetch(`${sb!.url}/services/oauth2/authorize?${q}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toMatch(/<label[^>]*>Username<\/label>/);
  expect(html).toMatch(/<label[^>]*>Password<\/label>/);
  expect(html).toMatch(/<button[^>]*>Allow<\/button>/);
  expect(html).toMatch(/<button[^>]*>Deny<\/button>/);
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1], m[2].replace(/&amp;/g, '&'));
  form.set('username', opts.username ?? sb!.username);
  form.set('password', opts.password ?? sb!.password);
  form.set('action', opts.action ?? 'Allow');
  const action = /<form method="post" action="([^"]+)"/.exec(html)![1];
  return fetch(new URL(action, sb!.url), { method: 'POST', body: form, redirect: 'manual' });
}

describe('OAuth', () => {
  it('runs the web server flow with PKCE through the HTML form, and jsforce uses the tokens', async () => {
    sb = await startSandbox({ port: 0 });
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const res = await authorize({ challenge, state: 'st-1' });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.origin + loc.pathname).toBe(REDIRECT);
    expect(loc.searchParams.get('state')).toBe('st-1');
    const code = loc.searchParams.get('code')!;

    // A wrong verifier is refused (and burns nothing else); the right one gets tokens.
    const oauth2 = new jsforce.OAuth2({ loginUrl: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret, redirectUri: REDIRECT });
    const bad = await tokenCall({ grant_type: 'authorization_code', code, client_id: sb.clientId, client_secret: sb.clientSecret, redirect_uri: REDIRECT, code_verifier: 'wrong' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_grant');

    const res2 = await authorize({ challenge });
    const code2 = new URL(res2.headers.get('location')!).searchParams.get('code')!;
    const tok = await oauth2.requestToken(code2, { code_verifier: verifier });
    expect(tok.refresh_token).toBeTruthy();
    expect(tok.token_type).toBe('Bearer');
    expect(tok.instance_url).toBe(sb.url);
    expect(tok.id).toMatch(new RegExp(`^${sb.url}/id/00D\\w{15}/005\\w{15}$`));
    expect(tok.issued_at).toMatch(/^\d{13}$/);
    const expectedSig = createHmac('sha256', sb.clientSecret).update(tok.id + tok.issued_at).digest('base64');
    expect(tok.signature).toBe(expectedSig);
    expect(typeof tok.scope).toBe('string');

    // A code is single use.
    const again = await tokenCall({ grant_type: 'authorization_code', code: code2, client_id: sb.clientId, client_secret: sb.clientSecret, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(again.body.error).toBe('invalid_grant');

    const conn = new jsforce.Connection({ instanceUrl: tok.instance_url, accessToken: tok.access_token, version: V });
    const identity = await conn.identity();
    expect(identity.username).toBe(sb.username);
    expect(identity.user_id).toBe(tok.id.split('/').pop());
    expect(identity.organization_id).toBe(tok.id.split('/').slice(-2)[0]);
    expect(identity.display_name).toBe('Sandbox Admin');
    expect((identity as any).urls.rest).toContain('/services/data/v{version}/');
  });

  it('redirects Deny with access_denied and state, shows an error page for a wrong client or redirect', async () => {
    sb = await startSandbox({ port: 0 });
    const res = await authorize({ action: 'Deny', state: 'abc' });
    expect(res.status).toBe(302);
    const loc = new URL(res.headers.get('location')!);
    expect(loc.searchParams.get('error')).toBe('access_denied');
    expect(loc.searchParams.get('state')).toBe('abc');
    expect(loc.searchParams.get('code')).toBeNull();

    const wrongClient = await fetch(`${sb.url}/services/oauth2/authorize?response_type=code&client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}`, { redirect: 'manual' });
    expect(wrongClient.status).toBe(400);
    expect(await wrongClient.text()).toMatch(/client identifier invalid/);
    const wrongRedirect = await fetch(`${sb.url}/services/oauth2/authorize?response_type=code&client_id=${sb.clientId}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`, { redirect: 'manual' });
    expect(wrongRedirect.status).toBe(400);
    expect(wrongRedirect.headers.get('location')).toBeNull();

    // Wrong password: the form again, no redirect.
    const badLogin = await authorize({ password: 'nope' });
    expect(badLogin.status).toBe(200);
    expect(await badLogin.text()).toMatch(/check your username and password/);
  });

  it('password and client_credentials grants; errors as Salesforce words them', async () => {
    sb = await startSandbox({ port: 0 });
    const pw = await tokenCall({ grant_type: 'password', client_id: sb.clientId, client_secret: sb.clientSecret, username: sb.username, password: sb.password });
    expect(pw.status).toBe(200);
    expect(pw.body.refresh_token).toBeUndefined();
    const cc = await tokenCall({ grant_type: 'client_credentials', client_id: sb.clientId, client_secret: sb.clientSecret });
    expect(cc.status).toBe(200);
    expect(cc.body.refresh_token).toBeUndefined();
    expect(cc.body.id).toBe(pw.body.id); // runs as the admin user

    expect((await tokenCall({ grant_type: 'password', client_id: sb.clientId, client_secret: sb.clientSecret, username: sb.username, password: 'x' })).body).toEqual({ error: 'invalid_grant', error_description: 'authentication failure' });
    expect((await tokenCall({ grant_type: 'client_credentials', client_id: sb.clientId, client_secret: 'wrong' })).body).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });
    expect((await tokenCall({ grant_type: 'client_credentials', client_id: 'other', client_secret: sb.clientSecret })).body.error).toBe('invalid_client_id');
    const rt = await tokenCall({ grant_type: 'refresh_token', client_id: sb.clientId, client_secret: sb.clientSecret, refresh_token: 'nope' });
    expect(rt.status).toBe(400);
    expect(rt.body).toEqual({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
    expect((await tokenCall({ grant_type: 'magic' })).body.error).toBe('unsupported_grant_type');
  });

  it('jsforce refreshes automatically after the access token expires, and the refresh event fires', async () => {
    sb = await startSandbox({ port: 0 });
    const oauth2 = { loginUrl: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret, redirectUri: REDIRECT };
    const res = await authorize({});
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const tok = await new jsforce.OAuth2(oauth2).requestToken(code);
    const conn = new jsforce.Connection({ oauth2, instanceUrl: tok.instance_url, accessToken: tok.access_token, refreshToken: tok.refresh_token, version: V });
    await conn.query('SELECT Id FROM Account LIMIT 1');

    // The expired token gets Salesforce's 401 body.
    await control(sb, 'POST', '/tokens/expire');
    const raw = await fetch(`${sb.url}/services/data/v${V}/limits`, { headers: { authorization: `Bearer ${tok.access_token}` } });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);

    const refreshed: string[] = [];
    conn.on('refresh', (t: string) => refreshed.push(t));
    const q = await conn.query<{ Id: string }>('SELECT Id FROM Account LIMIT 2');
    expect(q.records).toHaveLength(2);
    expect(refreshed).toHaveLength(1);
    expect(conn.accessToken).toBe(refreshed[0]);
    expect(conn.accessToken).not.toBe(tok.access_token);
  });

  it('rotates refresh tokens when switched on, and revoking a refresh token kills its access tokens', async () => {
    sb = await startSandbox({ port: 0 });
    const res = await authorize({});
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const first = await tokenCall({ grant_type: 'authorization_code', code, client_id: sb.clientId, client_secret: sb.clientSecret, redirect_uri: REDIRECT });
    const rt1 = first.body.refresh_token;

    // Without rotation: no new refresh token, the old one keeps working.
    const r1 = await tokenCall({ grant_type: 'refresh_token', refresh_token: rt1, client_id: sb.clientId, client_secret: sb.clientSecret });
    expect(r1.body.refresh_token).toBeUndefined();
    expect(r1.body.access_token).toBeTruthy();

    expect(await control(sb, 'PUT', '/oauth', { rotate_refresh_tokens: true, token_ttl_seconds: 5 })).toEqual({ rotate_refresh_tokens: true, token_ttl_seconds: 5 });
    const r2 = await tokenCall({ grant_type: 'refresh_token', refresh_token: rt1, client_id: sb.clientId, client_secret: sb.clientSecret });
    const rt2 = r2.body.refresh_token;
    expect(rt2).toBeTruthy();
    expect(rt2).not.toBe(rt1);
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: rt1, client_id: sb.clientId, client_secret: sb.clientSecret })).body.error).toBe('invalid_grant');

    // Revoke the live refresh token: its access token stops working, and it cannot refresh.
    const at = r2.body.access_token;
    const ok = await fetch(`${sb.url}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${at}` } });
    expect(ok.status).toBe(200);
    const info = await ok.json();
    expect(info.preferred_username).toBe(sb.username);
    expect(info.sub).toBe(r2.body.id);
    const conn = new jsforce.Connection({ oauth2: { loginUrl: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret }, instanceUrl: sb.url, accessToken: at, refreshToken: rt2, version: V });
    await conn.oauth2.revokeToken(rt2);
    const after = await fetch(`${sb.url}/services/data/v${V}/limits`, { headers: { authorization: `Bearer ${at}` } });
    expect(after.status).toBe(401);
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: rt2, client_id: sb.clientId, client_secret: sb.clientSecret })).body.error).toBe('invalid_grant');
  });

  it('expires tokens after the configured TTL and revokes everything through the control API', async () => {
    sb = await startSandbox({ port: 0, tokenTtlSeconds: 1 });
    const pw = await tokenCall({ grant_type: 'password', client_id: sb.clientId, client_secret: sb.clientSecret, username: sb.username, password: sb.password });
    const call = () => fetch(`${sb!.url}/services/data/v${V}/limits`, { headers: { authorization: `Bearer ${pw.body.access_token}` } });
    expect((await call()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await call()).status).toBe(401);

    const res = await authorize({});
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const t = await tokenCall({ grant_type: 'authorization_code', code, client_id: sb.clientId, client_secret: sb.clientSecret, redirect_uri: REDIRECT });
    await control(sb, 'POST', '/tokens/revoke');
    expect((await tokenCall({ grant_type: 'refresh_token', refresh_token: t.body.refresh_token, client_id: sb.clientId, client_secret: sb.clientSecret })).body.error).toBe('invalid_grant');
  });
});
