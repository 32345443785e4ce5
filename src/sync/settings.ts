/**
 * The Salesforce settings document of an organization (api-v1.md): Push Rules per object and the
 * Data Model Sync mapping rows. Defaults, normalization and the checks against describe. Pure.
 */
import type { FieldDefinition } from '../leads/data-model.ts';
import { isCompatible, NUMBER_TYPES } from './convert.ts';

export type PushObject = 'lead' | 'contact';
export const PUSH_OBJECTS: readonly PushObject[] = ['lead', 'contact'];
export const SALESFORCE_OBJECT: Record<PushObject, 'Lead' | 'Contact'> = { lead: 'Lead', contact: 'Contact' };
export type WriteRule = 'overwrite' | 'if_empty';

export interface MappingRow {
  spara_field: string;
  salesforce_field: string;
  write_rule: WriteRule;
  /** Set by LeadSync when Salesforce no longer has the field (INVALID_FIELD); such rows are not written. */
  flagged?: string;
}

export interface PushRule {
  update_existing: boolean;
  create_when_no_match: boolean;
}

export interface SettingsDocument {
  push: Record<PushObject, PushRule>;
  mappings: Record<PushObject, MappingRow[]>;
  /** Value written to required Salesforce fields that have no value on create. */
  required_field_placeholder: string;
}

export const DEFAULT_PLACEHOLDER = '[not provided]';
const EMAIL_ROW: MappingRow = { spara_field: 'email', salesforce_field: 'Email', write_rule: 'overwrite' };

export function defaultSettings(): SettingsDocument {
  return {
    push: { lead: { update_existing: false, create_when_no_match: false }, contact: { update_existing: false, create_when_no_match: false } },
    mappings: { lead: [{ ...EMAIL_ROW }], contact: [{ ...EMAIL_ROW }] },
    required_field_placeholder: DEFAULT_PLACEHOLDER,
  };
}

export interface SettingsInput {
  push?: Partial<Record<PushObject, Partial<PushRule>>>;
  mappings?: Partial<Record<PushObject, Array<{ spara_field: string; salesforce_field: string; write_rule?: WriteRule }>>>;
  required_field_placeholder?: string;
}

/** Fills defaults, puts the Email row back (always present, first), keeps flags of unchanged rows. */
export function normalizeSettings(input: SettingsInput, previous: SettingsDocument = defaultSettings()): SettingsDocument {
  const out = defaultSettings();
  out.required_field_placeholder = input.required_field_placeholder ?? previous.required_field_placeholder;
  for (const object of PUSH_OBJECTS) {
    out.push[object] = {
      update_existing: input.push?.[object]?.update_existing ?? false,
      create_when_no_match: input.push?.[object]?.create_when_no_match ?? false,
    };
    const rows = (input.mappings?.[object] ?? []).map((r) => ({ spara_field: r.spara_field, salesforce_field: r.salesforce_field, write_rule: r.write_rule ?? 'overwrite' }) as MappingRow);
    if (!rows.some((r) => r.spara_field === 'email' && r.salesforce_field.toLowerCase() === 'email')) rows.unshift({ ...EMAIL_ROW });
    for (const row of rows) {
      const before = previous.mappings[object].find((p) => p.spara_field === row.spara_field && p.salesforce_field === row.salesforce_field);
      if (before?.flagged) row.flagged = before.flagged;
    }
    out.mappings[object] = rows;
  }
  return out;
}

export interface DescribedField {
  name: string;
  type: string;
  length: number;
  createable: boolean;
  updateable: boolean;
}

/** A mapping row that cannot be stored: its object, its 0-based index in the document as sent, why. */
export interface MappingProblem {
  object: PushObject;
  index: number;
  reason: string;
}

const isEmailRow = (r: { spara_field: string; salesforce_field: string }) => r.spara_field === 'email' && r.salesforce_field.toLowerCase() === 'email';

/** What a LeadSync type is called in a reason ("city is text"). */
const typeName = (t: string) => (t === 'string' ? 'text' : t);
/** What a Salesforce field type is called in a reason ("Lead.NumberOfEmployees is a number"). */
function salesforceTypeName(t: string): string {
  if (NUMBER_TYPES.has(t)) return 'a number';
  if (t === 'boolean') return 'a checkbox';
  if (t === 'date' || t === 'datetime') return `a ${t}`;
  if (t === 'reference' || t === 'id') return 'a reference to another record';
  return `a ${t} field`;
}

/**
 * Problems of a settings document: structural ones always, field ones against describe when given
 * (`describe[object]` undefined = not connected, not checked). `sent` is the document as the client
 * sent it: problem indexes count its rows (the Email row added back by normalizeSettings was not sent).
 */
export function settingsProblems(
  doc: SettingsDocument,
  model: ReadonlyMap<string, FieldDefinition>,
  describe: Partial<Record<PushObject, readonly DescribedField[]>>,
  sent: SettingsInput = doc,
): { validation: Record<string, string>; mapping: MappingProblem[] } {
  const validation: Record<string, string> = {};
  const mapping: MappingProblem[] = [];
  for (const object of PUSH_OBJECTS) {
    const rule = doc.push[object];
    if (rule.create_when_no_match && !rule.update_existing) validation[`push.${object}.create_when_no_match`] = 'needs update_existing (create is only available with update)';
    const fields = describe[object] ? new Map(describe[object]!.map((f) => [f.name.toLowerCase(), f])) : undefined;
    const added = !(sent.mappings?.[object] ?? []).some(isEmailRow) ? 1 : 0;
    const sfObject = SALESFORCE_OBJECT[object];
    const seen = new Set<string>();
    doc.mappings[object].forEach((row, i) => {
      const reason = rowProblem(row, sfObject, model, fields, seen);
      if (reason) mapping.push({ object, index: i - added, reason });
    });
  }
  return { validation, mapping };
}

function rowProblem(row: MappingRow, sfObject: string, model: ReadonlyMap<string, FieldDefinition>, fields: Map<string, DescribedField> | undefined, seen: Set<string>): string | undefined {
  const spara = model.get(row.spara_field);
  if (!spara) return `LeadSync has no field "${row.spara_field}"`;
  const duplicate = seen.has(row.salesforce_field.toLowerCase());
  seen.add(row.salesforce_field.toLowerCase());
  // The Email row is how a person is found again: always email → Email, always written.
  if (row.salesforce_field.toLowerCase() === 'email' && row.spara_field !== 'email') return `${sfObject}.Email is written from the email field only (the Email row is always present)`;
  if (isEmailRow(row) && row.write_rule !== 'overwrite') return `the Email row is always written: its write_rule is overwrite`;
  if (duplicate) return `${row.salesforce_field} is mapped twice`;
  if (!fields) return undefined;
  const target = fields.get(row.salesforce_field.toLowerCase());
  if (!target) return `${sfObject} has no field ${row.salesforce_field}`;
  if (!target.createable && !target.updateable) return `${sfObject}.${target.name} is read-only`;
  if (!isCompatible(spara.type, target.type)) {
    if (spara.type === 'conversation') return `${sfObject}.${target.name} is ${salesforceTypeName(target.type)}; the conversation goes only to a text or text area field`;
    return `${sfObject}.${target.name} is ${salesforceTypeName(target.type)}; ${row.spara_field} is ${typeName(spara.type)}`;
  }
  return undefined;
}
