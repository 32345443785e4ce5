import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/helpers/api.ts';
import { engineName } from '../../../test/helpers/database.ts';

describe(`organizations API (${engineName})`, () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('creates an organization with the staff token and shows its key once', async () => {
    const res = await api.call('POST', '/api/v1/orgs', { body: { name: 'Acme' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), name: 'Acme', api_key: expect.stringMatching(/^lsk_[A-Za-z0-9_-]{43}$/) });
    const get = await api.call('GET', `/api/v1/orgs/${res.body.id}`);
    expect(get.status).toBe(200);
    expect(get.body).toEqual({ id: res.body.id, name: 'Acme', created_at: expect.any(String) });
    expect(JSON.stringify(get.body)).not.toContain(res.body.api_key);
  });

  it('stores the API key hashed only', async () => {
    const org = await api.createOrg('Hashy');
    const { rows } = await api.database.db.query<{ api_key_hash: string }>('select api_key_hash from orgs where id = $1', [org.id]);
    expect(rows[0].api_key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].api_key_hash).not.toContain(org.apiKey);
  });

  it('GET /me tells staff from an organization key', async () => {
    const org = await api.createOrg('Me Inc');
    expect((await api.call('GET', '/api/v1/me')).body).toEqual({ kind: 'staff', org: null });
    expect((await api.call('GET', '/api/v1/me', { token: org.apiKey })).body).toEqual({ kind: 'org', org: { id: org.id, name: 'Me Inc' } });
  });

  it('lets an organization key read its own organization only; another org is a 404', async () => {
    const a = await api.createOrg('A');
    const b = await api.createOrg('B');
    expect((await api.call('GET', `/api/v1/orgs/${a.id}`, { token: a.apiKey })).status).toBe(200);
    const other = await api.call('GET', `/api/v1/orgs/${b.id}`, { token: a.apiKey });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('not_found');
    const missing = await api.call('GET', `/api/v1/orgs/00000000-0000-4000-8000-000000000000`, { token: a.apiKey });
    expect(missing.body).toEqual(other.body);
  });

  it('only staff may create organizations (403 for an org key)', async () => {
    const org = await api.createOrg();
    const res = await api.call('POST', '/api/v1/orgs', { token: org.apiKey, body: { name: 'X' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
  });

  it('answers 401 without a token or with a wrong one', async () => {
    for (const token of [null, 'lsk_not-a-real-key']) {
      const res = await api.call('GET', '/api/v1/me', { token });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'unauthorized', message: expect.any(String) });
    }
  });

  it('answers 404 for a malformed or unknown organization id', async () => {
    for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000', "1' or '1'='1"]) {
      const res = await api.call('GET', `/api/v1/orgs/${encodeURIComponent(id)}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('validates the body: missing name, wrong type, unknown property', async () => {
    const cases = [{}, { name: 5 }, { name: '' }, { name: 'A', extra: true }];
    for (const body of cases) {
      const res = await api.call('POST', '/api/v1/orgs', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(Object.keys(res.body.error.details.fields).length).toBeGreaterThan(0);
    }
  });

  it('serves the OpenAPI document and browsable docs without a token', async () => {
    const doc = await api.call('GET', '/api/v1/openapi.json', { token: null });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/orgs', '/api/v1/orgs/{org}/leads', '/api/v1/orgs/{org}/leads/{id}/messages', '/api/v1/orgs/{org}/data-model/fields']));
    const ui = await fetch(`${api.url}/api/v1/docs/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('<html');
  });

  it('documents every route of api-v1.md and docs/api.md with request and response schemas', async () => {
    const doc = (await api.call('GET', '/api/v1/openapi.json', { token: null })).body;
    const sf = '/api/v1/orgs/{org}/integrations/salesforce';
    // Every operation that takes a JSON body; `false`: one that takes none.
    const operations: Array<[string, string, boolean]> = [
      ['get', '/api/v1/me', false],
      ['post', '/api/v1/orgs', true],
      ['get', '/api/v1/orgs/{org}', false],
      ['post', '/api/v1/session', false],
      ['get', '/api/v1/session', false],
      ['delete', '/api/v1/session', false],
      ['get', '/api/v1/orgs/{org}/data-model/fields', false],
      ['post', '/api/v1/orgs/{org}/data-model/fields', true],
      ['post', '/api/v1/orgs/{org}/leads', true],
      ['get', '/api/v1/orgs/{org}/leads', false],
      ['get', '/api/v1/orgs/{org}/leads/{id}', false],
      ['patch', '/api/v1/orgs/{org}/leads/{id}', true],
      ['post', '/api/v1/orgs/{org}/leads/{id}/messages', true],
      ['get', '/api/v1/orgs/{org}/leads/{id}/messages', false],
      ['get', sf, false],
      ['post', `${sf}/authorize`, true],
      ['post', `${sf}/connect`, true],
      ['post', `${sf}/deauthorize`, false],
      ['get', `${sf}/fields`, false],
      ['get', `${sf}/settings`, false],
      ['put', `${sf}/settings`, true],
      ['get', `${sf}/sync`, false],
      ['get', `${sf}/sync/log`, false],
      ['post', `${sf}/sync/preview/{lead}`, false],
      ['post', `${sf}/sync/retry`, false],
      ['post', `${sf}/sync/backfill`, false],
      ['get', `${sf}/sync/stats`, false],
      ['post', `${sf}/sync/push/{lead}`, false],
      ['get', `${sf}/pull-rules`, false],
      ['put', `${sf}/pull-rules`, true],
      ['post', `${sf}/pull-rules/{rule}/run`, false],
      ['get', `${sf}/pull-runs`, false],
      ['get', `${sf}/pull-runs/{run}`, false],
      ['get', `${sf}/pull-runs/{run}/log`, false],
      ['post', '/api/v1/orgs/{org}/render', true],
      ['post', '/api/v1/orgs/{org}/workflows', true],
      ['get', '/api/v1/orgs/{org}/workflows', false],
      ['get', '/api/v1/orgs/{org}/workflows/{id}', false],
      ['put', '/api/v1/orgs/{org}/workflows/{id}', true],
      ['delete', '/api/v1/orgs/{org}/workflows/{id}', false],
      ['get', '/api/v1/orgs/{org}/workflows/{id}/runs', false],
      ['get', '/api/v1/orgs/{org}/outbox', false],
    ];
    // Bodies that may be left out (every field optional): the document must not call them required.
    const optionalBodies = new Set([`post ${sf}/authorize`]);
    const problems: string[] = [];
    for (const [method, path, takesBody] of operations) {
      const op = doc.paths[path]?.[method];
      const name = `${method.toUpperCase()} ${path}`;
      if (!op) {
        problems.push(`${name}: missing`);
        continue;
      }
      const codes = Object.keys(op.responses ?? {});
      const success = codes.filter((c) => c.startsWith('2'));
      if (success.length === 0) problems.push(`${name}: no 2xx response`);
      for (const code of success) if (code !== '204' && !op.responses[code].content?.['application/json']?.schema) problems.push(`${name}: ${code} has no schema`);
      if (takesBody && !op.requestBody?.content?.['application/json']?.schema) problems.push(`${name}: no request schema`);
      if (takesBody && op.requestBody?.required !== !optionalBodies.has(`${method} ${path}`)) problems.push(`${name}: requestBody.required is ${op.requestBody?.required}`);
      if (JSON.stringify(op).includes('x-optional-body')) problems.push(`${name}: an internal schema key leaked into the document`);
      // Every organization path refuses a missing token (401) and an unknown organization (404).
      if (path.startsWith('/api/v1/orgs/{org}')) for (const code of ['401', '404']) if (!op.responses?.[code]) problems.push(`${name}: ${code} not documented`);
    }
    expect(problems).toEqual([]);
    // And no served API route is left out of the document (a route added later included).
    const served = api.app.routeTable
      .filter((r) => r.method !== 'HEAD' && r.url.startsWith('/api/v1/') && !r.url.startsWith('/api/v1/docs') && r.url !== '/api/v1/openapi.json')
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
    // The dry run's answer is described to the field (docs/sync.md).
    const preview = doc.paths[`${sf}/sync/preview/{lead}`].post.responses['200'].content['application/json'].schema;
    expect(Object.keys(preview.properties)).toEqual(['lead_id', 'objects', 'salesforce_data']);
    expect(Object.keys(preview.properties.objects.items.properties)).toEqual(expect.arrayContaining(['object', 'match', 'action', 'changes', 'reason', 'reason_code']));
  });

  it('answers health checks without a token', async () => {
    expect((await api.call('GET', '/healthz', { token: null })).status).toBe(200);
    expect((await api.call('GET', '/readyz', { token: null })).body).toEqual({ status: 'ready' });
  });

  it('answers an unknown route with the error shape', async () => {
    const res = await api.call('GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('rate limits', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ LEADSYNC_RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => api.close());

  it('answers 429 rate_limited with Retry-After past the per-token limit', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<TestApi['call']>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await api.call('GET', '/api/v1/me');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.body.error.code).toBe('rate_limited');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('metrics', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('serves Prometheus metrics to the staff token only, with queue depth per organization', async () => {
    const org = await api.createOrg();
    await api.call('POST', `/api/v1/orgs/${org.id}/leads`, { token: org.apiKey, body: { fields: { email: 'm@example.com' } } });
    expect((await api.call('GET', '/metrics', { token: null })).status).toBe(401);
    expect((await api.call('GET', '/metrics', { token: org.apiKey })).status).toBe(401);
    const res = await api.call('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.body).toContain(`leadsync_sync_queue_depth{org="${org.id}"} 1`);
    expect(res.body).toContain('leadsync_records_pushed_total');
  });
});

describe('open metrics', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ LEADSYNC_METRICS_OPEN: 'true' });
  });
  afterAll(() => api.close());

  it('serves /metrics without a token when LEADSYNC_METRICS_OPEN=true', async () => {
    expect((await api.call('GET', '/metrics', { token: null })).status).toBe(200);
  });
});
