import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DESCRIBE_TTL_MS } from '../../salesforce/client.ts';
import { engineName } from '../../../test/helpers/database.ts';
import { authorizeThroughSandbox, connectedOrg, cookieHeader, sandboxControl, startWorld, storedConnection, type ConnectedWorld } from '../../../test/helpers/salesforce.ts';

describe(`Salesforce connection API against the sandbox (${engineName})`, () => {
  let world: ConnectedWorld;
  const status = async (org: { id: string; apiKey: string }) =>
    (await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce`, { token: org.apiKey })).body;

  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.close());

  it('a new organization is not connected', async () => {
    const org = await world.api.createOrg('Fresh');
    expect(await status(org)).toMatchObject({ status: 'not_connected', instance_url: null, username: null, salesforce_org_id: null, connected_at: null, disconnected_at: null, last_error: null });
    const sync = (await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/sync`, { token: org.apiKey })).body;
    expect(sync).toMatchObject({ pending: 0, paused_until: null, pause_reason: 'not_connected' });
  });

  it('the authorization URL uses PKCE S256, a state, and our callback', async () => {
    const org = await world.api.createOrg('Pkce');
    const res = await world.api.call('POST', `/api/v1/orgs/${org.id}/integrations/salesforce/authorize`, { token: org.apiKey, body: {} });
    const url = new URL(res.body.authorization_url);
    expect(url.origin + url.pathname).toBe(`${world.sandbox.url}/services/oauth2/authorize`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(`${world.api.url}/oauth/salesforce/callback`);
    expect(url.searchParams.get('client_id')).toBe(world.sandbox.clientId);
    // The body is optional.
    const bare = await world.api.call('POST', `/api/v1/orgs/${org.id}/integrations/salesforce/authorize`, { token: org.apiKey });
    expect(bare.status).toBe(200);
    expect(new URL(bare.body.authorization_url).searchParams.get('state')).not.toBe(url.searchParams.get('state'));
  });

  it('the whole code flow: login form → callback → connected with username and Salesforce org id', async () => {
    const org = await world.api.createOrg('Flow');
    const { response } = await authorizeThroughSandbox(world, org);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`/orgs/${org.id}/settings/salesforce?connected=1`);
    const s = await status(org);
    expect(s).toMatchObject({ status: 'connected', instance_url: world.sandbox.url, username: world.sandbox.username, auth_kind: 'oauth', last_error: null });
    expect(s.salesforce_org_id).toMatch(/^00D[A-Za-z0-9]{15}$/);
    expect(Date.now() - Date.parse(s.connected_at)).toBeLessThan(60_000);
    expect(JSON.stringify(s)).not.toMatch(/token/i);
  });

  it('a replayed state is refused with an explanatory page; the connection is unchanged', async () => {
    const org = await connectedOrg(world, 'Replay');
    const { callbackUrl, cookie } = await authorizeThroughSandbox(world, org);
    const before = await status(org);
    const replay = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie } });
    expect(replay.status).toBe(400);
    const page = await replay.text();
    expect(page).toContain('no longer valid');
    expect(page).toContain('connected app');
    expect(page).not.toMatch(/at .*\.ts:\d+/);
    expect(await status(org)).toEqual(before);
  });

  it('an expired state is refused even with a good code; the connection is unchanged', async () => {
    const org = await connectedOrg(world, 'Expired');
    const before = await status(org);
    const { response } = await authorizeThroughSandbox(world, org, {
      // The admin took longer than the state's lifetime to come back from Salesforce.
      beforeCallback: async () => {
        await world.api.database.db.query(`update oauth_states set expires_at = now() - interval '1 second' where org_id = $1 and used_at is null`, [org.id]);
      },
    });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('expired');
    expect(page).toContain('Use your own connected app');
    expect(await status(org)).toEqual(before);
  });

  it('authorize sets an httpOnly, SameSite=Lax state cookie on /oauth/salesforce/ for a few minutes', async () => {
    const org = await world.api.createOrg('Cookie');
    const res = await world.api.call('POST', `/api/v1/orgs/${org.id}/integrations/salesforce/authorize`, { token: org.apiKey, body: {} });
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const attributes = cookies[0].split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/oauth/salesforce/');
    expect(attributes).not.toContain('secure');
    const maxAge = Number(attributes.find((a) => a.startsWith('max-age='))?.slice(8));
    expect(maxAge).toBeGreaterThanOrEqual(60);
    expect(maxAge).toBeLessThanOrEqual(900);
    // The state is not readable from the cookie's name.
    const state = new URL(res.body.authorization_url).searchParams.get('state')!;
    expect(cookies[0].split('=')[0]).not.toContain(state);
  });

  it('the state cookie is Secure when PUBLIC_URL is https', async () => {
    const secure = await startWorld({ env: { PUBLIC_URL: 'https://leadsync.example.com' } });
    try {
      const org = await secure.api.createOrg('Secure');
      const res = await secure.api.call('POST', `/api/v1/orgs/${org.id}/integrations/salesforce/authorize`, { token: org.apiKey, body: {} });
      expect(res.headers.getSetCookie()[0].split(';').map((a) => a.trim().toLowerCase())).toContain('secure');
    } finally {
      await secure.close();
    }
  });

  it('a state that arrives without its cookie (another browser) is refused like a forged one; the admin can still finish', async () => {
    const victim = await connectedOrg(world, 'Victim');
    const before = await status(victim);
    const attacker = await world.api.createOrg('Attacker');
    // A member of Attacker sends their authorization URL to Victim's admin, who signs in and allows.
    const { response, callbackUrl, cookie } = await authorizeThroughSandbox(world, attacker, { withoutCookie: true });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('OAuth Error');
    expect((await status(attacker)).status).toBe('not_connected');
    expect(await status(victim)).toEqual(before);
    // Another state's cookie does not do either.
    const other = await world.api.call('POST', `/api/v1/orgs/${attacker.id}/integrations/salesforce/authorize`, { token: attacker.apiKey, body: {} });
    const wrong = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: cookieHeader(other.headers) } });
    expect(wrong.status).toBe(400);
    expect((await status(attacker)).status).toBe('not_connected');
    // The browser that started it still completes it, and its cookie is cleared.
    const own = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie } });
    expect(own.status).toBe(302);
    expect(own.headers.getSetCookie().join(';').toLowerCase()).toMatch(/max-age=0|expires=thu, 01 jan 1970/);
    expect((await status(attacker)).status).toBe('connected');
  });

  it('a forged state is refused and changes nothing', async () => {
    const org = await world.api.createOrg('Forged');
    const res = await fetch(`${world.api.url}/oauth/salesforce/callback?code=abc&state=forged-state`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('OAuth');
    expect((await status(org)).status).toBe('not_connected');
    for (const query of ['', '?state=a&state=b&code=x', '?error=access_denied', `?state=${'x'.repeat(5000)}`]) {
      const res = await fetch(`${world.api.url}/oauth/salesforce/callback${query}`, { redirect: 'manual' });
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type'), query).toContain('text/html');
      expect(await res.text(), query).toContain('no longer valid');
    }
  });

  it('"Deny" at Salesforce ends on the OAuth error page with both options; the old connection stays', async () => {
    const org = await connectedOrg(world, 'Denied');
    const { response } = await authorizeThroughSandbox(world, org, { action: 'Deny' });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('Salesforce access was not allowed');
    expect(page).toContain('Salesforce admin connect directly');
    expect(page).toContain('Use your own connected app');
    expect((await status(org)).status).toBe('connected');
  });

  it('a failed code exchange is an OAuth error page, not a crash', async () => {
    const org = await world.api.createOrg('Exchange');
    const res = await world.api.call('POST', `/api/v1/orgs/${org.id}/integrations/salesforce/authorize`, { token: org.apiKey, body: {} });
    const state = new URL(res.body.authorization_url).searchParams.get('state')!;
    const cb = await fetch(`${world.api.url}/oauth/salesforce/callback?code=not-a-real-code&state=${state}`, { redirect: 'manual', headers: { cookie: cookieHeader(res.headers) } });
    expect(cb.status).toBe(400);
    expect(await cb.text()).toContain('OAuth Error');
    expect((await status(org)).status).toBe('not_connected');
  });

  it('login_url must be a Salesforce login host or the configured one', async () => {
    const org = await world.api.createOrg('Hosts');
    const path = `/api/v1/orgs/${org.id}/integrations/salesforce/authorize`;
    for (const ok of ['https://login.salesforce.com', 'https://test.salesforce.com', 'https://acme.my.salesforce.com', 'https://acme--uat.sandbox.my.salesforce.com', 'https://acme.lightning.force.com', world.sandbox.url]) {
      const res = await world.api.call('POST', path, { token: org.apiKey, body: { login_url: ok } });
      expect(res.status, ok).toBe(200);
      expect(res.body.authorization_url.startsWith(new URL(ok).origin)).toBe(true);
    }
    for (const bad of ['http://login.salesforce.com', 'https://evil.example.com', 'https://login.salesforce.com.evil.example', 'https://user:pw@login.salesforce.com', 'not a url', 'http://127.0.0.1:1']) {
      const res = await world.api.call('POST', path, { token: org.apiKey, body: { login_url: bad } });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it("connects through the customer's own connected app (client credentials)", async () => {
    const org = await world.api.createOrg('OwnApp');
    const path = `/api/v1/orgs/${org.id}/integrations/salesforce/connect`;
    const wrong = await world.api.call('POST', path, { token: org.apiKey, body: { login_url: world.sandbox.url, client_id: world.sandbox.clientId, client_secret: 'wrong' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain('invalid');
    expect((await status(org)).status).toBe('not_connected');
    const res = await world.api.call('POST', path, { token: org.apiKey, body: { login_url: world.sandbox.url, client_id: world.sandbox.clientId, client_secret: world.sandbox.clientSecret } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'connected', auth_kind: 'client_credentials', username: world.sandbox.username });
    const bad = await world.api.call('POST', path, { token: org.apiKey, body: { login_url: 'https://evil.example.com', client_id: 'a', client_secret: 'b' } });
    expect(bad.status).toBe(400);
    const missing = await world.api.call('POST', path, { token: org.apiKey, body: { login_url: world.sandbox.url } });
    expect(missing.status).toBe(400);
  });

  it('describes Lead and Contact fields; 409 when not connected; 400 for another object', async () => {
    const org = await connectedOrg(world, 'Fields');
    const res = await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/fields?object=Lead`, { token: org.apiKey });
    expect(res.status).toBe(200);
    const email = res.body.items.find((f: any) => f.name === 'Email');
    expect(email).toEqual({ name: 'Email', label: expect.any(String), type: 'email', length: 80, createable: true, updateable: true, nillable: true, custom: false });
    expect((await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/fields?object=Contact`, { token: org.apiKey })).body.items.length).toBeGreaterThan(10);
    expect((await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/fields?object=Account`, { token: org.apiKey })).status).toBe(400);
    const other = await world.api.createOrg('Unconnected');
    const nc = await world.api.call('GET', `/api/v1/orgs/${other.id}/integrations/salesforce/fields?object=Lead`, { token: other.apiKey });
    expect(nc.status).toBe(409);
    expect(nc.body.error.code).toBe('not_connected');
  });

  it('caches describe for a short while (one describe call for repeated requests)', async () => {
    const org = await connectedOrg(world, 'Cache');
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/stats/reset');
    for (let i = 0; i < 3; i++) await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/fields?object=Lead`, { token: org.apiKey });
    expect((await sandboxControl(world.sandbox, 'GET', '/__sandbox/stats')).by_kind.describe).toBe(1);
  });

  it('a field added in Salesforce shows after the cache lifetime (about a minute), not before', async () => {
    const org = await connectedOrg(world, 'Ttl');
    const names = async () => (await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/fields?object=Lead`, { token: org.apiKey })).body.items.map((f: { name: string }) => f.name);
    expect(await names()).not.toContain('Ttl_Budget__c');
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/fields/Lead', { name: 'Ttl_Budget__c', type: 'currency' });
    try {
      expect(await names()).not.toContain('Ttl_Budget__c');
      // Only the clock moves (timers stay real: the HTTP servers need them).
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + DESCRIBE_TTL_MS + 1_000 });
      expect(await names()).toContain('Ttl_Budget__c');
    } finally {
      vi.useRealTimers();
      await sandboxControl(world.sandbox, 'DELETE', '/__sandbox/fields/Lead/Ttl_Budget__c');
    }
  });

  it('deauthorize revokes at Salesforce and forgets the tokens, keeps the settings; reconnecting works', async () => {
    const org = await connectedOrg(world, 'Deauth');
    await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/fields?object=Lead`, { token: org.apiKey });
    const settingsPath = `/api/v1/orgs/${org.id}/integrations/salesforce/settings`;
    const settings = (await world.api.call('GET', settingsPath, { token: org.apiKey })).body;
    settings.push.contact = { update_existing: true, create_when_no_match: true };
    settings.mappings.lead.push({ spara_field: 'first_name', salesforce_field: 'FirstName', write_rule: 'if_empty' });
    const saved = await world.api.call('PUT', settingsPath, { token: org.apiKey, body: settings });
    expect(saved.status).toBe(200);
    const refreshToken = (await storedConnection(world, org.id)).refresh!;
    const res = await world.api.call('POST', `/api/v1/orgs/${org.id}/integrations/salesforce/deauthorize`, { token: org.apiKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'not_connected', instance_url: null, username: null, salesforce_org_id: null, connected_at: null, disconnected_at: expect.any(String) });
    expect(Date.now() - Date.parse(res.body.disconnected_at)).toBeLessThan(60_000);
    expect(await status(org)).toEqual(res.body);
    const sync = (await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/sync`, { token: org.apiKey })).body;
    expect(sync).toMatchObject({ paused_until: null, pause_reason: 'not_connected' });
    // Revoked at Salesforce: the refresh token no longer buys an access token.
    const refreshed = await fetch(`${world.sandbox.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: world.sandbox.clientId, client_secret: world.sandbox.clientSecret }),
    });
    expect(refreshed.status).toBe(400);
    expect(((await refreshed.json()) as { error: string }).error).toBe('invalid_grant');
    expect((await world.api.call('GET', settingsPath, { token: org.apiKey })).body).toEqual(saved.body);
    const { rows } = await world.api.database.db.query<{ a: string | null; r: string | null }>('select access_token_enc as a, refresh_token_enc as r from salesforce_connections where org_id = $1', [org.id]);
    expect(rows[0]).toEqual({ a: null, r: null });
    expect((await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/fields?object=Lead`, { token: org.apiKey })).status).toBe(409);
    const { response } = await authorizeThroughSandbox(world, org);
    expect(response.status).toBe(302);
    expect((await status(org)).status).toBe('connected');
  });

  it("another organization's key cannot see or change the connection", async () => {
    const org = await connectedOrg(world, 'Private');
    const other = await world.api.createOrg('Nosy');
    for (const [method, p] of [['GET', ''], ['POST', '/authorize'], ['POST', '/deauthorize'], ['GET', '/fields?object=Lead']] as const) {
      const res = await world.api.call(method, `/api/v1/orgs/${org.id}/integrations/salesforce${p}`, { token: other.apiKey, body: method === 'POST' ? {} : undefined });
      expect(res.status).toBe(404);
    }
  });

  it('connecting a different Salesforce org clears the Salesforce ids stored on leads; the same org keeps them', async () => {
    const org = await connectedOrg(world, 'Switch');
    const lead = await world.api.call('POST', `/api/v1/orgs/${org.id}/leads`, {
      token: org.apiKey,
      body: { fields: { email: 'switch@example.com', first_name: 'Sw', salesforce_lead_id: '00Q000000000001AAA', salesforce_contact_id: '003000000000001AAA' } },
    });
    // Same Salesforce org again: ids stay.
    await authorizeThroughSandbox(world, org);
    expect((await world.api.call('GET', `/api/v1/orgs/${org.id}/leads/${lead.body.id}`, { token: org.apiKey })).body.fields.salesforce_lead_id).toBe('00Q000000000001AAA');
    // Pretend the stored connection was to another Salesforce org, then connect this one.
    await world.api.database.db.query(`update salesforce_connections set salesforce_org_id = '00D000000000OLDAAA' where org_id = $1`, [org.id]);
    const { response } = await authorizeThroughSandbox(world, org);
    expect(response.headers.get('location')).toContain('cleared_leads=1');
    const fields = (await world.api.call('GET', `/api/v1/orgs/${org.id}/leads/${lead.body.id}`, { token: org.apiKey })).body.fields;
    expect(fields).toEqual({ email: 'switch@example.com', first_name: 'Sw' });
  });
});
