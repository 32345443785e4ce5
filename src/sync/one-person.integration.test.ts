/**
 * "One person, one Salesforce record" and "every Push Rule off" (sync-semantics.md) against the
 * sandbox: each case ends with exactly one record per person and the sync-log entries that say why.
 * Runs on PGlite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { describe, expect, it } from 'vitest';
import { engineName } from '../../test/helpers/database.ts';
import { drain, syncSuite } from '../../test/helpers/sync.ts';

describe(`one person, one Salesforce record (${engineName})`, () => {
  const t = syncSuite('One');
  const { call, sb, soql, push } = t;
  const on = { update_existing: true, create_when_no_match: true };
  const off = { update_existing: false, create_when_no_match: false };
  const title = [{ spara_field: 'title', salesforce_field: 'Title' }];
  const settings = async (lead: typeof on, contact: typeof on) => {
    const res = await call('PUT', '/integrations/salesforce/settings', { push: { lead, contact }, mappings: { lead: title, contact: title } });
    expect(res.status).toBe(200);
  };
  /** The person's records in Salesforce, by email. */
  const records = async (email: string) => ({
    leads: await soql(`SELECT Id, Title FROM Lead WHERE Email = '${email}'`),
    contacts: await soql(`SELECT Id, Title FROM Contact WHERE Email = '${email}'`),
  });
  const log = async (leadId: string) => ((await call('GET', `/integrations/salesforce/sync/log?lead_id=${leadId}`)).body.items as any[]).filter((e) => e.object === 'Lead' || e.object === 'Contact');
  const preview = async (leadId: string) => (await call('POST', `/integrations/salesforce/sync/preview/${leadId}`)).body.objects as any[];


  it('an existing Contact only, both create rules on: the Contact is updated, no Lead beside it (skip exists_as_contact)', async () => {
    const contact = (await sb('POST', '/__sandbox/records/Contact', { LastName: 'Known', Email: 'known@example.com', Title: 'Old' })).id;
    await settings(on, on);
    const lead = (await call('POST', '/leads', { fields: { email: 'known@example.com', title: 'CTO' } })).body;
    expect((await preview(lead.id)).map((o) => [o.object, o.action, o.reason_code])).toEqual([['Lead', 'none', 'exists_as_contact'], ['Contact', 'update', null]]);
    await drain(t.deps, t.org.id);
    expect(await records('known@example.com')).toEqual({ leads: [], contacts: [expect.objectContaining({ Id: contact, Title: 'CTO' })] });
    const after = (await call('GET', `/leads/${lead.id}`)).body;
    expect(after.sync.status).toBe('synced');
    expect(after.fields.salesforce_contact_id).toBe(contact);
    expect(after.fields.salesforce_lead_id).toBeUndefined();
    const entries = await log(lead.id);
    expect(entries).toHaveLength(2);
    expect(entries).toEqual(expect.arrayContaining([
      expect.objectContaining({ object: 'Lead', operation: 'skip', status: 'success', salesforce_id: contact, error_code: 'exists_as_contact', message: expect.stringMatching(/^exists_as_contact: /) }),
      expect.objectContaining({ object: 'Contact', operation: 'update', status: 'success', salesforce_id: contact }),
    ]));
  });

  it('an existing Lead only, both create rules on: the Lead is updated, no Contact beside it (skip exists_as_lead)', async () => {
    const sfLead = (await sb('POST', '/__sandbox/records/Lead', { LastName: 'Twice', Company: 'T', Email: 'twice@example.com', Title: 'Old' })).id;
    await settings(on, on);
    const lead = await push({ email: 'twice@example.com', title: 'CEO' });
    expect(await records('twice@example.com')).toEqual({ leads: [expect.objectContaining({ Id: sfLead, Title: 'CEO' })], contacts: [] });
    expect(lead.sync.status).toBe('synced');
    expect(lead.fields.salesforce_lead_id).toBe(sfLead);
    expect(lead.fields.salesforce_contact_id).toBeUndefined();
    const entries = await log(lead.id);
    expect(entries).toHaveLength(2);
    expect(entries).toEqual(expect.arrayContaining([
      expect.objectContaining({ object: 'Lead', operation: 'update', status: 'success', salesforce_id: sfLead }),
      expect.objectContaining({ object: 'Contact', operation: 'skip', status: 'success', salesforce_id: sfLead, error_code: 'exists_as_lead' }),
    ]));
  });

  it('a new person, both create rules on: one Lead, no Contact; the held-back Contact names the new Lead', async () => {
    await settings(on, on);
    const lead = (await call('POST', '/leads', { fields: { email: 'fresh@example.com', title: 'VP', last_name: 'Fresh', company: 'F' } })).body;
    expect((await preview(lead.id)).map((o) => [o.object, o.action, o.reason_code])).toEqual([['Lead', 'create', null], ['Contact', 'none', 'exists_as_lead']]);
    await drain(t.deps, t.org.id);
    const { leads, contacts } = await records('fresh@example.com');
    expect(leads).toHaveLength(1);
    expect(contacts).toHaveLength(0);
    const after = (await call('GET', `/leads/${lead.id}`)).body;
    expect(after).toMatchObject({ sync: { status: 'synced' }, fields: { salesforce_lead_id: leads[0].Id } });
    const entries = await log(lead.id);
    expect(entries).toHaveLength(2);
    expect(entries).toEqual(expect.arrayContaining([
      expect.objectContaining({ object: 'Lead', operation: 'create', status: 'success', salesforce_id: leads[0].Id }),
      expect.objectContaining({ object: 'Contact', operation: 'skip', status: 'success', salesforce_id: leads[0].Id, error_code: 'exists_as_lead' }),
    ]));
    // Pushed again (a change): the Lead is updated, still no Contact.
    await call('PATCH', `/leads/${lead.id}`, { fields: { title: 'SVP' } });
    await drain(t.deps, t.org.id);
    expect(await records('fresh@example.com')).toEqual({ leads: [expect.objectContaining({ Title: 'SVP' })], contacts: [] });
  });

  it('a new person, only the Contact rules on: one Contact, no Lead', async () => {
    await settings(off, on);
    const lead = await push({ email: 'contact.only@example.com', title: 'CFO', last_name: 'Only' });
    const { leads, contacts } = await records('contact.only@example.com');
    expect(leads).toHaveLength(0);
    expect(contacts).toEqual([expect.objectContaining({ Title: 'CFO' })]);
    expect(lead).toMatchObject({ sync: { status: 'synced' }, fields: { salesforce_contact_id: contacts[0].Id } });
    expect(await log(lead.id)).toEqual([expect.objectContaining({ object: 'Contact', operation: 'create', status: 'success', salesforce_id: contacts[0].Id, error_code: null })]);
  });

  it('a batch of people in every situation: exactly one record each, in a handful of calls', async () => {
    for (let i = 0; i < 20; i++) await sb('POST', '/__sandbox/records/Contact', { LastName: `C${i}`, Email: `mix.c${i}@example.com` });
    for (let i = 0; i < 20; i++) await sb('POST', '/__sandbox/records/Lead', { LastName: `L${i}`, Company: 'M', Email: `mix.l${i}@example.com` });
    await settings(on, on);
    const emails = [...Array.from({ length: 20 }, (_, i) => `mix.c${i}@example.com`), ...Array.from({ length: 20 }, (_, i) => `mix.l${i}@example.com`), ...Array.from({ length: 20 }, (_, i) => `mix.n${i}@example.com`)];
    for (const email of emails) await call('POST', '/leads', { fields: { email, title: 'T' } });
    await sb('POST', '/__sandbox/stats/reset');
    await drain(t.deps, t.org.id);
    expect((await sb('GET', '/__sandbox/stats')).api_calls).toBeLessThanOrEqual(8);
    const all = [...(await soql("SELECT Email FROM Lead WHERE Email LIKE 'mix.%'")), ...(await soql("SELECT Email FROM Contact WHERE Email LIKE 'mix.%'"))];
    expect(all.map((r) => r.Email).sort()).toEqual([...emails].sort());
  });
});

