/**
 * What a push does for one lead (sync-semantics.md, Matching and Writing). PURE: a lead, the
 * Salesforce records the batched queries found, the settings and describe in; per-object actions
 * out. No I/O, no clock — every rule here is tested as a table of cases.
 */
import { convertValue, isEmpty, sameValue, type SalesforceValue } from './convert.ts';
import type { DescribedField, MappingRow, PushObject, SettingsDocument } from './settings.ts';
import { PUSH_OBJECTS, SALESFORCE_OBJECT } from './settings.ts';
import { renderTranscript, type TranscriptMessage } from './transcript.ts';

/** A Salesforce record as SOQL returns it (field names as Salesforce spells them). */
export type SfRecord = Record<string, unknown> & { Id: string };

export interface FieldInfo extends DescribedField {
  nillable: boolean;
  defaultedOnCreate?: boolean;
}

export interface PlanLead {
  id: string;
  fields: Readonly<Record<string, string | number | boolean>>;
  messages: readonly TranscriptMessage[];
}

/**
 * Why a create was held back (sync-semantics.md, "One person, one Salesforce record"): the person is
 * already a Contact (no Lead beside it), or already — or, in this very push, about to become — an
 * unconverted Lead (no Contact beside it; a Lead becomes a Contact by conversion).
 */
export type HeldBackReason = 'exists_as_contact' | 'exists_as_lead';

export interface ObjectPlan {
  object: 'Lead' | 'Contact';
  action: 'create' | 'update' | 'none' | 'skip';
  /** The matched record's id (update, none, skip). */
  id?: string;
  /**
   * A create held back because the person is already in Salesforce as the other object (action
   * `skip`). `heldBy` is that record's id; undefined when it is the Lead this same push creates.
   */
  heldBack?: { reason: HeldBackReason; heldBy?: string };
  /** How the match was found. */
  matchedBy?: 'id' | 'email' | 'converted_lead';
  changes: Record<string, { from: unknown; to: SalesforceValue }>;
  /** Why nothing is written, or why the lead cannot be pushed. */
  reason?: string;
  /** A value that cannot convert: a per-lead error (code INVALID_VALUE). */
  error?: string;
}

export interface LeadPlan {
  lead: PlanLead;
  objects: ObjectPlan[];
  /**
   * The matches to store back on the lead — only for objects whose Push Rule has update_existing on
   * (with every rule off nothing is matched for writing, and the lead stays `not_synced`).
   */
  leadRecord?: SfRecord;
  contactRecord?: SfRecord;
  /** The matches themselves (enrichment reads them too). */
  matches: Matches;
}

const id15 = (id: string) => id.slice(0, 15);
const lower = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : undefined);
const newestFirst = (a: SfRecord, b: SfRecord) => String(b.CreatedDate ?? '').localeCompare(String(a.CreatedDate ?? '')) || b.Id.localeCompare(a.Id);

/** Record with this id (15- or 18-character, as Salesforce compares them). */
export function byId(records: readonly SfRecord[], id: unknown): SfRecord | undefined {
  if (typeof id !== 'string' || id.length < 15) return undefined;
  return records.find((r) => id15(r.Id) === id15(id));
}

/** The most recently created record with this email, case-insensitive; `filter` narrows candidates. */
export function byEmail(records: readonly SfRecord[], email: unknown, filter: (r: SfRecord) => boolean = () => true): SfRecord | undefined {
  const e = lower(email);
  if (!e) return undefined;
  return records.filter((r) => lower(r.Email) === e && filter(r)).sort(newestFirst)[0];
}

export interface Matches {
  /** The Lead matched for writing (stored id, else email among unconverted leads). */
  lead?: { record: SfRecord; by: 'id' | 'email' };
  /** The Lead used for Account/Owner data: as above, but converted leads count for email too. */
  leadForData?: SfRecord;
  contact?: { record: SfRecord; by: 'id' | 'email' | 'converted_lead' };
}

