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
