/**
 * The push's Composite path against the sandbox: a batch's reads in one composite, its writes (sObject
 * Collections subrequests) and the read-back of created Leads in another, with the error rules of
 * sync-semantics.md kept per subrequest and per record. Runs on PGlite, and on PostgreSQL with
 * TEST_DATABASE_URL.
 */
import { describe, expect, it } from 'vitest';
import { engineName } from '../../test/helpers/database.ts';
import { drain, syncSuite } from '../../test/helpers/sync.ts';
import { syncOnce } from './engine.ts';

describe(`push through Composite requests (${engineName})`, () => {
  const t = syncSuite('Org');
  const { call, sb, soql } = t;
  const stats = async () => (await sb('GET', '/__sandbox/stats')) as { api_calls: number; by_kind: Record<string, number> };
  const getLead = async (id: string) => (await call('GET', `/leads/${id}`)).body;
  const createLead = async (fields: Record<string, unknown>) => (await call('POST', '/leads', { fields })).body;
  const log = async (leadId: string) => (await call('GET', `/integrations/salesforce/sync/log?lead_id=${leadId}`)).body.items as any[];
  const title = [{ spara_field: 'title', salesforce_field: 'Title' }];
  const on = { update_existing: true, create_when_no_match: true };
  const updateOnly = { update_existing: true, create_when_no_match: false };
  const settings = async (mappings: { lead?: unknown[]; contact?: unknown[] } = {}) => {
    const res = await call('PUT', '/integrations/salesforce/settings', { push: { lead: on, contact: updateOnly }, mappings: { lead: mappings.lead ?? title, contact: mappings.contact ?? title } });
    expect(res.status).toBe(200);
  };

  /** A batch that needs every kind of write: two new people (Lead creates), a known Lead (update), a known Contact (update). */
  async function mixedBatch(prefix: string) {
    const knownLead = await sb('POST', '/__sandbox/records/Lead', { LastName: 'Known', Company: 'Old', Email: `${prefix}.lead@example.com`, Title: 'old' });
    const knownContact = await sb('POST', '/__sandbox/records/Contact', { LastName: 'Known', Email: `${prefix}.contact@example.com`, Title: 'old' });
    const leads = {
      newA: await createLead({ email: `${prefix}.new-a@example.com`, last_name: 'A', company: 'Co', title: 'new a' }),
      newB: await createLead({ email: `${prefix}.new-b@example.com`, last_name: 'B', company: 'Co', title: 'new b' }),
      lead: await createLead({ email: `${prefix}.lead@example.com`, last_name: 'Known', company: 'Old', title: 'updated lead' }),
      contact: await createLead({ email: `${prefix}.contact@example.com`, last_name: 'Known', title: 'updated contact' }),
    };
    return { knownLead, knownContact, leads };
  }


  it('a batch needing creates, a Lead update and a Contact update costs one composite for its reads and one for its writes and read-back', async () => {
    await settings();
    const { knownLead, knownContact, leads } = await mixedBatch('both');
    const client = t.deps.clients.forOrg(t.org.id);
    await client.describeFields('Lead');
    await client.describeFields('Contact');
    await sb('POST', '/__sandbox/stats/reset');
    await drain(t.deps, t.org.id);
    const s = await stats();
    expect(s.by_kind.composite).toBe(2);
    expect(s.api_calls).toBe(2);
    expect((await soql(`SELECT Title FROM Lead WHERE Id = '${knownLead.id}'`))[0].Title).toBe('updated lead');
    expect((await soql(`SELECT Title FROM Contact WHERE Id = '${knownContact.id}'`))[0].Title).toBe('updated contact');
    for (const lead of Object.values(leads)) expect((await getLead(lead.id)).sync.status).toBe('synced');
    const created = await soql(`SELECT Id FROM Lead WHERE Email = 'both.new-a@example.com'`);
    expect((await getLead(leads.newA.id)).fields.salesforce_lead_id).toBe(created[0].Id);
  });

  it('a query subrequest that fails fails the batch: nothing is written, its leads are retried, the other subrequests do not make a half-read push', async () => {
    // A mapped Contact field vanishes while describe is still cached: the Contact queries of the
    // read composite fail with INVALID_FIELD, the Lead and Account queries beside them succeed.
    await sb('POST', '/__sandbox/fields/Contact', { name: 'Tier__c', type: 'string', length: 20 });
    await settings({ contact: [{ spara_field: 'title', salesforce_field: 'Tier__c' }] });
    await t.deps.clients.forOrg(t.org.id).describeFields('Lead');
    await t.deps.clients.forOrg(t.org.id).describeFields('Contact');
    await sb('DELETE', '/__sandbox/fields/Contact/Tier__c');
    const lead = await createLead({ email: 'halfread@example.com', last_name: 'H', company: 'Co', title: 'x' });
    await sb('POST', '/__sandbox/stats/reset');
    expect(await syncOnce(t.deps)).toBe(1);
    expect((await stats()).by_kind).toMatchObject({ composite: 1 });
    expect((await stats()).by_kind.collections ?? 0).toBe(0);
    expect(await soql("SELECT Id FROM Lead WHERE Email = 'halfread@example.com'")).toHaveLength(0);
    expect((await getLead(lead.id)).sync.status).toBe('pending');
    const queued = (await t.deps.db.query<{ last_error: unknown }>('select last_error from sync_queue where lead_id = $1', [lead.id])).rows[0];
    expect(queued.last_error).toMatchObject({ code: 'INVALID_FIELD' });
    // The subrequest's own error named the field: its mapping row is flagged, and the retry pushes without it.
    const doc = (await call('GET', '/integrations/salesforce/settings')).body;
    expect(doc.mappings.contact.find((r: any) => r.salesforce_field === 'Tier__c').flagged).toContain('INVALID_FIELD');
    await drain(t.deps, t.org.id);
    expect((await getLead(lead.id)).sync.status).toBe('synced');
    expect(await soql("SELECT Id FROM Lead WHERE Email = 'halfread@example.com'")).toHaveLength(1);
  });

  it("a collection with mixed per-record results: each record gets its own outcome, the composite's other subrequests stand", async () => {
    await sb('POST', '/__sandbox/validation-rules/Lead', { name: 'no rejects', field: 'Title', condition: 'equals', value: 'reject me', message: 'Rejected by rule' });
    await settings();
    const { knownLead, knownContact, leads } = await mixedBatch('mixed');
    await call('PATCH', `/leads/${leads.newB.id}`, { fields: { title: 'reject me' } });
    await drain(t.deps, t.org.id);
    // The refused create is that lead's error with Salesforce's code; its neighbours in the same
    // collection, and the other collections in the composite, are written.
    const refused = await getLead(leads.newB.id);
    expect(refused.sync).toMatchObject({ status: 'error', last_error: { code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Rejected by rule' } });
    expect((await log(leads.newB.id)).find((e) => e.object === 'Lead')).toMatchObject({ operation: 'create', status: 'error', error_code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' });
    expect(await soql("SELECT Id FROM Lead WHERE Email = 'mixed.new-b@example.com'")).toHaveLength(0);
    const made = await soql("SELECT Id, Title FROM Lead WHERE Email = 'mixed.new-a@example.com'");
    expect(made).toEqual([expect.objectContaining({ Title: 'new a' })]);
    expect((await getLead(leads.newA.id)).fields.salesforce_lead_id).toBe(made[0].Id);
    expect((await soql(`SELECT Title FROM Lead WHERE Id = '${knownLead.id}'`))[0].Title).toBe('updated lead');
    expect((await soql(`SELECT Title FROM Contact WHERE Id = '${knownContact.id}'`))[0].Title).toBe('updated contact');
    for (const lead of [leads.newA, leads.lead, leads.contact]) expect((await getLead(lead.id)).sync.status).toBe('synced');
  });

  it('a write composite whose answer is lost after it committed (DROP_AFTER_COMMIT) is retried without a duplicate', async () => {
    await settings();
    const { knownContact, leads } = await mixedBatch('dropped');
    await sb('POST', '/__sandbox/faults', { faults: [{ match: { method: 'POST', path: 'composite/sobjects' }, error: 'DROP_AFTER_COMMIT', count: 1 }] });
    await sb('POST', '/__sandbox/stats/reset');
    await drain(t.deps, t.org.id);
    // The first write composite committed everything and was never answered; the retry read the
    // new Leads by email, found them written as planned, and wrote nothing again.
    expect((await stats()).by_kind.composite).toBe(3);
    for (const email of ['dropped.new-a@example.com', 'dropped.new-b@example.com', 'dropped.lead@example.com']) {
      const rows = await soql(`SELECT Id FROM Lead WHERE Email = '${email}'`);
      expect(rows).toHaveLength(1);
    }
    expect(await soql("SELECT Id FROM Contact WHERE Email = 'dropped.contact@example.com'")).toEqual([expect.objectContaining({ Id: knownContact.id })]);
    for (const lead of Object.values(leads)) expect((await getLead(lead.id)).sync.status).toBe('synced');
    const newA = await getLead(leads.newA.id);
    expect(newA.fields.salesforce_lead_id).toBe((await soql("SELECT Id FROM Lead WHERE Email = 'dropped.new-a@example.com'"))[0].Id);
    expect((await log(leads.newA.id)).filter((e) => e.object === 'Lead').map((e) => [e.operation, e.status, e.error_code])).toEqual([['create', 'retrying', 'CONNECTION_ERROR']]);
  });

  describe('REQUEST_LIMIT_EXCEEDED on a composite pauses the organization; nothing is lost', () => {
    for (const [which, path] of [
      ['reads', '/query'],
      ['writes', 'composite/sobjects'],
    ] as const) {
      it(`on the ${which}`, async () => {
        await settings();
        const { leads } = await mixedBatch(`limit-${which}`);
        await sb('POST', '/__sandbox/faults', { faults: [{ match: { path }, error: 'REQUEST_LIMIT_EXCEEDED', count: 1 }] });
        expect(await syncOnce(t.deps)).toBe(4);
        const status = (await call('GET', '/integrations/salesforce/sync')).body;
        expect(status).toMatchObject({ pending: 4, errors: 0, pause_reason: 'request_limit' });
        for (const lead of Object.values(leads)) expect((await getLead(lead.id)).sync.status).toBe('pending');
        // Resumed once the pause is over: every lead pushed exactly once.
        await drain(t.deps, t.org.id);
        for (const lead of Object.values(leads)) expect((await getLead(lead.id)).sync.status).toBe('synced');
        for (const who of ['new-a', 'new-b', 'lead']) expect(await soql(`SELECT Id FROM Lead WHERE Email = 'limit-${which}.${who}@example.com'`)).toHaveLength(1);
      });
    }
  });
});
