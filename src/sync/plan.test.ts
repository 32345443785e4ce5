import { describe, expect, it } from 'vitest';
import { findMatches, planLead, planObject, requiredOnCreate, type FieldInfo, type PlanLead, type SfRecord } from './plan.ts';
import { normalizeSettings } from './settings.ts';
import { TRUNCATION_MARKER } from './transcript.ts';

const field = (name: string, type = 'string', length = 80, extra: Partial<FieldInfo> = {}): FieldInfo => ({ name, type, length, createable: true, updateable: true, nillable: true, ...extra });
const leadFields = new Map(
  [
    field('Email', 'email', 80),
    field('FirstName', 'string', 40),
    field('LastName', 'string', 80, { nillable: false }),
    field('Company', 'string', 255, { nillable: false }),
    field('Title', 'string', 128),
    field('Description', 'textarea', 200),
    field('AnnualRevenue', 'currency', 0),
    field('Status', 'picklist', 40, { nillable: false, defaultedOnCreate: true }),
    field('IsConverted', 'boolean', 0, { createable: false, updateable: false, nillable: false }),
  ].map((f) => [f.name.toLowerCase(), f]),
);
const contactFields = new Map([field('Email', 'email', 80), field('FirstName', 'string', 40), field('LastName', 'string', 80, { nillable: false }), field('Title', 'string', 128)].map((f) => [f.name.toLowerCase(), f]));
const describedFields = { lead: leadFields, contact: contactFields };

const settings = normalizeSettings({
  push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: true, create_when_no_match: false } },
  mappings: {
    lead: [
      { spara_field: 'first_name', salesforce_field: 'FirstName' },
      { spara_field: 'title', salesforce_field: 'Title', write_rule: 'if_empty' },
      { spara_field: 'company', salesforce_field: 'Company' },
      { spara_field: 'conversation', salesforce_field: 'Description' },
      { spara_field: 'budget', salesforce_field: 'AnnualRevenue' },
    ],
    contact: [{ spara_field: 'first_name', salesforce_field: 'FirstName' }],
  },
});

const lead = (fields: PlanLead['fields'], messages: PlanLead['messages'] = []): PlanLead => ({ id: 'L1', fields, messages });
const sf = (Id: string, rest: Record<string, unknown> = {}): SfRecord => ({ Id, CreatedDate: '2026-01-01T00:00:00.000+0000', ...rest });

describe('findMatches (match order)', () => {
  const a = sf('00Q000000000001AAA', { Email: 'ada@example.com', CreatedDate: '2026-01-01T00:00:00.000+0000' });
  const b = sf('00Q000000000002AAA', { Email: 'ADA@example.com', CreatedDate: '2026-02-01T00:00:00.000+0000' });
  const other = sf('00Q000000000003AAA', { Email: 'other@example.com' });

  it('1. the stored id wins over email (15-character ids too)', () => {
    expect(findMatches({ email: 'ada@example.com', salesforce_lead_id: '00Q000000000003' }, [a, b, other], []).lead).toEqual({ record: other, by: 'id' });
  });
  it('2. a stored id that no longer exists falls back to email', () => {
    expect(findMatches({ email: 'ada@example.com', salesforce_lead_id: '00Q0000000000ZZAAA' }, [a, b], []).lead).toEqual({ record: b, by: 'email' });
  });
  it('email is case-insensitive and the most recently created wins', () => {
    expect(findMatches({ email: 'Ada@Example.com' }, [a, b], []).lead?.record).toBe(b);
  });
  it('converted leads never match by email, but count for Account data', () => {
    const converted = sf('00Q000000000004AAA', { Email: 'ada@example.com', IsConverted: true, CreatedDate: '2026-03-01T00:00:00.000+0000' });
    const m = findMatches({ email: 'ada@example.com' }, [a, converted], []);
    expect(m.lead?.record).toBe(a);
    expect(findMatches({ email: 'ada@example.com' }, [converted], []).leadForData).toBe(converted);
  });
  it('a converted lead matched by id hands its ConvertedContactId to the Contact match', () => {
    const contact = sf('003000000000001AAA', { Email: 'someone-else@example.com' });
    const converted = sf('00Q000000000004AAA', { Email: 'ada@example.com', IsConverted: true, ConvertedContactId: contact.Id });
    const m = findMatches({ email: 'ada@example.com', salesforce_lead_id: converted.Id }, [converted], [contact]);
    expect(m.contact).toEqual({ record: contact, by: 'converted_lead' });
  });
  it('a stored contact id wins over the converted lead and email', () => {
    const c1 = sf('003000000000001AAA', { Email: 'ada@example.com' });
    const c2 = sf('003000000000002AAA', { Email: 'x@example.com' });
    expect(findMatches({ email: 'ada@example.com', salesforce_contact_id: c2.Id }, [], [c1, c2]).contact).toEqual({ record: c2, by: 'id' });
  });
});

