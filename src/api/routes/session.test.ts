import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/helpers/api.ts';
import { engineName } from '../../../test/helpers/database.ts';

/** Signs in like the web UI: the token as Bearer on POST /api/v1/session; returns the cookie pair and CSRF token. */
async function signIn(api: TestApi, token: string) {
  const res = await api.call('POST', '/api/v1/session', { token });
  expect(res.status).toBe(201);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0];
  return { res, setCookie, cookie, csrf: res.body.csrf_token as string };
}

describe(`web UI sessions (${engineName})`, () => {
  let api: TestApi;
  let org: { id: string; apiKey: string };
  beforeAll(async () => {
    api = await startTestApi();
    org = await api.createOrg('Session Co');
  });
  afterAll(() => api.close());

  it('an org key opens an httpOnly, SameSite=Lax session that acts for that organization', async () => {
    const { res, setCookie, cookie, csrf } = await signIn(api, org.apiKey);
    expect(res.body).toEqual({ kind: 'org', org: { id: org.id, name: 'Session Co' }, csrf_token: expect.any(String) });
    expect(setCookie).toMatch(/^leadsync_session=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    const back = await api.call('GET', '/api/v1/session', { token: null, headers: { cookie } });
    expect(back.body).toEqual({ kind: 'org', org: { id: org.id, name: 'Session Co' }, csrf_token: csrf });
    expect((await api.call('GET', `/api/v1/orgs/${org.id}/leads`, { token: null, headers: { cookie } })).status).toBe(200);
    // Another organization stays invisible, as with the key itself.
    const other = await api.createOrg('Other');
    expect((await api.call('GET', `/api/v1/orgs/${other.id}`, { token: null, headers: { cookie } })).status).toBe(404);
  });

  it('keeps neither the session id nor the token in the database', async () => {
    const { cookie } = await signIn(api, org.apiKey);
    const id = cookie.split('=')[1];
    const { rows } = await api.database.db.query('select * from ui_sessions');
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(id);
    expect(stored).not.toContain(org.apiKey);
  });

  it('a state-changing request with the cookie needs its CSRF token and this origin', async () => {
    const { cookie, csrf } = await signIn(api, org.apiKey);
    const body = { fields: { email: 'csrf@example.com' } };
    const path = `/api/v1/orgs/${org.id}/leads`;
    const noToken = await api.call('POST', path, { token: null, body, headers: { cookie } });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('forbidden');
    expect((await api.call('POST', path, { token: null, body, headers: { cookie, 'x-csrf-token': 'x'.repeat(43) } })).status).toBe(403);
    const foreign = await api.call('POST', path, { token: null, body, headers: { cookie, 'x-csrf-token': csrf, origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const ok = await api.call('POST', path, { token: null, body, headers: { cookie, 'x-csrf-token': csrf, origin: api.url } });
    expect(ok.status).toBe(201);
    // Nothing was written by the refused attempts: one lead with that email.
    const list = await api.call('GET', `${path}?email=csrf@example.com`, { token: org.apiKey });
    expect(list.body.items).toHaveLength(1);
  });

  it('sign out ends the session everywhere', async () => {
    const { cookie, csrf } = await signIn(api, org.apiKey);
    expect((await api.call('DELETE', '/api/v1/session', { token: null, headers: { cookie } })).status).toBe(403);
    const out = await api.call('DELETE', '/api/v1/session', { token: null, headers: { cookie, 'x-csrf-token': csrf } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^leadsync_session=; Max-Age=0;/);
    expect((await api.call('GET', '/api/v1/session', { token: null, headers: { cookie } })).status).toBe(401);
  });

  it('a staff session acts as staff; a bearer token still works exactly as before and wins over a cookie', async () => {
    const { res, cookie } = await signIn(api, api.staffToken);
    expect(res.body.kind).toBe('staff');
    expect((await api.call('GET', `/api/v1/orgs/${org.id}`, { token: null, headers: { cookie } })).status).toBe(200);
    const other = await api.createOrg('Bearer Co');
    const me = await api.call('GET', '/api/v1/me', { token: other.apiKey, headers: { cookie } });
    expect(me.body).toEqual({ kind: 'org', org: { id: other.id, name: 'Bearer Co' } });
    // A bearer request needs no CSRF token (a cross-site page cannot send the header).
    expect((await api.call('POST', `/api/v1/orgs/${other.id}/leads`, { token: other.apiKey, body: { fields: {} } })).status).toBe(201);
  });

  it('a wrong token opens nothing; a garbled or unknown cookie is a 401, never a 500', async () => {
    expect((await api.call('POST', '/api/v1/session', { token: 'lsk_wrong' })).status).toBe(401);
    for (const cookie of ['leadsync_session=nope', 'leadsync_session=' + 'A'.repeat(43), 'leadsync_session=%E0%A4%A', '=;;=', 'leadsync_session="' + 'A'.repeat(41) + '"']) {
      const res = await api.call('GET', '/api/v1/session', { token: null, headers: { cookie } });
      expect(res.status, cookie).toBe(401);
    }
  });
});

describe(`web UI sessions end when their token does (${engineName})`, () => {
  it('a staff session dies when the staff token changes; the cookie is Secure when PUBLIC_URL is https', async () => {
    const first = await startTestApi({ PUBLIC_URL: 'https://leadsync.example.com' });
    try {
      const { setCookie, cookie } = await signIn(first, first.staffToken);
      expect(setCookie).toContain('; Secure');
      await first.app.close();
      const second = await startTestApi({}, { database: first.database });
      try {
        expect((await second.call('GET', '/api/v1/session', { token: null, headers: { cookie } })).status).toBe(401);
      } finally {
        await second.app.close();
      }
    } finally {
      await first.database.drop();
    }
  });
});
