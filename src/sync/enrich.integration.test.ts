/**
 * Account and Owner data read during push, against the sandbox: each step of the Account priority,
 * inactive and queue owners, account owner and website, clearing, and the batching of the reads.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { engineName } from '../../test/helpers/database.ts';
import { sandboxToken } from '../../test/helpers/salesforce.ts';
import { drain, syncSuite } from '../../test/helpers/sync.ts';

describe(`enrichment against the sandbox (${engineName})`, () => {
  const t = syncSuite('Enrich');
  const { call, sb, push } = t;
  let sam: string;
  let gone: string;
  let queue: string;

  beforeEach(async () => {
    sam = (await sb('POST', '/__sandbox/records/User', { FirstName: 'Sam', LastName: 'Rep', Alias: 'srep', Email: 'sam@corp.example', Username: `sam${Math.random()}@corp.example`, IsActive: true })).id;
    gone = (await sb('POST', '/__sandbox/records/User', { FirstName: 'Old', LastName: 'Rep', Alias: 'orep', Email: 'old@corp.example', Username: `old${Math.random()}@corp.example`, IsActive: false })).id;
    queue = (await sb('POST', '/__sandbox/records/Group', { Name: 'Inbound Queue', Type: 'Queue' })).id;
  });

  it('1. a converted lead → its ConvertedAccount (with owner and website)', async () => {
    const account = (await sb('POST', '/__sandbox/records/Account', { Name: 'Converted Co', Website: 'https://converted.example', OwnerId: sam })).id;
    const lead = (await sb('POST', '/__sandbox/records/Lead', { LastName: 'C', Company: 'Converted Co', Email: 'conv@example.com' })).id;
    await sb('POST', '/__sandbox/convert-lead', { lead_id: lead, account_id: account });
    const l = await push({ email: 'conv@example.com', company: 'Something Else' });
    expect(l.fields).toMatchObject({
      salesforce_account_id: account,
      salesforce_account_name: 'Converted Co',
      salesforce_account_website: 'https://converted.example',
      salesforce_account_owner_email: 'sam@corp.example',
      salesforce_account_owner_id: sam,
      salesforce_account_owner_name: 'Sam Rep',
    });
  });

  it('2. the most recently created Contact with the email → its Account; the rep is the Contact owner', async () => {
    const older = (await sb('POST', '/__sandbox/records/Account', { Name: 'Older', OwnerId: sam })).id;
    const newer = (await sb('POST', '/__sandbox/records/Account', { Name: 'Newer', OwnerId: sam })).id;
    await sb('POST', '/__sandbox/records/Contact', { LastName: 'A', Email: 'ada@example.com', AccountId: older, OwnerId: gone, CreatedDate: '2026-01-01T00:00:00.000Z' });
    await sb('POST', '/__sandbox/records/Contact', { LastName: 'B', Email: 'ADA@example.com', AccountId: newer, OwnerId: sam, CreatedDate: '2026-02-01T00:00:00.000Z' });
    const l = await push({ email: 'ada@example.com' });
    expect(l.fields).toMatchObject({ salesforce_account_id: newer, salesforce_account_name: 'Newer', salesforce_assigned_sales_rep_id: sam, salesforce_assigned_sales_rep_name: 'Sam Rep', salesforce_assigned_sales_rep_email: 'sam@corp.example' });
  });

  it('3. the company equals an Account Name (case-insensitive, most recently created)', async () => {
    await sb('POST', '/__sandbox/records/Account', { Name: 'ACME', OwnerId: sam, CreatedDate: '2026-01-01T00:00:00.000Z' });
    const newest = (await sb('POST', '/__sandbox/records/Account', { Name: 'Acme', Website: 'https://acme.example', OwnerId: sam, CreatedDate: '2026-03-01T00:00:00.000Z' })).id;
    const l = await push({ email: 'wile@example.com', company: 'acme' });
    expect(l.fields).toMatchObject({ salesforce_account_id: newest, salesforce_account_website: 'https://acme.example' });
    expect(l.fields.salesforce_assigned_sales_rep_id).toBeUndefined();
  });

  it('an inactive account owner: owner email kept, no owner id or name; an inactive rep is not stored', async () => {
    const account = (await sb('POST', '/__sandbox/records/Account', { Name: 'Dormant', OwnerId: gone })).id;
    await sb('POST', '/__sandbox/records/Contact', { LastName: 'D', Email: 'dormant@example.com', AccountId: account, OwnerId: gone });
    const l = await push({ email: 'dormant@example.com' });
    expect(l.fields).toMatchObject({ salesforce_account_id: account, salesforce_account_owner_email: 'old@corp.example' });
    expect(l.fields.salesforce_account_owner_id).toBeUndefined();
    expect(l.fields.salesforce_assigned_sales_rep_id).toBeUndefined();
  });

  it('a lead owned by a queue has no assigned rep; an unconverted lead owned by a user does', async () => {
    await sb('POST', '/__sandbox/records/Lead', { LastName: 'Q', Company: 'Q', Email: 'queued@example.com', OwnerId: queue });
    const queued = await push({ email: 'queued@example.com', first_name: 'Quinn' });
    expect(queued.fields.salesforce_assigned_sales_rep_id).toBeUndefined();
    await sb('POST', '/__sandbox/records/Lead', { LastName: 'U', Company: 'U', Email: 'owned@example.com', OwnerId: sam });
    const owned = await push({ email: 'owned@example.com', first_name: 'Ada' });
    expect(owned.fields).toMatchObject({ salesforce_assigned_sales_rep_id: sam, salesforce_assigned_sales_rep_name: 'Sam Rep' });
    // Personalization with and without rep data read from Salesforce.
    const template = "Hi {{ first_name }}, {{ salesforce_assigned_sales_rep_name | default: 'our team' }} will follow up.";
    expect((await call('POST', '/render', { lead_id: owned.id, template })).body.text).toBe('Hi Ada, Sam Rep will follow up.');
    expect((await call('POST', '/render', { lead_id: queued.id, template })).body.text).toBe('Hi Quinn, our team will follow up.');
  });

  it('the integration user is nobody’s rep: a Contact it owns is skipped and the Lead’s owner (a rep) is the rep', async () => {
    const integrationUser = (await t.world.api.database.db.query<{ salesforce_user_id: string }>('select salesforce_user_id from salesforce_connections where org_id = $1', [t.org.id])).rows[0].salesforce_user_id;
    expect(integrationUser).toMatch(/^005/);
    await sb('POST', '/__sandbox/records/Contact', { LastName: 'Mine', Email: 'both.owned@example.com', OwnerId: integrationUser });
    await sb('POST', '/__sandbox/records/Lead', { LastName: 'Theirs', Company: 'B', Email: 'both.owned@example.com', OwnerId: sam });
    const l = await push({ email: 'both.owned@example.com', first_name: 'Ada' });
    expect(l.fields).toMatchObject({ salesforce_assigned_sales_rep_id: sam, salesforce_assigned_sales_rep_name: 'Sam Rep', salesforce_assigned_sales_rep_email: 'sam@corp.example' });
    // Owned by the integration user alone: no rep, and a greeting falls back to the team.
    await sb('POST', '/__sandbox/records/Contact', { LastName: 'Alone', Email: 'only.integration@example.com', OwnerId: integrationUser });
    const alone = await push({ email: 'only.integration@example.com', first_name: 'Bo' });
    expect(alone.fields.salesforce_assigned_sales_rep_id).toBeUndefined();
    const template = "Hi {{ first_name }}, {{ salesforce_assigned_sales_rep_name | default: 'our team' }} will follow up.";
    expect((await call('POST', '/render', { lead_id: alone.id, template })).body.text).toBe('Hi Bo, our team will follow up.');
  });

  it('a Lead the push creates is routed by the org’s assignment rule: its rep is the rule’s owner at once, read back in one query per batch', async () => {
    await sb('PUT', '/__sandbox/assignment-rules/Lead', { active: true, entries: [{ owner_id: sam }] });
    await call('PUT', '/integrations/salesforce/settings', {
      push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: true, create_when_no_match: false } },
      mappings: { lead: [{ spara_field: 'first_name', salesforce_field: 'FirstName' }], contact: [] },
    });
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await call('POST', '/leads', { fields: { email: `brand.new${i}@example.com`, first_name: `New${i}`, last_name: 'Lead', company: 'Nowhere Inc' } })).body.id);
    await sb('POST', '/__sandbox/stats/reset');
    await drain(t.deps, t.org.id);
    // A handful for the whole batch (describes, the match queries, the create, the one read-back), never one per lead:
    // the match queries in one composite, the create and its read-back in another.
    const stats = await sb('GET', '/__sandbox/stats');
    expect(stats.api_calls).toBeLessThanOrEqual(4);
    expect(stats.by_kind.composite).toBe(2);
    const res = await fetch(`${t.world.sandbox.url}/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id, Email, OwnerId, Owner.Name, Owner.Email FROM Lead WHERE Email LIKE 'brand.new%'")}`, {
      headers: { authorization: `Bearer ${await sandboxToken(t.world.sandbox)}` },
    });
    const created = (await res.json()).records as Array<{ Id: string; Email: string; OwnerId: string; Owner: { Name: string; Email: string } }>;
    expect(created).toHaveLength(50);
    for (const id of ids) {
      const lead = (await call('GET', `/leads/${id}`)).body;
      const record = created.find((r) => r.Email === lead.fields.email)!;
      // LeadSync let Salesforce apply the rule (no `Sforce-Auto-Assign: FALSE`), and stored whom it picked.
      expect(record.OwnerId).toBe(sam);
      expect(lead.fields).toMatchObject({
        salesforce_lead_id: record.Id,
        salesforce_assigned_sales_rep_id: sam,
        salesforce_assigned_sales_rep_name: 'Sam Rep',
        salesforce_assigned_sales_rep_email: 'sam@corp.example',
      });
    }
  });

  it('a Lead the push creates with no assignment rule stays with the integration user: no rep', async () => {
    await call('PUT', '/integrations/salesforce/settings', {
      push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: false, create_when_no_match: false } },
      mappings: { lead: [], contact: [] },
    });
    const l = await push({ email: 'unrouted@example.com', last_name: 'U', company: 'U' });
    expect(l.fields.salesforce_lead_id).toMatch(/^00Q/);
    expect(l.fields.salesforce_assigned_sales_rep_id).toBeUndefined();
  });

  it('values Salesforce no longer has are cleared; the reads are in the sync log', async () => {
    const account = (await sb('POST', '/__sandbox/records/Account', { Name: 'Fleeting', OwnerId: sam })).id;
    const contact = (await sb('POST', '/__sandbox/records/Contact', { LastName: 'F', Email: 'fleeting@example.com', AccountId: account, OwnerId: sam })).id;
    const l = await push({ email: 'fleeting@example.com' });
    expect(l.fields.salesforce_account_id).toBe(account);
    const log = (await call('GET', `/integrations/salesforce/sync/log?lead_id=${l.id}`)).body.items;
    expect(log).toEqual(expect.arrayContaining([expect.objectContaining({ object: 'Account', operation: 'read', salesforce_id: account }), expect.objectContaining({ object: 'User', operation: 'read', salesforce_id: sam })]));
    // The contact goes away in Salesforce: the next push clears what came from it.
    await fetch(`${t.world.sandbox.url}/services/data/v62.0/sobjects/Contact/${contact}`, { method: 'DELETE', headers: { authorization: `Bearer ${await sandboxToken(t.world.sandbox)}` } });
    await call('PATCH', `/leads/${l.id}`, { fields: { first_name: 'Again' } });
    await drain(t.deps, t.org.id);
    const after = (await call('GET', `/leads/${l.id}`)).body.fields;
    for (const key of ['salesforce_account_id', 'salesforce_account_name', 'salesforce_assigned_sales_rep_id', 'salesforce_assigned_sales_rep_name']) expect(after[key], key).toBeUndefined();
  });

  it('200 enriched leads cost a handful of queries, never one per lead', async () => {
    const account = (await sb('POST', '/__sandbox/records/Account', { Name: 'Batch Co', OwnerId: sam })).id;
    for (let i = 0; i < 100; i++) await sb('POST', '/__sandbox/records/Contact', { LastName: `C${i}`, Email: `batch${i}@example.com`, AccountId: account, OwnerId: sam });
    for (let i = 0; i < 200; i++) await call('POST', '/leads', { fields: { email: `batch${i}@example.com`, company: i % 2 ? 'Batch Co' : `Unknown ${i}` } });
    await sb('POST', '/__sandbox/stats/reset');
    await drain(t.deps, t.org.id);
    const stats = await sb('GET', '/__sandbox/stats');
    expect(stats.by_kind.query).toBeLessThanOrEqual(4);
    expect(stats.api_calls).toBeLessThanOrEqual(6);
    const { rows } = await t.world.api.database.db.query<{ n: number }>(`select count(*)::int as n from leads where org_id = $1 and fields->>'salesforce_account_id' = $2`, [t.org.id, account]);
    expect(rows[0].n).toBe(150);
  });

  it('a refresh keeps a lead in error in error, and retry then pushes it (not left as a refresh)', async () => {
    await sb('POST', '/__sandbox/records/Lead', { LastName: 'E', Company: 'E', Email: 'stuck@example.com', OwnerId: sam });
    await sb('POST', '/__sandbox/validation-rules/Lead', { name: 'No bad titles', field: 'Title', condition: 'equals', value: 'Bad', message: 'Title may not be Bad' });
    await call('PUT', '/integrations/salesforce/settings', {
      push: { lead: { update_existing: true, create_when_no_match: false }, contact: { update_existing: false, create_when_no_match: false } },
      mappings: { lead: [{ spara_field: 'title', salesforce_field: 'Title' }], contact: [] },
    });
    const l = await push({ email: 'stuck@example.com', title: 'Bad' });
    expect(l.sync.status).toBe('error');
    const db = t.world.api.database.db;
    await db.query(`update leads set enriched_at = now() - interval '25 hours' where id = $1`, [l.id]);
    const { queueEnrichmentRefresh } = await import('./engine.ts');
    expect(await queueEnrichmentRefresh(t.deps)).toBe(1);
    await drain(t.deps, t.org.id);
    const refreshed = (await call('GET', `/leads/${l.id}`)).body;
    expect(refreshed.sync).toMatchObject({ status: 'error', last_error: { code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' } });
    expect((await call('GET', '/integrations/salesforce/sync')).body.errors).toBe(1);
    // Queued for a refresh again, then retried: the retry is a real push.
    await db.query(`update leads set enriched_at = now() - interval '25 hours' where id = $1`, [l.id]);
    expect(await queueEnrichmentRefresh(t.deps)).toBe(1);
    await sb('DELETE', `/__sandbox/validation-rules/Lead/${encodeURIComponent('No bad titles')}`);
    await call('POST', '/integrations/salesforce/sync/retry');
    expect((await call('GET', '/integrations/salesforce/sync')).body.pending).toBe(1);
    await drain(t.deps, t.org.id);
    expect((await call('GET', `/leads/${l.id}`)).body.sync.status).toBe('synced');
  });

  it('the periodic refresh catches owner changes in Salesforce and writes nothing', async () => {
    const other = (await sb('POST', '/__sandbox/records/User', { FirstName: 'Nia', LastName: 'New', Alias: 'nnew', Email: 'nia@corp.example', Username: `nia${Math.random()}@corp.example`, IsActive: true })).id;
    const sfLead = (await sb('POST', '/__sandbox/records/Lead', { LastName: 'R', Company: 'R', Email: 'refresh@example.com', OwnerId: sam })).id;
    await call('PUT', '/integrations/salesforce/settings', {
      push: { lead: { update_existing: true, create_when_no_match: false }, contact: { update_existing: false, create_when_no_match: false } },
      mappings: { lead: [{ spara_field: 'title', salesforce_field: 'Title' }], contact: [] },
    });
    const l = await push({ email: 'refresh@example.com', title: 'From LeadSync' });
    expect(l.fields.salesforce_assigned_sales_rep_id).toBe(sam);
    // In Salesforce: a new owner, and a title an admin edited.
    const headers = { authorization: `Bearer ${await sandboxToken(t.world.sandbox)}`, 'content-type': 'application/json' };
    await fetch(`${t.world.sandbox.url}/services/data/v62.0/sobjects/Lead/${sfLead}`, { method: 'PATCH', headers, body: JSON.stringify({ OwnerId: other, Title: 'Edited in Salesforce' }) });
    const { queueEnrichmentRefresh } = await import('./engine.ts');
    expect(await queueEnrichmentRefresh(t.deps)).toBe(0);
    await t.world.api.database.db.query(`update leads set enriched_at = now() - interval '25 hours' where id = $1`, [l.id]);
    expect(await queueEnrichmentRefresh(t.deps)).toBe(1);
    await sb('POST', '/__sandbox/stats/reset');
    await drain(t.deps, t.org.id);
    const after = (await call('GET', `/leads/${l.id}`)).body.fields;
    expect(after).toMatchObject({ salesforce_assigned_sales_rep_id: other, salesforce_assigned_sales_rep_name: 'Nia New' });
    const stats = await sb('GET', '/__sandbox/stats');
    expect(stats.by_kind.collections ?? 0).toBe(0);
    const res = await fetch(`${t.world.sandbox.url}/services/data/v62.0/sobjects/Lead/${sfLead}?fields=Title`, { headers });
    expect((await res.json()).Title).toBe('Edited in Salesforce');
  });

  it('a refresh of a lead whose create is held back (exists_as_contact) logs no skip again', async () => {
    await sb('POST', '/__sandbox/records/Contact', { LastName: 'K', Email: 'held.refresh@example.com', OwnerId: sam });
    await call('PUT', '/integrations/salesforce/settings', {
      push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: false, create_when_no_match: false } },
      mappings: { lead: [], contact: [] },
    });
    const l = await push({ email: 'held.refresh@example.com' });
    const skips = async () => ((await call('GET', `/integrations/salesforce/sync/log?lead_id=${l.id}`)).body.items as any[]).filter((e) => e.operation === 'skip');
    expect(await skips()).toEqual([expect.objectContaining({ object: 'Lead', error_code: 'exists_as_contact' })]);
    expect(l.sync.status).toBe('not_synced');
    await t.world.api.database.db.query(`update leads set enriched_at = now() - interval '25 hours' where id = $1`, [l.id]);
    const { queueEnrichmentRefresh } = await import('./engine.ts');
    expect(await queueEnrichmentRefresh(t.deps)).toBe(1);
    await drain(t.deps, t.org.id);
    expect(await skips()).toHaveLength(1);
    expect((await call('GET', `/leads/${l.id}`)).body).toMatchObject({ sync: { status: 'not_synced' }, fields: { salesforce_assigned_sales_rep_id: sam } });
  });
});
