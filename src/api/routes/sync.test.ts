import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineName } from '../../../test/helpers/database.ts';
import { connectedOrg, sandboxControl, startWorld, type ConnectedWorld } from '../../../test/helpers/salesforce.ts';
import { drain, engineDeps } from '../../../test/helpers/sync.ts';
import { pullOnce } from '../../sync/pull.ts';

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

  it('stats: one bucket per hour, oldest first — pushed, pulled, failed, skipped, API calls — and errors by code', async () => {
    const stats = await connectedOrg(world, 'Stats Co');
    const as = () => stats;
    const get = async (query = '') => call('GET', `/integrations/salesforce/sync/stats${query}`, undefined, as);
    const sum = (buckets: any[], key: string) => buckets.reduce((n, b) => n + b[key], 0);
    const before = (await get('?hours=3')).body;
    expect(before.buckets).toHaveLength(3);
    const starts = before.buckets.map((b: any) => Date.parse(b.start));
    expect(starts[1] - starts[0]).toBe(3_600_000);
    expect(starts[2] - starts[1]).toBe(3_600_000);
    expect(starts[2]).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - starts[2]).toBeLessThan(3_600_000);

    await sandboxControl(world.sandbox, 'POST', '/__sandbox/validation-rules/Lead', { name: 'stats', field: 'Title', condition: 'equals', value: 'StatsBad', message: 'Stats rule refused it' });
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/records/Contact', { LastName: 'Known', Email: 'stats.known@example.com' });
    await call('PUT', '/integrations/salesforce/settings', doc([{ spara_field: 'title', salesforce_field: 'Title' }]), as);
    for (const fields of [{ email: 'stats.a@example.com', title: 'ok' }, { email: 'stats.b@example.com', title: 'ok' }, { email: 'stats.bad@example.com', title: 'StatsBad' }, { email: 'stats.known@example.com' }]) {
      expect((await call('POST', '/leads', { fields }, as)).status).toBe(201);
    }
    const counted = (await get('?hours=3')).body;
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/stats/reset');
    await drain(engineDeps(world), stats.id);
    const salesforceCounted = (await sandboxControl(world.sandbox, 'GET', '/__sandbox/stats')).api_calls;
    await sandboxControl(world.sandbox, 'DELETE', '/__sandbox/validation-rules/Lead/stats');
    // A Pull Rule run: the leads it creates or updates are `pulled`.
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/records/Lead', { LastName: 'Pulled', Company: 'P', Email: 'stats.pulled1@example.com', LeadSource: 'StatsPull' });
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/records/Lead', { LastName: 'Pulled', Company: 'P', Email: 'stats.pulled2@example.com', LeadSource: 'StatsPull' });
    const rules = await world.api.call('PUT', `/api/v1/orgs/${stats.id}/integrations/salesforce/pull-rules`, { body: { rules: [{ name: 'Stats', object: 'Lead', filter: "LeadSource = 'StatsPull'", enabled: true, interval_minutes: 60 }] } });
    const started = await world.api.call('POST', `/api/v1/orgs/${stats.id}/integrations/salesforce/pull-rules/${rules.body.rules[0].id}/run`, {});
    expect(started.status).toBe(202);
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/stats/reset');
    await pullOnce({ ...engineDeps(world), workerId: 'stats-pull' }, started.body.run_id);
    const pullCounted = (await sandboxControl(world.sandbox, 'GET', '/__sandbox/stats')).api_calls;
    expect((await world.api.call('GET', `/api/v1/orgs/${stats.id}/integrations/salesforce/pull-runs/${started.body.run_id}`)).body).toMatchObject({ status: 'succeeded', created: 2 });

    const after = (await get('?hours=3')).body;
    expect(sum(after.buckets, 'pushed') - sum(counted.buckets, 'pushed')).toBe(2);
    expect(sum(after.buckets, 'failed') - sum(counted.buckets, 'failed')).toBe(1);
    expect(sum(after.buckets, 'skipped') - sum(counted.buckets, 'skipped')).toBe(1); // the Lead held back beside the Contact
    expect(sum(after.buckets, 'pulled') - sum(counted.buckets, 'pulled')).toBe(2);
    // Every REST call the push and the pull made, as Salesforce itself counted them.
    expect(salesforceCounted).toBeGreaterThan(0);
    expect(sum(after.buckets, 'api_calls') - sum(counted.buckets, 'api_calls')).toBe(salesforceCounted + pullCounted);
    expect(after.errors_by_code).toEqual([{ code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', count: 1, example_message: 'Stats rule refused it' }]);

    expect((await get()).body.buckets).toHaveLength(24);
    for (const bad of ['?hours=0', '?hours=169', '?hours=abc', '?hours=1.5', '?days=1']) expect((await get(bad)).status, bad).toBe(400);
    // Another organization's figures are its own.
    expect(sum((await call('GET', '/integrations/salesforce/sync/stats?hours=3', undefined, () => org)).body.buckets, 'pulled')).toBe(0);
  });
});
