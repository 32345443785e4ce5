import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineName } from '../../../test/helpers/database.ts';
import { connectedOrg, sandboxControl, startWorld, type ConnectedWorld } from '../../../test/helpers/salesforce.ts';
import { drain, engineDeps } from '../../../test/helpers/sync.ts';

describe(`settings, sync status, log, preview, retry (${engineName})`, () => {
  let world: ConnectedWorld;
  let org: { id: string; apiKey: string };
  const call = (method: string, path: string, body?: unknown, who = () => org) => world.api.call(method, `/api/v1/orgs/${who().id}${path}`, { token: who().apiKey, body });
  const doc = (lead: unknown[], contact: unknown[] = [], push = { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: false, create_when_no_match: false } }) => ({ push, mappings: { lead, contact } });

  beforeAll(async () => {
    world = await startWorld({ env: { LEADSYNC_SYNC_DEBOUNCE_MS: '0', LEADSYNC_SYNC_BATCH_LINGER_MS: '10' } });
    org = await connectedOrg(world, 'Settings Co');
  });
  afterAll(() => world.close());

  it('a new organization has the default settings', async () => {
    const fresh = await world.api.createOrg('Defaults');
    const res = await call('GET', '/integrations/salesforce/settings', undefined, () => fresh);
    expect(res.body).toEqual({
      push: { lead: { update_existing: false, create_when_no_match: false }, contact: { update_existing: false, create_when_no_match: false } },
      mappings: { lead: [{ spara_field: 'email', salesforce_field: 'Email', write_rule: 'overwrite' }], contact: [{ spara_field: 'email', salesforce_field: 'Email', write_rule: 'overwrite' }] },
      required_field_placeholder: '[not provided]',
    });
  });

  it('PUT stores the document, adds the Email row back and defaults write_rule', async () => {
    const res = await call('PUT', '/integrations/salesforce/settings', doc([{ spara_field: 'conversation', salesforce_field: 'Description' }, { spara_field: 'title', salesforce_field: 'Title', write_rule: 'if_empty' }]));
    expect(res.status).toBe(200);
    expect(res.body.mappings.lead).toEqual([
      { spara_field: 'email', salesforce_field: 'Email', write_rule: 'overwrite' },
      { spara_field: 'conversation', salesforce_field: 'Description', write_rule: 'overwrite' },
      { spara_field: 'title', salesforce_field: 'Title', write_rule: 'if_empty' },
    ]);
    expect((await call('GET', '/integrations/salesforce/settings')).body).toEqual(res.body);
  });

  it('create without update is 400 validation_failed', async () => {
    const res = await call('PUT', '/integrations/salesforce/settings', doc([], [], { lead: { update_existing: false, create_when_no_match: true }, contact: { update_existing: false, create_when_no_match: false } }));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });

  it('rows are checked against describe: 400 invalid_mapping naming each bad row; nothing stored', async () => {
    const before = (await call('GET', '/integrations/salesforce/settings')).body;
    const res = await call('PUT', '/integrations/salesforce/settings', doc([
      { spara_field: 'first_name', salesforce_field: 'FirstName' },
      { spara_field: 'company', salesforce_field: 'NoSuchField__c' },
      { spara_field: 'conversation', salesforce_field: 'NumberOfEmployees' },
      { spara_field: 'first_name', salesforce_field: 'LastModifiedDate' },
    ]));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_mapping');
    // 0-based indexes in the document as sent (it left the Email row out).
    expect(res.body.error.details.rows).toEqual([
      { object: 'lead', index: 1, reason: 'Lead has no field NoSuchField__c' },
      { object: 'lead', index: 2, reason: expect.stringContaining('Lead.NumberOfEmployees is a number') },
      { object: 'lead', index: 3, reason: 'Lead.LastModifiedDate is read-only' },
    ]);
    expect((await call('GET', '/integrations/salesforce/settings')).body).toEqual(before);
  });

  it('type compatibility is checked at save: a text field into NumberOfEmployees is refused with its index as sent', async () => {
    const before = (await call('GET', '/integrations/salesforce/settings')).body;
    const sent = doc([{ spara_field: 'first_name', salesforce_field: 'FirstName' }, { spara_field: 'city', salesforce_field: 'NumberOfEmployees' }], [
      { spara_field: 'email', salesforce_field: 'Email' },
      { spara_field: 'title', salesforce_field: 'Title' },
      { spara_field: 'company', salesforce_field: 'Birthdate' },
    ]);
    const res = await call('PUT', '/integrations/salesforce/settings', sent);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_mapping', message: expect.stringContaining('mappings.lead[1]') });
    expect(res.body.error.details.rows).toEqual([
      { object: 'lead', index: 1, reason: 'Lead.NumberOfEmployees is a number; city is text' },
      { object: 'contact', index: 2, reason: 'Contact.Birthdate is a date; company is text' },
    ]);
    expect((await call('GET', '/integrations/salesforce/settings')).body).toEqual(before);
    // The Email row may not become if_empty.
    const ifEmpty = await call('PUT', '/integrations/salesforce/settings', doc([{ spara_field: 'email', salesforce_field: 'Email', write_rule: 'if_empty' }]));
    expect(ifEmpty.status).toBe(400);
    expect(ifEmpty.body.error.details.rows).toEqual([{ object: 'lead', index: 0, reason: expect.stringContaining('always written') }]);
  });

  it('describe failing for another reason than authorization: 502, nothing saved unchecked', async () => {
    const before = (await call('GET', '/integrations/salesforce/settings')).body;
    world.api.salesforce.forOrg(org.id).forgetDescribes();
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/faults', { faults: [{ match: { path: 'describe' }, error: 'SERVER_UNAVAILABLE' }] });
    try {
      const res = await call('PUT', '/integrations/salesforce/settings', doc([{ spara_field: 'city', salesforce_field: 'NumberOfEmployees' }]));
      expect(res.status).toBe(502);
      expect(res.body.error).toMatchObject({ code: 'salesforce_error', message: expect.stringContaining('nothing was saved') });
    } finally {
      await sandboxControl(world.sandbox, 'DELETE', '/__sandbox/faults');
    }
    expect((await call('GET', '/integrations/salesforce/settings')).body).toEqual(before);
  });

  it('bad shapes are 400', async () => {
    for (const body of [{}, { push: {}, mappings: {} }, doc([{ spara_field: 'first_name' }]), doc([{ spara_field: 'first_name', salesforce_field: 'FirstName', write_rule: 'sometimes' }])]) {
      const res = await call('PUT', '/integrations/salesforce/settings', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('preview is a dry run: match, action and changes, with no write', async () => {
    await call('PUT', '/integrations/salesforce/settings', doc([{ spara_field: 'first_name', salesforce_field: 'FirstName' }]));
    const existing = await sandboxControl(world.sandbox, 'POST', '/__sandbox/records/Lead', { LastName: 'P', Company: 'C', Email: 'preview@example.com', FirstName: 'Old' });
    const lead = (await call('POST', '/leads', { fields: { email: 'preview@example.com', first_name: 'New' } })).body;
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/stats/reset');
    const res = await call('POST', `/integrations/salesforce/sync/preview/${lead.id}`);
    expect(res.status).toBe(200);
    expect(res.body.objects[0]).toMatchObject({ object: 'Lead', match: { id: existing.id, by: 'email' }, action: 'update', changes: { FirstName: { from: 'Old', to: 'New' } } });
    expect(res.body.objects[1]).toMatchObject({ object: 'Contact', action: 'none' });
    const stats = await sandboxControl(world.sandbox, 'GET', '/__sandbox/stats');
    expect(stats.by_kind.collections ?? 0).toBe(0);
    expect(stats.by_kind.sobject ?? 0).toBe(0);
    expect((await call('POST', '/integrations/salesforce/sync/preview/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    // Salesforce refusing the reads is Salesforce's failure, never a 500.
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/faults', { faults: [{ match: { path: '/query' }, error: 'REQUEST_LIMIT_EXCEEDED', count: 1 }] });
    const refused = await call('POST', `/integrations/salesforce/sync/preview/${lead.id}`);
    expect(refused.status).toBe(502);
    expect(refused.body.error).toMatchObject({ code: 'salesforce_error', message: expect.stringContaining('REQUEST_LIMIT_EXCEEDED') });
    await sandboxControl(world.sandbox, 'DELETE', '/__sandbox/faults');
  });

  it('sync status counts pending and errors; the log lists results; retry re-queues errors', async () => {
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/validation-rules/Lead', { name: 'nope', field: 'FirstName', condition: 'equals', value: 'Reject', message: 'Rejected by rule' });
    await call('POST', '/leads', { fields: { email: 'ok-status@example.com', first_name: 'Fine' } });
    const bad = (await call('POST', '/leads', { fields: { email: 'bad-status@example.com', first_name: 'Reject' } })).body;
    expect((await call('GET', '/integrations/salesforce/sync')).body.pending).toBeGreaterThanOrEqual(2);
    const deps = engineDeps(world);
    await drain(deps, org.id);
    const status = (await call('GET', '/integrations/salesforce/sync')).body;
    expect(status).toMatchObject({ pending: 0, in_flight: 0, errors: 1, last_run_at: expect.any(String), api_usage: { used: expect.any(Number), max: expect.any(Number) } });
    const errors = (await call('GET', `/integrations/salesforce/sync/log?status=error`)).body;
    expect(errors.items[0]).toMatchObject({ lead_id: bad.id, object: 'Lead', status: 'error', error_code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Rejected by rule', at: expect.any(String) });
    const page = (await call('GET', '/integrations/salesforce/sync/log?limit=1')).body;
    expect(page.items).toHaveLength(1);
    expect(page.next_cursor).toEqual(expect.any(String));
    const page2 = (await call('GET', `/integrations/salesforce/sync/log?limit=1&cursor=${page.next_cursor}`)).body;
    expect(page2.items[0].id).not.toBe(page.items[0].id);
    expect((await call('GET', '/integrations/salesforce/sync/log?lead_id=nope')).status).toBe(400);
    await sandboxControl(world.sandbox, 'DELETE', '/__sandbox/validation-rules/Lead/nope');
    expect((await call('POST', '/integrations/salesforce/sync/retry')).body).toEqual({ requeued: 1 });
    await drain(deps, org.id);
    expect((await call('GET', '/integrations/salesforce/sync')).body.errors).toBe(0);
    expect((await call('GET', `/leads/${bad.id}`)).body.sync.status).toBe('synced');
    // A queued read-only refresh of Salesforce data is not a change waiting to be pushed.
    const db = world.api.database.db;
    await db.query(`insert into sync_queue (lead_id, org_id, due_at, first_queued_at, refresh_only) values ($1, $2, now() + interval '1 hour', now(), true)`, [bad.id, org.id]);
    expect((await call('GET', '/integrations/salesforce/sync')).body).toMatchObject({ pending: 0, in_flight: 0 });
    await db.query('delete from sync_queue where lead_id = $1', [bad.id]);
  });

  it('a mapping added later applies to existing leads after a backfill', async () => {
    const deps = engineDeps(world);
    await drain(deps, org.id);
    await call('PUT', '/integrations/salesforce/settings', doc([{ spara_field: 'first_name', salesforce_field: 'FirstName' }, { spara_field: 'city', salesforce_field: 'City' }]));
    const lead = (await call('POST', '/leads', { fields: { email: 'later@example.com', first_name: 'L', city: 'Oslo' } })).body;
    await drain(deps, org.id);
    const res = await call('POST', '/integrations/salesforce/sync/backfill');
    expect(res.status).toBe(202);
    expect(res.body.queued).toBeGreaterThan(0);
    await drain(deps, org.id);
    expect((await call('GET', `/leads/${lead.id}`)).body.sync.status).toBe('synced');
  });
});
