/**
 * Which Salesforce fields a Spara field may be mapped to — api-v1.md's compatibility rules, so the
 * searchable select offers only fields the server will accept. The server checks again on Save and
 * names the row it refuses (`invalid_mapping`).
 */
import type { DescribedField, Field } from './api/client';

const TEXT = new Set(['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox', 'encryptedstring']);
const NUMBER = new Set(['double', 'currency', 'percent', 'int', 'long']);

export function compatible(sparaType: string, target: Pick<DescribedField, 'type' | 'createable' | 'updateable'>): boolean {
  if (!target.createable && !target.updateable) return false;
  if (sparaType === 'conversation') return target.type === 'string' || target.type === 'textarea';
  if (TEXT.has(target.type)) return true;
  if (NUMBER.has(target.type)) return sparaType === 'number';
  if (target.type === 'boolean') return sparaType === 'boolean';
  if (target.type === 'date' || target.type === 'datetime') return sparaType === 'date' || sparaType === 'datetime';
  return false;
}

/** The fields a Spara field can be mapped to, by label. */
export const offeredFields = (spara: Field | undefined, describe: DescribedField[]): DescribedField[] =>
  spara ? describe.filter((f) => compatible(spara.type, f)).sort((a, b) => a.label.localeCompare(b.label)) : [];

export type PushObject = 'lead' | 'contact';

/**
 * The rows an `invalid_mapping` error names: `details.rows` as a list of `{object, index, reason}`
 * (api-v1.md) or as a map `{"mappings.lead.3": reason}`; either way, by object and row index.
 */
export function rowErrors(details: Record<string, unknown> | undefined): Record<PushObject, Record<number, string>> {
  const out: Record<PushObject, Record<number, string>> = { lead: {}, contact: {} };
  const rows = details?.rows;
  const put = (object: unknown, index: unknown, reason: unknown) => {
    const o = String(object).toLowerCase();
    if ((o === 'lead' || o === 'contact') && Number.isInteger(Number(index))) out[o][Number(index)] = String(reason ?? 'This row cannot be saved.');
  };
  if (Array.isArray(rows)) for (const r of rows as { object?: unknown; index?: unknown; reason?: unknown; message?: unknown }[]) put(r.object, r.index, r.reason ?? r.message);
  else if (rows && typeof rows === 'object')
    for (const [key, reason] of Object.entries(rows as Record<string, unknown>)) {
      const m = /(lead|contact)\.(\d+)$/i.exec(key);
      if (m) put(m[1], m[2], reason);
    }
  return out;
}
