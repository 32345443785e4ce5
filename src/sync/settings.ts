/**
 * The Salesforce settings document of an organization (api-v1.md): Push Rules per object and the
 * Data Model Sync mapping rows. Defaults, normalization and the checks against describe. Pure.
 */
import type { FieldDefinition } from '../leads/data-model.ts';
import { isCompatible } from './convert.ts';

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

/**
 * Problems of a settings document: structural ones always, field ones against describe when given
 * (`describe[object]` undefined = not connected, not checked). Keys name the bad row.
 */
export function settingsProblems(
  doc: SettingsDocument,
  model: ReadonlyMap<string, FieldDefinition>,
  describe: Partial<Record<PushObject, readonly DescribedField[]>>,
): { validation: Record<string, string>; mapping: Record<string, string> } {
  const validation: Record<string, string> = {};
  const mapping: Record<string, string> = {};
  for (const object of PUSH_OBJECTS) {
    const rule = doc.push[object];
    if (rule.create_when_no_match && !rule.update_existing) validation[`push.${object}.create_when_no_match`] = 'needs update_existing (create is only available with update)';
    const fields = describe[object] ? new Map(describe[object]!.map((f) => [f.name.toLowerCase(), f])) : undefined;
    const seen = new Set<string>();
    doc.mappings[object].forEach((row, i) => {
      const key = `mappings.${object}.${i}`;
      const spara = model.get(row.spara_field);
      if (!spara) {
        mapping[key] = `LeadSync has no field "${row.spara_field}"`;
        return;
      }
      if (seen.has(row.salesforce_field.toLowerCase())) mapping[key] = `${row.salesforce_field} is mapped twice`;
      seen.add(row.salesforce_field.toLowerCase());
      if (!fields) return;
      const target = fields.get(row.salesforce_field.toLowerCase());
      if (!target) mapping[key] = `${SALESFORCE_OBJECT[object]} has no field ${row.salesforce_field}`;
      else if (!target.createable && !target.updateable) mapping[key] = `${SALESFORCE_OBJECT[object]}.${target.name} is read-only`;
      else if (!isCompatible(spara.type, target.type)) mapping[key] = `a ${spara.type} field cannot be written to ${SALESFORCE_OBJECT[object]}.${target.name} (${target.type})`;
    });
  }
  return { validation, mapping };
}
