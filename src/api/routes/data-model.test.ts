import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/helpers/api.ts';
import { engineName } from '../../../test/helpers/database.ts';
import { BUILTIN_FIELDS } from '../../leads/data-model.ts';

describe(`data model API (${engineName})`, () => {
  let api: TestApi;
  let org: { id: string; apiKey: string };
  beforeAll(async () => {
    api = await startTestApi();
    org = await api.createOrg();
  });
  afterAll(() => api.close());

  it('lists every built-in field with its type and read-only flag', async () => {
    const res = await api.call('GET', `/api/v1/orgs/${org.id}/data-model/fields`, { token: org.apiKey });
    expect(res.status).toBe(200);
    const byKey = Object.fromEntries(res.body.items.map((f: any) => [f.key, f]));
    for (const key of ['email', 'first_name', 'last_name', 'company', 'title', 'phone', 'website', 'city', 'state', 'country', 'lead_source', 'conversation', 'salesforce_lead_id', 'salesforce_contact_id', 'salesforce_account_id', 'salesforce_account_name', 'salesforce_account_owner_email', 'salesforce_assigned_sales_rep_id', 'salesforce_assigned_sales_rep_name', 'salesforce_assigned_sales_rep_email', 'salesforce_account_owner_id', 'salesforce_account_owner_name', 'salesforce_account_website']) {
      expect(byKey[key], key).toMatchObject({ key, builtin: true });
    }
    expect(byKey.conversation).toMatchObject({ type: 'conversation', read_only: true });
    expect(byKey.salesforce_lead_id.read_only).toBe(false);
    expect(byKey.salesforce_contact_id.read_only).toBe(false);
    expect(byKey.salesforce_account_owner_email.read_only).toBe(true);
    expect(byKey.email.type).toBe('email');
    expect(res.body.items).toHaveLength(BUILTIN_FIELDS.length);
  });

  it('adds a custom field, lists it, and refuses the same key twice (409)', async () => {
    const res = await api.call('POST', `/api/v1/orgs/${org.id}/data-model/fields`, { token: org.apiKey, body: { key: 'budget', label: 'Budget', type: 'number' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ key: 'budget', label: 'Budget', type: 'number', builtin: false, read_only: false });
    const list = await api.call('GET', `/api/v1/orgs/${org.id}/data-model/fields`, { token: org.apiKey });
    expect(list.body.items.at(-1)).toMatchObject({ key: 'budget', builtin: false });
    const again = await api.call('POST', `/api/v1/orgs/${org.id}/data-model/fields`, { token: org.apiKey, body: { key: 'budget', label: 'Budget 2', type: 'string' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    const builtin = await api.call('POST', `/api/v1/orgs/${org.id}/data-model/fields`, { token: org.apiKey, body: { key: 'email', label: 'E', type: 'string' } });
    expect(builtin.status).toBe(409);
  });

  it('keeps custom fields per organization', async () => {
    const other = await api.createOrg('Other');
    await api.call('POST', `/api/v1/orgs/${org.id}/data-model/fields`, { token: org.apiKey, body: { key: 'only_here', label: 'x', type: 'string' } });
    const list = await api.call('GET', `/api/v1/orgs/${other.id}/data-model/fields`, { token: other.apiKey });
    expect(list.body.items.map((f: any) => f.key)).not.toContain('only_here');
  });

  it('validates key pattern, type and unknown properties', async () => {
    const bad = [
      { key: 'Budget', label: 'B', type: 'number' },
      { key: '1abc', label: 'B', type: 'number' },
      { key: 'a'.repeat(64), label: 'B', type: 'number' },
      { key: 'ok_key', label: 'B', type: 'money' },
      { key: 'ok_key', label: 'B', type: 'conversation' },
      { key: 'ok_key', label: 'B', type: 'number', extra: 1 },
      { key: 'ok_key', type: 'number' },
    ];
    for (const body of bad) {
      const res = await api.call('POST', `/api/v1/orgs/${org.id}/data-model/fields`, { token: org.apiKey, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });
});