/** Matching per sync-semantics.md: stored ids first, then email; converted leads lead to their Contact. */
export function findMatches(fields: PlanLead['fields'], leads: readonly SfRecord[], contacts: readonly SfRecord[]): Matches {
  const out: Matches = {};
  const storedLead = byId(leads, fields.salesforce_lead_id);
  if (storedLead) out.lead = { record: storedLead, by: 'id' };
  else {
    const byMail = byEmail(leads, fields.email, (r) => r.IsConverted !== true);
    if (byMail) out.lead = { record: byMail, by: 'email' };
  }
  out.leadForData = out.lead?.record ?? byEmail(leads, fields.email);
  const storedContact = byId(contacts, fields.salesforce_contact_id);
  if (storedContact) out.contact = { record: storedContact, by: 'id' };
  else {
    const converted = out.lead?.record.IsConverted === true ? byId(contacts, out.lead.record.ConvertedContactId) : undefined;
    if (converted) out.contact = { record: converted, by: 'converted_lead' };
    else {
      const byMail = byEmail(contacts, fields.email);
      if (byMail) out.contact = { record: byMail, by: 'email' };
    }
  }
  return out;
}

/** The value a mapping row writes, before conversion; undefined = nothing to write. */
function sourceValue(lead: PlanLead, row: MappingRow, target: FieldInfo): string | number | boolean | undefined {
  if (row.spara_field === 'conversation') {
    if (lead.messages.length === 0) return undefined;
    return renderTranscript(lead.messages, target.length > 0 ? target.length : undefined);
  }
  const v = lead.fields[row.spara_field];
  return isEmpty(v) ? undefined : v;
}

/** Required on create: Salesforce demands a value (not nillable, createable, no default, not a checkbox). */
export function requiredOnCreate(fields: ReadonlyMap<string, FieldInfo>): FieldInfo[] {
  let required = requiredCache.get(fields);
  if (!required) {
    required = [...fields.values()].filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean' && f.type !== 'reference' && f.name !== 'Id');
    requiredCache.set(fields, required);
  }
  return required;
}
/** Per describe map: a batch plans hundreds of creates against the same one. */
const requiredCache = new WeakMap<ReadonlyMap<string, FieldInfo>, FieldInfo[]>();

export function planObject(
  object: PushObject,
  lead: PlanLead,
  match: { record: SfRecord } | undefined,
  settings: SettingsDocument,
  fields: ReadonlyMap<string, FieldInfo>,
): ObjectPlan {
  const sfObject = SALESFORCE_OBJECT[object];
  const rule = settings.push[object];
  const base = { object: sfObject, changes: {} } as ObjectPlan;
  // Push off for this object: nothing to skip either (the log records a skip only when a push was due).
  if (match && !rule.update_existing) return { ...base, action: 'none', id: match.record.Id, reason: 'update_existing is off' };
  if (match?.record && sfObject === 'Lead' && match.record.IsConverted === true) {
    return { ...base, action: 'skip', id: match.record.Id, reason: 'converted lead: Salesforce does not allow updating it' };
  }
  // Without an email a created record could never be found again (a retried create would duplicate it).
  if (!match && rule.create_when_no_match && isEmpty(lead.fields.email)) return { ...base, action: 'none', reason: 'no email: nothing to match or create by' };
  if (!match && !rule.create_when_no_match) return { ...base, action: 'none', reason: rule.update_existing ? 'no match and create_when_no_match is off' : 'push is off for this object' };
  const creating = !match;
  const changes: ObjectPlan['changes'] = {};
  for (const row of settings.mappings[object]) {
    if (row.flagged) continue;
    const target = fields.get(row.salesforce_field.toLowerCase());
    if (!target || !(creating ? target.createable : target.updateable)) continue;
    const raw = sourceValue(lead, row, target);
    if (raw === undefined) continue; // never blanks Salesforce
    const converted = convertValue(raw, target);
    if ('error' in converted) return { ...base, action: creating ? 'create' : 'update', id: match?.record.Id, error: converted.error };
    const current = match?.record[target.name];
    if (!creating) {
      if (row.write_rule === 'if_empty' && !isEmpty(current)) continue;
      if (sameValue(current, converted.value, target)) continue;
    }
    changes[target.name] = { from: creating ? null : (current ?? null), to: converted.value };
  }
  if (creating) {
    for (const req of requiredOnCreate(fields)) {
      if (!(req.name in changes)) changes[req.name] = { from: null, to: settings.required_field_placeholder };
    }
    return { ...base, action: 'create', changes };
  }
  if (Object.keys(changes).length === 0) return { ...base, action: 'none', id: match!.record.Id, reason: 'nothing to change' };
  return { ...base, action: 'update', id: match!.record.Id, changes };
}

