/**
 * LeadSync values → Salesforce field types (sync-semantics.md "Values are converted"). Pure.
 * A value that cannot convert is a per-lead error, never a crash.
 */
export interface TargetField {
  name: string;
  type: string;
  length: number;
}

export type SalesforceValue = string | number | boolean;
export type Converted = { value: SalesforceValue } | { error: string };

const TEXT = new Set(['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox', 'encryptedstring']);
export const NUMBER_TYPES: ReadonlySet<string> = new Set(['double', 'currency', 'percent', 'int', 'long']);
const NUMBER = NUMBER_TYPES;

/**
 * The Salesforce field types a LeadSync field type may be written to (api-v1.md, settings): text,
 * email, phone, url and picklist fields take any field; number, currency, double, int and percent
 * fields take number fields; boolean fields boolean ones; date and datetime fields date and
 * datetime ones; `conversation` goes only to text and textarea fields. Nothing else.
 */
export function isCompatible(sparaType: string, salesforceType: string): boolean {
  if (sparaType === 'conversation') return salesforceType === 'textarea' || salesforceType === 'string';
  if (TEXT.has(salesforceType)) return true;
  if (NUMBER.has(salesforceType)) return sparaType === 'number';
  if (salesforceType === 'boolean') return sparaType === 'boolean';
  if (salesforceType === 'date' || salesforceType === 'datetime') return sparaType === 'date' || sparaType === 'datetime';
  return false;
}

export function convertValue(value: SalesforceValue, field: TargetField): Converted {
  const fail = (why: string): Converted => ({ error: `${field.name}: ${JSON.stringify(value)} ${why}` });
  if (TEXT.has(field.type)) {
    const text = String(value);
    return { value: field.length > 0 && text.length > field.length ? text.slice(0, field.length) : text };
  }
  if (NUMBER.has(field.type)) {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.replace(/[,\s]/g, '')) : NaN;
    if (!Number.isFinite(n)) return fail('is not a number');
    return { value: field.type === 'int' || field.type === 'long' ? Math.round(n) : n };
  }
  switch (field.type) {
    case 'boolean': {
      if (typeof value === 'boolean') return { value };
      const s = String(value).trim().toLowerCase();
      if (['true', 'yes', '1'].includes(s)) return { value: true };
      if (['false', 'no', '0'].includes(s)) return { value: false };
      return fail('is not true or false');
    }
    case 'date': {
      const t = typeof value === 'string' ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value) : NaN;
      if (Number.isNaN(t)) return fail('is not a date');
      return { value: new Date(t).toISOString().slice(0, 10) };
    }
    case 'datetime': {
      const t = typeof value === 'string' ? Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value) : NaN;
      if (Number.isNaN(t)) return fail('is not a date-time');
      return { value: new Date(t).toISOString() };
    }
    case 'reference':
    case 'id':
      return typeof value === 'string' && /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(value) ? { value } : fail('is not a Salesforce id');
    default:
      return fail(`cannot be written to a ${field.type} field`);
  }
}

/** Whether Salesforce's current value already equals what would be written (no write needed). */
export function sameValue(current: unknown, next: SalesforceValue, field: TargetField): boolean {
  if (current === null || current === undefined || current === '') return false;
  if (NUMBER.has(field.type)) return Number(current) === Number(next);
  if (field.type === 'datetime') return Date.parse(String(current)) === Date.parse(String(next));
  if (field.type === 'boolean') return current === next;
  // Emails match case-insensitively everywhere (matching included): a change of case alone is no change.
  if (field.type === 'email') return String(current).toLowerCase() === String(next).toLowerCase();
  return String(current) === String(next);
}

export const isEmpty = (v: unknown) => v === null || v === undefined || v === '';
