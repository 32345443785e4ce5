import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/helpers/api.ts';
import { engineName } from '../../../test/helpers/database.ts';

describe(`PUT /workflows/{id}: editing a workflow (${engineName})`, () => {
  let api: TestApi;
  let org: { id: string; apiKey: string };
  beforeAll(async () => {
    api = await startTestApi();
    org = await api.createOrg('Editors');
  });
  afterAll(() => api.close());

  const path = (id = '') => `/api/v1/orgs/${org.id}/workflows${id ? `/${id}` : ''}`;
  const body = { name: 'Hot leads', trigger: 'lead.created', conditions: { all: [{ field: 'company', op: 'equals', value: 'Acme' }] }, actions: [{ type: 'set_field', field: 'title', value_template: 'VIP' }] };

  it('replaces the definition and keeps the id and signing secret', async () => {
    const created = (await api.call('POST', path(), { token: org.apiKey, body })).body;
    const edited = { ...body, name: 'Rep leads', trigger: 'lead.updated', conditions: { any: [{ field: 'salesforce_assigned_sales_rep_email', op: 'is_set' }] }, enabled: false };
    const res = await api.call('PUT', path(created.id), { token: org.apiKey, body: edited });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created.id, signing_secret: created.signing_secret, name: 'Rep leads', trigger: 'lead.updated', conditions: edited.conditions, enabled: false });
    expect((await api.call('GET', path(created.id), { token: org.apiKey })).body).toMatchObject({ name: 'Rep leads', enabled: false });
  });

  it('refuses what POST refuses, in place, and changes nothing', async () => {
    const created = (await api.call('POST', path(), { token: org.apiKey, body })).body;
    const bad = await api.call('PUT', path(created.id), { token: org.apiKey, body: { ...body, name: 'Broken', actions: [{ type: 'set_field', field: 'title', value_template: '{{ oops' }] } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.details.fields)).toEqual(['actions.0.value_template']);
    expect((await api.call('GET', path(created.id), { token: org.apiKey })).body.name).toBe('Hot leads');
  });

  it('an unknown, malformed or foreign workflow id is a 404', async () => {
    const other = await api.createOrg('Others');
    const theirs = (await api.call('POST', `/api/v1/orgs/${other.id}/workflows`, { token: other.apiKey, body })).body;
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope', theirs.id]) {
      expect((await api.call('PUT', path(id), { token: org.apiKey, body })).status).toBe(404);
    }
  });
});