/** The whole plan of one lead: both objects, in Salesforce's order (Lead, then Contact). */
export function planLead(
  lead: PlanLead,
  found: { leads: readonly SfRecord[]; contacts: readonly SfRecord[] },
  settings: SettingsDocument,
  describe: Record<PushObject, ReadonlyMap<string, FieldInfo>>,
): LeadPlan {
  const matches = findMatches(lead.fields, found.leads, found.contacts);
  const objects = onePersonOneRecord(
    PUSH_OBJECTS.map((o) => planObject(o, lead, o === 'lead' ? matches.lead : matches.contact, settings, describe[o])),
    matches,
  );
  const contact = objects[1];
  if (matches.contact?.by === 'converted_lead' && contact.action !== 'none') contact.matchedBy = 'converted_lead';
  objects[0].matchedBy = matches.lead?.by;
  objects[1].matchedBy ??= matches.contact?.by;
  return {
    lead,
    objects,
    leadRecord: settings.push.lead.update_existing ? matches.lead?.record : undefined,
    contactRecord: settings.push.contact.update_existing ? matches.contact?.record : undefined,
    matches,
  };
}

/**
 * A create never makes a second record for a person Salesforce already holds (sync-semantics.md,
 * "One person, one Salesforce record"), whatever each object's own Push Rule says:
 * - a Lead is created only when the person matches no Lead and no Contact;
 * - a Contact only when they match no Contact and no unconverted Lead — and not beside a Lead this
 *   push creates (both create rules on, nothing matched: one Lead, Salesforce's lifecycle order).
 * A held-back create becomes `skip` with its reason; updates are untouched. The matches are those
 * of the batched queries: the Contact is known here even when the Contact rule is off.
 */
export function onePersonOneRecord([leadPlan, contactPlan]: ObjectPlan[], matches: Matches): [ObjectPlan, ObjectPlan] {
  const holdBack = (plan: ObjectPlan, reason: HeldBackReason, heldBy: string | undefined): ObjectPlan => ({
    object: plan.object,
    action: 'skip',
    changes: {},
    heldBack: { reason, heldBy },
    reason: reason === 'exists_as_contact' ? `${reason}: the person is already a Contact${heldBy ? ` (${heldBy})` : ''}; no Lead is created beside it` : `${reason}: the person is already a Lead${heldBy ? ` (${heldBy})` : ' (created by this push)'}; a Lead becomes a Contact by conversion, not by a second record`,
  });
  let lead = leadPlan;
  let contact = contactPlan;
  if (lead.action === 'create' && matches.contact) lead = holdBack(lead, 'exists_as_contact', matches.contact.record.Id);
  if (contact.action === 'create') {
    const unconverted = matches.lead && matches.lead.record.IsConverted !== true ? matches.lead.record : undefined;
    if (unconverted) contact = holdBack(contact, 'exists_as_lead', unconverted.Id);
    else if (lead.action === 'create') contact = holdBack(contact, 'exists_as_lead', undefined);
  }
  return [lead, contact];
}
