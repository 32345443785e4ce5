/**
 * Pull runs against the sandbox, on the test engine: selection, converted Leads, incremental reads
 * with records sharing the watermark's instant, matching existing leads, Bulk 2.0, skipped records,
 * Account/Owner data, `lead.pulled` workflows, a token revoked mid-run, and no write to Salesforce.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engineName } from '../../test/helpers/database.ts';
import { authorizeThroughSandbox, connectedOrg, sandboxControl, sandboxToken, startWorld, type ConnectedWorld } from '../../test/helpers/salesforce.ts';
import { createLogger } from '../logger.ts';
import { SalesforceClients } from '../salesforce/client.ts';
import { runWorkflowsOnce } from '../workflows/runner.ts';
import { drain, engineDeps } from '../../test/helpers/sync.ts';
import { pullOnce, type PullDeps } from './pull.ts';

describe(`pull runs against the sandbox (${engineName})`, () => {
  let world: ConnectedWorld;
  let org: { id: string; apiKey: string };
  let sam: string;
  const sb = (method: string, path: string, body?: unknown) => sandboxControl(world.sandbox, method, path, body);
  const staff = (method: string, path: string, body?: unknown) => world.api.call(method, `/api/v1/orgs/${org.id}${path}`, { body });
  const deps = (overrides: Partial<PullDeps> = {}): PullDeps => ({
    db: world.api.database.db,
    config: world.api.config,
    logger: createLogger('silent'),
    clients: new SalesforceClients({ db: world.api.database.db, config: world.api.config }),
    workerId: 'pull-test',
    bulkPollMs: 5,
    retryBaseMs: 5,
    pauseMs: 200,
    ...overrides,
  });
  const rule = async (filter: string, object: 'Lead' | 'Contact' = 'Lead') => {
    const res = await staff('PUT', '/integrations/salesforce/pull-rules', { rules: [{ name: 'Test', object, filter, enabled: true, interval_minutes: 60 }] });
    expect(res.status).toBe(200);
    return res.body.rules[0].id as string;
  };
  /** Starts a run through the API and works it like a worker until it is no longer running. */
  const run = async (ruleId: string, d: PullDeps = deps()) => {
    const started = await staff('POST', `/integrations/salesforce/pull-rules/${ruleId}/run`);
    expect(started.status).toBe(202);
    return finish(started.body.run_id, d);
  };
  const finish = async (runId: string, d: PullDeps = deps()) => {
    for (let i = 0; i < 200; i++) {
      await pullOnce(d, runId);
      const state = (await staff('GET', `/integrations/salesforce/pull-runs/${runId}`)).body;
      if (state.status !== 'running') return state;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('the run did not finish');
  };
  const leads = async () => (await world.api.call('GET', `/api/v1/orgs/${org.id}/leads?limit=500`, { token: org.apiKey })).body.items as Array<{ id: string; source: string; fields: Record<string, unknown>; sync: { status: string } }>;
  const byEmail = async () => new Map((await leads()).map((l) => [String(l.fields.email), l]));
  /** Inserts records as the API user, 200 per sObject Collections call. */
  const insert = async (object: string, records: Array<Record<string, unknown>>) => {
    const token = await sandboxToken(world.sandbox);
    const ids: string[] = [];
    for (let i = 0; i < records.length; i += 200) {
      const res = await fetch(`${world.sandbox.url}/services/data/v62.0/composite/sobjects`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ allOrNone: true, records: records.slice(i, i + 200).map((r) => ({ attributes: { type: object }, ...r })) }),
      });
      const out = (await res.json()) as Array<{ id: string; success: boolean }>;
      if (!out.every((r) => r.success)) throw new Error(JSON.stringify(out));
      ids.push(...out.map((r) => r.id));
    }
    return ids;
  };
  const stats = () => sb('GET', '/__sandbox/stats');
  /** Every record's id and SystemModstamp (any write moves it): the same before and after a pull. */
  const snapshot = async () => JSON.stringify(await Promise.all(['Lead', 'Contact', 'Account'].map((o) => staffQuery(`SELECT Id, SystemModstamp FROM ${o} ORDER BY Id`))));
  const noWrites = async (before: string) => {
    const s = await stats();
    expect(s.by_kind.collections ?? 0).toBe(0);
    expect(s.by_kind.sobject ?? 0).toBe(0);
    expect(await snapshot()).toBe(before);
  };

  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.close());
  beforeEach(async () => {
    await sb('POST', '/__sandbox/reset', { seed: 'empty' });
    org = await connectedOrg(world, `Pull ${Math.random()}`);
    sam = (await sb('POST', '/__sandbox/records/User', { FirstName: 'Sam', LastName: 'Rep', Alias: 'srep', Email: 'sam@corp.example', Username: `sam${Math.random()}@corp.example`, IsActive: true })).id;
    const settings = {
      push: { lead: { update_existing: false, create_when_no_match: false }, contact: { update_existing: false, create_when_no_match: false } },
      mappings: {
        lead: [{ spara_field: 'email', salesforce_field: 'Email' }, { spara_field: 'first_name', salesforce_field: 'FirstName' }, { spara_field: 'company', salesforce_field: 'Company' }, { spara_field: 'lead_source', salesforce_field: 'LeadSource' }],
        contact: [{ spara_field: 'email', salesforce_field: 'Email' }, { spara_field: 'first_name', salesforce_field: 'FirstName' }, { spara_field: 'title', salesforce_field: 'Title' }],
      },
    };
    expect((await world.api.call('PUT', `/api/v1/orgs/${org.id}/integrations/salesforce/settings`, { token: org.apiKey, body: settings })).status).toBe(200);
  });

  it('a filter selects exactly its records, converted Leads excluded; values, source, Account/Owner data, lead.pulled; nothing written to Salesforce', async () => {
    const acme = (await sb('POST', '/__sandbox/records/Account', { Name: 'Acme Corp', Website: 'https://acme.example', OwnerId: sam })).id;
    const beta = (await sb('POST', '/__sandbox/records/Account', { Name: 'Beta', Website: 'https://beta.example', OwnerId: sam })).id;
    await sb('POST', '/__sandbox/records/Contact', { LastName: 'Known', Email: 'bea@beta.example', AccountId: beta, OwnerId: sam });
    const [ada, , , bea] = await insert('Lead', [
      { FirstName: 'Ada', LastName: 'A', Company: 'Acme Corp', Email: 'Ada@Acme.example', LeadSource: 'Web', OwnerId: sam },
      { FirstName: 'Phil', LastName: 'P', Company: 'Phone Co', Email: 'phil@phone.example', LeadSource: 'Phone' },
      { FirstName: 'Carl', LastName: 'C', Company: 'Conv Co', Email: 'carl@conv.example', LeadSource: 'Web' },
      { FirstName: 'Bea', LastName: 'B', Company: 'Unknown Co', Email: 'bea@beta.example', LeadSource: 'Web' },
      { FirstName: 'Nomail', LastName: 'N', Company: 'X', LeadSource: 'Web' },
      { FirstName: 'Odd', LastName: 'O', Company: 'X', Email: `odd@${'a'.repeat(64)}.example`, LeadSource: 'Web' },
    ]);
    const converted = (await staffQuery("SELECT Id FROM Lead WHERE Email = 'carl@conv.example'"))[0].Id;
    await sb('POST', '/__sandbox/convert-lead', { lead_id: converted });
    const workflow = await world.api.call('POST', `/api/v1/orgs/${org.id}/workflows`, {
      token: org.apiKey,
      body: { name: 'Greet pulled', trigger: 'lead.pulled', conditions: { all: [] }, actions: [{ type: 'set_field', field: 'title', value_template: 'Pulled by {{ salesforce_assigned_sales_rep_name }}' }] },
    });
    expect(workflow.status).toBe(201);
    await sb('POST', '/__sandbox/stats/reset');
    const before = await snapshot();

    const result = await run(await rule("LeadSource = 'Web'"));
    expect(result).toMatchObject({ status: 'succeeded', total: 4, processed: 4, created: 2, updated: 0, skipped: 2, errors: 0, error: null, finished_at: expect.any(String) });
    await noWrites(before);

    const all = await byEmail();
    expect([...all.keys()].sort()).toEqual(['ada@acme.example', 'bea@beta.example']);
    const a = all.get('ada@acme.example')!;
    expect(a.source).toBe('salesforce_pull');
    expect(a.sync.status).toBe('synced');
    expect(a.fields).toMatchObject({
      first_name: 'Ada', company: 'Acme Corp', lead_source: 'Web', salesforce_lead_id: ada,
      salesforce_account_id: acme, salesforce_account_name: 'Acme Corp', salesforce_account_website: 'https://acme.example',
      salesforce_assigned_sales_rep_id: sam, salesforce_assigned_sales_rep_name: 'Sam Rep', salesforce_account_owner_email: 'sam@corp.example',
    });
    const b = all.get('bea@beta.example')!;
    expect(b.fields).toMatchObject({ salesforce_lead_id: bea, salesforce_account_id: beta, salesforce_account_name: 'Beta', salesforce_assigned_sales_rep_id: sam });

    // Skipped records are in the run's log with their reason.
    const log = (await staff('GET', `/integrations/salesforce/pull-runs/${result.id}/log`)).body.items;
    expect(log.map((l: { reason: string }) => l.reason).sort()).toEqual(['invalid_email', 'missing_email']);

    // Pulled leads are not queued for push (no echo).
    expect((await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/sync`, { token: org.apiKey })).body).toMatchObject({ pending: 0, in_flight: 0 });

    // lead.pulled fired once per new lead; its workflow ran with the Salesforce data in place.
    await runWorkflowsOnce({ db: world.api.database.db, logger: createLogger('silent'), allowedWebhookHosts: [], debounceMs: 0 });
    for (let i = 0; i < 20 && (await runWorkflowsOnce({ db: world.api.database.db, logger: createLogger('silent'), allowedWebhookHosts: [], debounceMs: 0 })) > 0; i++);
    const runs = (await world.api.call('GET', `/api/v1/orgs/${org.id}/workflows/${workflow.body.id}/runs`, { token: org.apiKey })).body.items;
    expect(runs.map((r: { lead_id: string }) => r.lead_id).sort()).toEqual([a.id, b.id].sort());
    expect(runs.every((r: { matched: boolean }) => r.matched)).toBe(true);
    expect((await byEmail()).get('ada@acme.example')!.fields.title).toBe('Pulled by Sam Rep');
  });

  async function staffQuery(soql: string) {
    const token = await sandboxToken(world.sandbox);
    const res = await fetch(`${world.sandbox.url}/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, { headers: { authorization: `Bearer ${token}` } });
    return ((await res.json()) as { records: Array<Record<string, string>> }).records;
  }

  it('the second run takes only changes, records sharing the watermark instant neither lost nor taken twice', async () => {
    const t0 = '2026-11-01T10:00:00.000Z';
    for (const name of ['a', 'b', 'c']) await sb('POST', '/__sandbox/records/Lead', { LastName: name, Company: 'Same Second', Email: `${name}@same.example`, LeadSource: 'Web', SystemModstamp: t0 });
    const id = await rule("LeadSource = 'Web'");
    expect(await run(id)).toMatchObject({ status: 'succeeded', processed: 3, created: 3, updated: 0 });

    // Two more at the very instant of the watermark, two sharing a later second, and a change to one already taken.
    for (const name of ['d', 'e']) await sb('POST', '/__sandbox/records/Lead', { LastName: name, Company: 'Same Second', Email: `${name}@same.example`, LeadSource: 'Web', SystemModstamp: t0 });
    for (const name of ['f', 'g']) await sb('POST', '/__sandbox/records/Lead', { LastName: name, Company: 'Later', Email: `${name}@same.example`, LeadSource: 'Web', SystemModstamp: '2026-11-01T10:00:05.000Z' });
    const a = (await staffQuery("SELECT Id FROM Lead WHERE Email = 'a@same.example'"))[0].Id;
    const token = await sandboxToken(world.sandbox);
    const patch = await fetch(`${world.sandbox.url}/services/data/v62.0/sobjects/Lead/${a}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ FirstName: 'Changed' }) });
    expect(patch.status).toBe(204);
    expect(await run(id)).toMatchObject({ status: 'succeeded', processed: 5, created: 4, updated: 1 });
    const all = await byEmail();
    expect(all.size).toBe(7);
    expect(all.get('a@same.example')!.fields.first_name).toBe('Changed');

    // Nothing changed since: nothing read.
    expect(await run(id)).toMatchObject({ status: 'succeeded', processed: 0, created: 0, updated: 0, total: 0 });
  });

  it('records of existing leads update them, by Salesforce id and by email (any case): no duplicate', async () => {
    const [byIdRecord] = await insert('Lead', [
      { FirstName: 'Renamed', LastName: 'R', Company: 'C', Email: 'new-address@x.example', LeadSource: 'Web' },
      { FirstName: 'Eve', LastName: 'E', Company: 'C', Email: 'eve@x.example', LeadSource: 'Web' },
    ]);
    const call = (body: unknown) => world.api.call('POST', `/api/v1/orgs/${org.id}/leads`, { token: org.apiKey, body });
    const known = (await call({ fields: { email: 'old-address@x.example', first_name: 'Old', salesforce_lead_id: byIdRecord } })).body;
    const eve = (await call({ fields: { email: 'EVE@X.example', first_name: 'Evelyn', city: 'Paris' } })).body;
    const result = await run(await rule("LeadSource = 'Web'"));
    expect(result).toMatchObject({ status: 'succeeded', processed: 2, created: 0, updated: 2 });
    const all = await leads();
    expect(all).toHaveLength(2);
    const k = all.find((l) => l.id === known.id)!;
    expect(k.fields).toMatchObject({ email: 'new-address@x.example', first_name: 'Renamed', salesforce_lead_id: byIdRecord });
    const e = all.find((l) => l.id === eve.id)!;
    expect(e.fields).toMatchObject({ first_name: 'Eve', city: 'Paris', email: 'eve@x.example' });
    expect(e.source).toBe('api');
  });

  it('API upserts of the same people while a run writes them: one lead per email, never two', async () => {
    await sb('POST', '/__sandbox/generate/Lead', { count: 400, template: { LeadSource: 'Web' } });
    const emails = (await staffQuery('SELECT Email FROM Lead')).map((r) => r.Email);
    expect(emails).toHaveLength(400);
    const id = await rule("LeadSource = 'Web'");
    let next = 0;
    const clients = Array.from({ length: 8 }, async () => {
      while (next < emails.length) {
        const res = await world.api.call('POST', `/api/v1/orgs/${org.id}/leads`, { token: org.apiKey, body: { fields: { email: emails[next++], city: 'Racing' } } });
        expect([200, 201]).toContain(res.status);
      }
    });
    const [result] = await Promise.all([run(id, deps({ batchSize: 50, pageSize: 200 })), ...clients]);
    expect(result).toMatchObject({ status: 'succeeded', processed: 400 });
    expect(result.created + result.updated).toBe(400);
    const { rows } = await world.api.database.db.query<{ n: number; emails: number; ids: number }>(
      `select count(*)::int as n, count(distinct email_normalized)::int as emails, count(distinct fields ->> 'salesforce_lead_id')::int as ids from leads where org_id = $1`,
      [org.id],
    );
    expect(rows[0]).toEqual({ n: 400, emails: 400, ids: 400 });
  }, 120_000);

  it('a later change made in LeadSync is pushed as usual, to the record it was pulled from', async () => {
    const [pia] = await insert('Lead', [{ FirstName: 'Pia', LastName: 'P', Company: 'P Co', Email: 'pia@p.example', LeadSource: 'Web' }]);
    expect(await run(await rule("LeadSource = 'Web'"))).toMatchObject({ status: 'succeeded', created: 1 });
    const key = { token: org.apiKey };
    const settings = (await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/settings`, key)).body;
    settings.push.lead = { update_existing: true, create_when_no_match: true };
    expect((await world.api.call('PUT', `/api/v1/orgs/${org.id}/integrations/salesforce/settings`, { ...key, body: settings })).status).toBe(200);
    const [lead] = await leads();
    expect((await world.api.call('PATCH', `/api/v1/orgs/${org.id}/leads/${lead.id}`, { ...key, body: { fields: { first_name: 'Pia-Maria', email: 'pia.maria@p.example' } } })).status).toBe(200);
    await drain(engineDeps(world), org.id);
    // Matched by the stored id although the email changed: the same record, no second one.
    expect(await staffQuery('SELECT Id, FirstName, Email FROM Lead')).toEqual([expect.objectContaining({ Id: pia, FirstName: 'Pia-Maria', Email: 'pia.maria@p.example' })]);
  });

  it('large selections read through a Bulk API 2.0 job, page by page, with the same results', async () => {
    await sb('POST', '/__sandbox/records/Account', { Name: 'Bulk Co', Website: 'https://bulk.example', OwnerId: sam });
    await insert('Lead', Array.from({ length: 12 }, (_, i) => ({ FirstName: `B${i}`, LastName: 'Bulk', Company: 'Bulk Co', Email: `b${i}@bulk.example`, LeadSource: 'Web', OwnerId: sam })));
    await insert('Lead', [{ LastName: 'Other', Company: 'O', Email: 'o@other.example', LeadSource: 'Phone' }]);
    await sb('POST', '/__sandbox/stats/reset');
    const before = await snapshot();
    const result = await run(await rule("LeadSource = 'Web'"), deps({ bulkThreshold: 5, bulkPageSize: 5, batchSize: 2 }));
    expect(result).toMatchObject({ status: 'succeeded', total: 12, processed: 12, created: 12 });
    expect((await stats()).by_kind.bulk).toBeGreaterThanOrEqual(4);
    await noWrites(before);
    const all = await byEmail();
    expect(all.size).toBe(12);
    expect(all.get('b7@bulk.example')!.fields).toMatchObject({ first_name: 'B7', company: 'Bulk Co', salesforce_account_name: 'Bulk Co', salesforce_assigned_sales_rep_name: 'Sam Rep' });
  });

  it('Contacts pull into leads by salesforce_contact_id with their Account and owner', async () => {
    const acme = (await sb('POST', '/__sandbox/records/Account', { Name: 'Acme', OwnerId: sam })).id;
    const [c] = await insert('Contact', [{ FirstName: 'Vic', LastName: 'VP', Title: 'VP Sales', Email: 'vic@acme.example', AccountId: acme, OwnerId: sam }, { LastName: 'Staff', Title: 'Clerk', Email: 'clerk@acme.example' }]);
    const result = await run(await rule("Title LIKE 'VP%'", 'Contact'));
    expect(result).toMatchObject({ status: 'succeeded', processed: 1, created: 1 });
    const [lead] = await leads();
    expect(lead.fields).toMatchObject({ email: 'vic@acme.example', title: 'VP Sales', salesforce_contact_id: c, salesforce_account_id: acme, salesforce_assigned_sales_rep_id: sam });
  });

  it('an API limit pauses the run and passing Salesforce trouble is retried: both resume from the checkpoint', async () => {
    await sb('POST', '/__sandbox/generate/Lead', { count: 900, template: { LeadSource: 'Web' } });
    const id = await rule("LeadSource = 'Web'");
    let batches = 0;
    const d = deps({
      pageSize: 200,
      onProgress: async () => {
        batches++;
        if (batches === 1) await sb('POST', '/__sandbox/faults', { faults: [{ match: { path: 'query' }, error: 'REQUEST_LIMIT_EXCEEDED', count: 1 }] });
        if (batches === 3) await sb('POST', '/__sandbox/faults', { faults: [{ match: { path: 'query' }, error: 'SERVER_UNAVAILABLE', count: 1 }] });
      },
    });
    const runId = (await staff('POST', `/integrations/salesforce/pull-rules/${id}/run`)).body.run_id;
    await pullOnce(d, runId);
    // Paused at the limit: the run waits (as the organization's push does), the pages it stored kept.
    const paused = (await staff('GET', `/integrations/salesforce/pull-runs/${runId}`)).body;
    expect(paused.status).toBe('running');
    expect(paused.processed).toBeGreaterThanOrEqual(200);
    expect(paused.processed).toBeLessThan(900);
    const { rows } = await world.api.database.db.query<{ hold_reason: string; pause_reason: string }>(
      'select r.hold_reason, s.pause_reason from pull_runs r join sync_org_state s on s.org_id = r.org_id where r.id = $1',
      [runId],
    );
    expect(rows[0]).toEqual({ hold_reason: 'request_limit', pause_reason: 'request_limit' });
    expect(await finish(runId, d)).toMatchObject({ status: 'succeeded', processed: 900, created: 900, updated: 0 });
    expect(await leads()).toHaveLength(500);
  });

  it('a run survives a revoked token: it waits for reconnection, then finishes from its checkpoint', async () => {
    await insert('Lead', Array.from({ length: 700 }, (_, i) => ({ LastName: `R${i}`, Company: 'Revoke Co', Email: `r${i}@revoke.example`, LeadSource: 'Web' })));
    const id = await rule("LeadSource = 'Web'");
    let revoked = false;
    const d = deps({
      pageSize: 200,
      onProgress: async () => {
        if (revoked) return;
        revoked = true;
        await sb('POST', '/__sandbox/tokens/revoke');
      },
    });
    const started = (await staff('POST', `/integrations/salesforce/pull-rules/${id}/run`)).body.run_id;
    await pullOnce(d, started);
    const held = (await staff('GET', `/integrations/salesforce/pull-runs/${started}`)).body;
    expect(held).toMatchObject({ status: 'running', processed: 200 });
    expect((await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce`, { token: org.apiKey })).body.status).toBe('reconnection_required');
    // Nothing is claimable while the organization needs authorizing again.
    expect(await pullOnce(d, started)).toBeUndefined();
    const { response } = await authorizeThroughSandbox(world, org);
    expect(response.status).toBe(302);
    const done = await finish(started, d);
    expect(done).toMatchObject({ status: 'succeeded', processed: 700, created: 700, updated: 0 });
    expect(await leads()).toHaveLength(500); // one page of the API's list
    expect((await world.api.call('GET', `/api/v1/orgs/${org.id}/leads?limit=500&cursor=${(await world.api.call('GET', `/api/v1/orgs/${org.id}/leads?limit=500`, { token: org.apiKey })).body.next_cursor}`, { token: org.apiKey })).body.items).toHaveLength(200);
  });
});