describe(`every Push Rule off (${engineName})`, () => {
  const t = syncSuite('Rules Off');
  const { call, sb } = t;

  it('the lead is not_synced, nothing is written, no ids are stored; its Salesforce data is still read', async () => {
    const account = (await sb('POST', '/__sandbox/records/Account', { Name: 'Read Only Co' })).id;
    await sb('POST', '/__sandbox/records/Contact', { LastName: 'R', Email: 'readonly@example.com', AccountId: account });
    await sb('POST', '/__sandbox/records/Lead', { LastName: 'R', Company: 'R', Email: 'readonly@example.com' });
    // The defaults: every Push Rule off.
    expect((await call('GET', '/integrations/salesforce/settings')).body.push).toEqual({ lead: { update_existing: false, create_when_no_match: false }, contact: { update_existing: false, create_when_no_match: false } });
    const known = (await call('POST', '/leads', { fields: { email: 'readonly@example.com', title: 'X' } })).body;
    const unknown = (await call('POST', '/leads', { fields: { email: 'nobody@example.com', title: 'Y' } })).body;
    await sb('POST', '/__sandbox/stats/reset');
    await drain(t.deps, t.org.id);
    const stats = await sb('GET', '/__sandbox/stats');
    expect(stats.by_kind.collections ?? 0).toBe(0);
    expect(stats.by_kind.sobject ?? 0).toBe(0);
    // Read (the batch's queries are one composite), never written (a write would be a second).
    expect(stats.by_kind.composite).toBe(1);
    for (const id of [known.id, unknown.id]) {
      const lead = (await call('GET', `/leads/${id}`)).body;
      expect(lead.sync.status).toBe('not_synced');
      expect(lead.fields.salesforce_lead_id).toBeUndefined();
      expect(lead.fields.salesforce_contact_id).toBeUndefined();
    }
    expect((await call('GET', `/leads/${known.id}`)).body.fields).toMatchObject({ salesforce_account_id: account, salesforce_account_name: 'Read Only Co' });
  });
});