describe('planObject (writing rules)', () => {
  const match = (rest: Record<string, unknown>) => ({ record: sf('00Q000000000001AAA', { Email: 'ada@example.com', ...rest }) });

  it('update writes only fields whose value differs', () => {
    const p = planObject('lead', lead({ email: 'ada@example.com', first_name: 'Ada', company: 'AE' }), match({ FirstName: 'Ada', Company: 'Old' }), settings, leadFields);
    expect(p).toMatchObject({ action: 'update', changes: { Company: { from: 'Old', to: 'AE' } } });
    expect(Object.keys(p.changes)).toEqual(['Company']);
  });
  it('nothing to change: no write (none)', () => {
    const p = planObject('lead', lead({ email: 'ada@example.com', first_name: 'Ada' }), match({ FirstName: 'Ada' }), settings, leadFields);
    expect(p).toMatchObject({ action: 'none', reason: 'nothing to change', changes: {} });
  });
  it('if_empty writes only where Salesforce is empty; overwrite always', () => {
    const filled = planObject('lead', lead({ email: 'ada@example.com', title: 'CTO' }), match({ Title: 'CEO' }), settings, leadFields);
    expect(filled.changes.Title).toBeUndefined();
    const empty = planObject('lead', lead({ email: 'ada@example.com', title: 'CTO' }), match({ Title: null }), settings, leadFields);
    expect(empty.changes.Title).toEqual({ from: null, to: 'CTO' });
  });
  it('a LeadSync field with no value never blanks Salesforce', () => {
    const p = planObject('lead', lead({ email: 'ada@example.com' }), match({ FirstName: 'Ada', Company: 'AE' }), settings, leadFields);
    expect(p.action).toBe('none');
  });
  it('the Email row is always written', () => {
    const p = planObject('lead', lead({ email: 'new@example.com' }), match({ Email: 'old@example.com' }), settings, leadFields);
    expect(p.changes.Email).toEqual({ from: 'old@example.com', to: 'new@example.com' });
  });
  it('create fills required fields without a value with the placeholder (configurable)', () => {
    const p = planObject('lead', lead({ email: 'ada@example.com', first_name: 'Ada' }), undefined, settings, leadFields);
    expect(p.action).toBe('create');
    expect(p.changes).toMatchObject({ Email: { to: 'ada@example.com' }, FirstName: { to: 'Ada' }, LastName: { to: '[not provided]' }, Company: { to: '[not provided]' } });
    expect(p.changes.Status).toBeUndefined();
    const custom = planObject('lead', lead({ email: 'ada@example.com' }), undefined, { ...settings, required_field_placeholder: 'Unknown' }, leadFields);
    expect(custom.changes.LastName.to).toBe('Unknown');
  });
  it('create only with create_when_no_match; update only with update_existing', () => {
    expect(planObject('contact', lead({ email: 'ada@example.com' }), undefined, settings, contactFields)).toMatchObject({ action: 'none' });
    const off = normalizeSettings({ push: { lead: { update_existing: false } } });
    expect(planObject('lead', lead({ email: 'ada@example.com', first_name: 'X' }), match({}), off, leadFields)).toMatchObject({ action: 'none', reason: 'update_existing is off' });
  });
  it('a lead without email is never created', () => {
    expect(planObject('lead', lead({ first_name: 'Anon' }), undefined, settings, leadFields)).toMatchObject({ action: 'none', reason: expect.stringContaining('no email') });
  });
  it('a converted Lead is skipped, never written', () => {
    const p = planObject('lead', lead({ email: 'ada@example.com', first_name: 'New' }), match({ IsConverted: true }), settings, leadFields);
    expect(p).toMatchObject({ action: 'skip', reason: expect.stringContaining('converted') });
    // With Lead push off there is no push to skip: nothing is written and nothing logged as skip.
    const off = normalizeSettings({ push: { lead: { update_existing: false } } });
    expect(planObject('lead', lead({ email: 'ada@example.com' }), match({ IsConverted: true }), off, leadFields)).toMatchObject({ action: 'none', reason: 'update_existing is off' });
  });
  it('the conversation is rendered and fitted to the field length, newest kept', () => {
    const messages = Array.from({ length: 8 }, (_, i) => ({ role: 'lead' as const, channel: 'chat', text: `hello number ${i}`, sent_at: new Date(Date.UTC(2026, 10, 28, 14, i)) }));
    const p = planObject('lead', lead({ email: 'ada@example.com' }, messages), match({}), settings, leadFields);
    const text = p.changes.Description.to as string;
    expect(text.length).toBeLessThanOrEqual(200);
    expect(text.startsWith(TRUNCATION_MARKER)).toBe(true);
    expect(text.endsWith('hello number 7')).toBe(true);
  });
  it('a value that cannot convert is a per-lead error', () => {
    const p = planObject('lead', lead({ email: 'ada@example.com', budget: 'lots' as never }), match({}), settings, leadFields);
    expect(p.error).toContain('AnnualRevenue');
  });
  it('flagged rows (vanished fields) are not written', () => {
    const flagged = normalizeSettings({ push: settings.push, mappings: settings.mappings });
    flagged.mappings.lead[1].flagged = 'INVALID_FIELD';
    const p = planObject('lead', lead({ email: 'ada@example.com', first_name: 'Ada' }), match({ FirstName: 'X' }), flagged, leadFields);
    expect(p.changes.FirstName).toBeUndefined();
  });
});

