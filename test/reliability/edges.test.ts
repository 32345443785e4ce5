/**
 * Safety at the edges (runtime.md): inputs that once answered 500 or a framework body, dates that
 * moved, authentication before the body, security headers. Each case is a request a client can send.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.ts';
import { engineName } from '../helpers/database.ts';

const NUL = 'a\u0000b';
const LONE_HIGH = 'x\ud800y';
const LONE_LOW = '\udc00z';
const BAD_STRINGS = [NUL, LONE_HIGH, LONE_LOW];

/** The documented error shape, with the given status and code. */
function expectError(res: { status: number; body: any }, status: number, code?: string) {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { error: { code: code ?? expect.any(String), message: expect.any(String) } } });
}

/** A raw HTTP exchange (for requests fetch refuses to send): the status line and the body. */
function raw(url: string, text: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(text));
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      // The first response only (what follows a short Content-Length may be answered too).
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      const head = data.slice(0, data.indexOf('\r\n\r\n'));
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? data.length);
      resolve({ status, body: Buffer.from(data.slice(head.length + 4)).subarray(0, length).toString('utf8') });
    });
  });
}

describe(`safety at the edges (${engineName})`, () => {
  let api: TestApi;
  let org: { id: string; apiKey: string };
  let leadId: string;
  let workflowId: string;
  const orgPath = () => `/api/v1/orgs/${org.id}`;
  const call = (method: string, path: string, body?: unknown) => api.call(method, `${orgPath()}${path}`, { token: org.apiKey, body });

  beforeAll(async () => {
    api = await startTestApi();
    org = await api.createOrg('Edges');
    await call('POST', '/data-model/fields', { key: 'birthday', label: 'Birthday', type: 'date' });
    await call('POST', '/data-model/fields', { key: 'met_at', label: 'Met at', type: 'datetime' });
    leadId = (await call('POST', '/leads', { fields: { email: 'edge@example.com', first_name: 'Edge' } })).body.id;
    workflowId = (await call('POST', '/workflows', { name: 'W', trigger: 'lead.created', actions: [] })).body.id;
  });
  afterAll(() => api.close());

  describe('NUL and lone surrogates in stored strings are 400 validation_failed naming the field', () => {
    const cases: [string, string, string, (s: string) => unknown, string][] = [
      ['lead field', 'POST', '/leads', (s) => ({ fields: { email: 'nul@example.com', company: s } }), 'fields.company'],
      ['lead patch', 'PATCH', '/leads/{lead}', (s) => ({ fields: { first_name: s } }), 'fields.first_name'],
      ['message text', 'POST', '/leads/{lead}/messages', (s) => ({ role: 'lead', channel: 'chat', text: s }), 'text'],
      ['field label', 'POST', '/data-model/fields', (s) => ({ key: 'label_nul', label: s, type: 'string' }), 'label'],
      ['workflow name', 'POST', '/workflows', (s) => ({ name: s, trigger: 'lead.created', actions: [] }), 'name'],
      ['template', 'POST', '/workflows', (s) => ({ name: 'T', trigger: 'lead.created', actions: [{ type: 'email', to_template: 'a@example.com', subject_template: s, body_template: 'b' }] }), 'actions.0.subject_template'],
      ['render template', 'POST', '/render', (s) => ({ lead_id: '{lead}', template: s }), 'template'],
      ['settings placeholder', 'PUT', '/integrations/salesforce/settings', (s) => ({ push: { lead: { update_existing: false, create_when_no_match: false }, contact: { update_existing: false, create_when_no_match: false } }, mappings: { lead: [], contact: [] }, required_field_placeholder: s }), 'required_field_placeholder'],
    ];
    for (const [name, method, path, body, field] of cases) {
      for (const bad of BAD_STRINGS) {
        it(`${name} with ${JSON.stringify(bad)}`, async () => {
          const fill = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replace(/\{lead\}/g, leadId));
          const res = await call(method, path.replace('{lead}', leadId), fill(body(bad)));
          expectError(res, 400, 'validation_failed');
          expect(Object.keys(res.body.error.details.fields).some((k) => k.endsWith(field))).toBe(true);
        });
      }
    }

    it('an organization name', async () => {
      for (const bad of BAD_STRINGS) {
        const res = await api.call('POST', '/api/v1/orgs', { body: { name: bad } });
        expectError(res, 400, 'validation_failed');
        expect(res.body.error.details.fields).toHaveProperty(['body.name']);
      }
    });

    it('a query parameter (?email=%00)', async () => {
      for (const q of ['email=%00', 'email=a%00b', 'cursor=%00']) {
        const res = await call('GET', `/leads?${q}`);
        expectError(res, 400, 'validation_failed');
      }
    });

    it('nothing was stored', async () => {
      const list = await call('GET', '/leads');
      expect(JSON.stringify(list.body)).not.toMatch(/\\u0000|\\ud8|\\udc/);
      expect((await call('GET', `/leads/${leadId}`)).body.fields.first_name).toBe('Edge');
    });
  });

  describe('dates are stored exactly or refused, never moved', () => {
    it('a message sent_at in year 0000 or on 2026-02-30 is refused', async () => {
      for (const sent_at of ['0000-01-01T00:00:00Z', '2026-02-30T10:00:00Z', '2026-13-01T00:00:00Z', '2026-04-31T00:00:00Z', '2026-01-01T24:30:00Z', '2026-01-01T10:61:00Z']) {
        const res = await call('POST', `/leads/${leadId}/messages`, { role: 'lead', channel: 'chat', text: 'hi', sent_at });
        expectError(res, 400, 'validation_failed');
        expect(res.body.error.details.fields).toHaveProperty(['sent_at']);
      }
    });

    it('a message sent_at of 0001-01-01 is refused (never moved to 2001); 1900 onwards is kept exactly', async () => {
      const old = await call('POST', `/leads/${leadId}/messages`, { role: 'lead', channel: 'chat', text: 'old', sent_at: '0001-01-01T00:00:00Z' });
      expectError(old, 400, 'validation_failed');
      expect(old.body.error.details.fields.sent_at).toMatch(/1900-01-01/);
      const res = await call('POST', `/leads/${leadId}/messages`, { role: 'lead', channel: 'chat', text: 'early', sent_at: '1900-01-01T00:00:00Z' });
      expect(res.status).toBe(201);
      expect(res.body.sent_at).toBe('1900-01-01T00:00:00.000Z');
      const list = await call('GET', `/leads/${leadId}/messages`);
      expect(list.body.items.find((m: any) => m.text === 'early').sent_at).toBe('1900-01-01T00:00:00.000Z');
      expect(list.body.items.some((m: any) => m.text === 'old')).toBe(false);
    });

    it('date and datetime fields refuse impossible dates and year 0', async () => {
      for (const [key, value] of [['birthday', '2026-02-30'], ['birthday', '0000-01-01'], ['met_at', '2026-02-30T00:00:00Z'], ['met_at', '0000-06-01T00:00:00Z']]) {
        const res = await call('PATCH', `/leads/${leadId}`, { fields: { [key]: value } });
        expectError(res, 400, 'validation_failed');
      }
      const ok = await call('PATCH', `/leads/${leadId}`, { fields: { birthday: '0001-01-01', met_at: '2028-02-29T23:59:59Z' } });
      expect(ok.body.fields).toMatchObject({ birthday: '0001-01-01', met_at: '2028-02-29T23:59:59.000Z' });
    });
  });

  describe('forged cursors are 400', () => {
    const forge = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    it('on leads, messages, runs and the sync log', async () => {
      const forged = [forge(0), forge(5), forge({ sent_at: '0000-01-01T00:00:00Z', seq: 1 }), forge({ sent_at: '1', seq: 1 }), forge({ sent_at: '2026-01-01T00:00:00Z', seq: 1 }), 'x', '%00'];
      for (const cursor of forged) {
        for (const path of ['/leads', `/leads/${leadId}/messages`, `/workflows/${workflowId}/runs`, '/integrations/salesforce/sync/log']) {
          const res = await call('GET', `${path}?cursor=${cursor}`);
          expectError(res, 400, 'validation_failed');
        }
      }
    });

    it('the cursors the lists return still work', async () => {
      for (let i = 0; i < 3; i++) await call('POST', '/leads', { fields: { email: `page${i}@example.com` } });
      const first = await call('GET', '/leads?limit=2');
      expect(first.body.next_cursor).toEqual(expect.any(String));
      const second = await call('GET', `/leads?limit=2&cursor=${first.body.next_cursor}`);
      expect(second.status).toBe(200);
      expect(second.body.items.length).toBeGreaterThan(0);
    });
  });

  describe('paths', () => {
    it('/ui/constructor, /ui/__proto__ and /ui/toString are 404 in our shape', async () => {
      for (const file of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        const res = await api.call('GET', `/ui/${file}`, { token: null });
        expectError(res, 404, 'not_found');
      }
    });

    it('a path that is no UI page gets the app (its "not found" page) with status 404; a page path 200', async () => {
      const unknown = await api.call('GET', '/no-such-page', { token: null });
      expect(unknown.status).toBe(404);
      expect(String(unknown.headers.get('content-type'))).toMatch(/^text\/html/);
      const page = await api.call('GET', `/orgs/${org.id}/leads`, { token: null });
      expect(page.status).toBe(200);
    });

    it('an id over 100 characters is 404 not_found', async () => {
      const long = 'a'.repeat(300);
      for (const path of [`/api/v1/orgs/${long}`, `${orgPath()}/leads/${long}`, `${orgPath()}/workflows/${long}`]) {
        const res = await api.call('GET', path, { token: org.apiKey });
        expectError(res, 404, 'not_found');
      }
    });

    it('a path whose percent-escapes are not UTF-8 is 404 in our shape', async () => {
      for (const bad of ['%ED%A0%80', '%FF', '%C0%AF']) {
        const res = await api.call('GET', `/api/v1/orgs/${bad}/outbox`, { token: org.apiKey });
        expectError(res, 404, 'not_found');
      }
    });

    it('a whole URL too long to read is 414 in our shape', async () => {
      const res = await raw(api.url, `GET /api/v1/orgs/${'a'.repeat(70_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(res.status).toBe(414);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    });

    it('a bad Content-Length is 400 in our shape', async () => {
      for (const length of ['abc', '-1', '1, 2']) {
        const res = await raw(api.url, `POST ${orgPath()}/leads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${org.apiKey}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n{}`);
        expect(res.status).toBe(400);
        expect(JSON.parse(res.body)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      }
      const short = await raw(api.url, `POST ${orgPath()}/leads HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${org.apiKey}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{"fields":{}}`);
      expect(short.status).toBe(400);
      expect(JSON.parse(short.body)).toMatchObject({ error: { code: expect.any(String) } });
    });

    it('/api/v1/docs/static/index.html?x does not redirect to itself', async () => {
      let url = `${api.url}/api/v1/docs/static/index.html?x`;
      for (let hop = 0; hop < 5; hop++) {
        const res = await fetch(url, { redirect: 'manual' });
        if (res.status < 300 || res.status >= 400) {
          expect(res.status).toBe(200);
          return;
        }
        const next = new URL(res.headers.get('location')!, url).toString();
        expect(next).not.toBe(url);
        url = next;
      }
      throw new Error('redirected more than 5 times');
    });
  });

  describe('authentication comes before the body', () => {
    it('no token or a bad token is 401 even with an invalid or malformed body', async () => {
      for (const token of [null, 'not-a-key']) {
        for (const rawBody of ['{"fields": 1}', '{not json', '{"name": 5}']) {
          const res = await api.call('POST', `${orgPath()}/leads`, { token, rawBody });
          expectError(res, 401, 'unauthorized');
        }
      }
      const big = await api.call('POST', '/api/v1/orgs', { token: null, rawBody: '['.repeat(900_000) });
      expectError(big, 401, 'unauthorized');
    });

    it('failed authentications are limited per client address, whatever token is sent', async () => {
      const limited = await startTestApi({ LEADSYNC_RATE_LIMIT_PER_MINUTE: '20' });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 30; i++) statuses.push((await limited.call('GET', '/api/v1/me', { token: `random-${i}` })).status);
        expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
        expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
        const res = await limited.call('GET', '/api/v1/me', { token: null });
        expectError(res, 429, 'rate_limited');
        expect(res.headers.get('retry-after')).toEqual(expect.any(String));
        // A valid token has its own allowance.
        expect((await limited.call('GET', '/api/v1/me')).status).toBe(200);
      } finally {
        await limited.close();
      }
    });
  });

  describe('security headers', () => {
    it('every API, HTML and error response has nosniff and Referrer-Policy', async () => {
      const responses = [
        await api.call('GET', '/api/v1/me', { token: org.apiKey }),
        await api.call('GET', '/api/v1/me', { token: null }),
        await api.call('GET', '/nope', { token: null }),
        await api.call('GET', '/', { token: null }),
        await api.call('GET', '/ui/app.js', { token: null }),
        await api.call('GET', '/healthz', { token: null }),
        await api.call('GET', '/oauth/salesforce/callback?state=x', { token: null }),
        await api.call('GET', '/api/v1/docs/', { token: null }),
      ];
      for (const res of responses) {
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('referrer-policy')).toMatch(/^(no-referrer|same-origin)$/);
      }
    });

    it('HTML pages have a Content-Security-Policy without inline script and with frame-ancestors none', async () => {
      for (const path of ['/', `/orgs/${org.id}/settings/salesforce`, '/oauth/salesforce/callback?state=x']) {
        const res = await api.call('GET', path, { token: null });
        expect(res.headers.get('content-type')).toMatch(/text\/html/);
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp).toMatch(/frame-ancestors 'none'/);
        const script = /(?:^|;)\s*script-src ([^;]*)/.exec(csp)?.[1] ?? /(?:^|;)\s*default-src ([^;]*)/.exec(csp)?.[1];
        expect(script).toBeDefined();
        expect(script).not.toMatch(/unsafe-inline|unsafe-eval/);
        // And the page has no inline script that this policy would block.
        expect(String(res.body)).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      }
    });
  });
});