describe('planLead', () => {
  it('plans both objects from one set of query results', () => {
    const sfLead = sf('00Q000000000001AAA', { Email: 'ada@example.com', FirstName: 'Old' });
    const contact = sf('003000000000001AAA', { Email: 'ada@example.com', FirstName: 'Old' });
    const p = planLead(lead({ email: 'ada@example.com', first_name: 'Ada' }), { leads: [sfLead], contacts: [contact] }, settings, describedFields);
    expect(p.objects.map((o) => [o.object, o.action])).toEqual([
      ['Lead', 'update'],
      ['Contact', 'update'],
    ]);
    expect(p.leadRecord).toBe(sfLead);
    expect(p.contactRecord).toBe(contact);
  });
  it('requiredOnCreate reads describe, not a fixed list', () => {
    expect(requiredOnCreate(leadFields).map((f) => f.name)).toEqual(['LastName', 'Company']);
  });
});

describe('one person, one Salesforce record (table of cases)', () => {
  const existingLead = sf('00Q000000000001AAA', { Email: 'ada@example.com', FirstName: 'Old' });
  const convertedLead = sf('00Q000000000002AAA', { Email: 'ada@example.com', IsConverted: true, ConvertedContactId: '003000000000009AAA' });
  const existingContact = sf('003000000000001AAA', { Email: 'ada@example.com', FirstName: 'Old' });
  const on = { update_existing: true, create_when_no_match: true };
  const updateOnly = { update_existing: true, create_when_no_match: false };
  const off = { update_existing: false, create_when_no_match: false };
  const rows = [{ spara_field: 'first_name', salesforce_field: 'FirstName' }];
  type Rule = typeof on;
  type Case = [string, { lead: Rule; contact: Rule }, { leads?: SfRecord[]; contacts?: SfRecord[]; stored?: Record<string, string> }, [string, string], [string | undefined, string | undefined]];
  const cases: Case[] = [
    ['both create rules, nothing matches → one Lead, the Contact held back', { lead: on, contact: on }, {}, ['create', 'skip'], [undefined, 'exists_as_lead']],
    ['only the Contact rules, nothing matches → a Contact', { lead: off, contact: on }, {}, ['none', 'create'], [undefined, undefined]],
    ['only the Lead rules, nothing matches → a Lead', { lead: on, contact: off }, {}, ['create', 'none'], [undefined, undefined]],
    ['both create rules, an existing Contact → Contact updated, no Lead', { lead: on, contact: on }, { contacts: [existingContact] }, ['skip', 'update'], ['exists_as_contact', undefined]],
    ['Lead rules only, an existing Contact → no Lead (the Contact is read although its rule is off)', { lead: on, contact: off }, { contacts: [existingContact] }, ['skip', 'none'], ['exists_as_contact', undefined]],
    ['both create rules, an existing Lead → Lead updated, no Contact', { lead: on, contact: on }, { leads: [existingLead] }, ['update', 'skip'], [undefined, 'exists_as_lead']],
    ['Contact rules only, an existing Lead → no Contact', { lead: off, contact: on }, { leads: [existingLead] }, ['none', 'skip'], [undefined, 'exists_as_lead']],
    ['both exist → each updated by its own rule', { lead: on, contact: on }, { leads: [existingLead], contacts: [existingContact] }, ['update', 'update'], [undefined, undefined]],
    ['update-only rules, nothing matches → nothing', { lead: updateOnly, contact: updateOnly }, {}, ['none', 'none'], [undefined, undefined]],
    ['a Contact matched by its stored id holds back a Lead too', { lead: on, contact: on }, { contacts: [sf('003000000000002AAA', { Email: 'other@example.com' })], stored: { salesforce_contact_id: '003000000000002AAA' } }, ['skip', 'update'], ['exists_as_contact', undefined]],
    ['a converted Lead (stored id) whose Contact is gone: the Contact may be created', { lead: on, contact: on }, { leads: [convertedLead], stored: { salesforce_lead_id: convertedLead.Id } }, ['skip', 'create'], [undefined, undefined]],
    ['every rule off → nothing, nothing matched for writing', { lead: off, contact: off }, { leads: [existingLead], contacts: [existingContact] }, ['none', 'none'], [undefined, undefined]],
  ];
  it.each(cases)('%s', (_name, push, found, actions, reasons) => {
    const doc = normalizeSettings({ push, mappings: { lead: rows, contact: rows } });
    const p = planLead(lead({ email: 'ada@example.com', first_name: 'Ada', ...found.stored }), { leads: found.leads ?? [], contacts: found.contacts ?? [] }, doc, describedFields);
    expect(p.objects.map((o) => o.action)).toEqual(actions);
    expect(p.objects.map((o) => o.heldBack?.reason)).toEqual(reasons);
    for (const o of p.objects) if (o.heldBack) expect(o.reason).toMatch(new RegExp(`^${o.heldBack.reason}: `));
  });

  it('a held-back create names the record that holds the person; beside a Lead this push creates, none yet', () => {
    const doc = normalizeSettings({ push: { lead: on, contact: on } });
    const asContact = planLead(lead({ email: 'ada@example.com' }), { leads: [], contacts: [existingContact] }, doc, describedFields);
    expect(asContact.objects[0].heldBack).toEqual({ reason: 'exists_as_contact', heldBy: existingContact.Id });
    const asLead = planLead(lead({ email: 'ada@example.com' }), { leads: [existingLead], contacts: [] }, doc, describedFields);
    expect(asLead.objects[1].heldBack).toEqual({ reason: 'exists_as_lead', heldBy: existingLead.Id });
    const fresh = planLead(lead({ email: 'ada@example.com' }), { leads: [], contacts: [] }, doc, describedFields);
    expect(fresh.objects[1].heldBack).toEqual({ reason: 'exists_as_lead', heldBy: undefined });
  });

  it('ids to store come only from objects whose update rule is on', () => {
    const both = { leads: [existingLead], contacts: [existingContact] };
    const allOff = planLead(lead({ email: 'ada@example.com' }), both, normalizeSettings({}), describedFields);
    expect([allOff.leadRecord, allOff.contactRecord]).toEqual([undefined, undefined]);
    expect(allOff.matches.contact?.record).toBe(existingContact);
    const leadOnly = planLead(lead({ email: 'ada@example.com' }), both, normalizeSettings({ push: { lead: updateOnly } }), describedFields);
    expect([leadOnly.leadRecord, leadOnly.contactRecord]).toEqual([existingLead, undefined]);
  });
});
