/**
 * The Data Model: the fields a lead can have (built-in and custom), and the rules for their values.
 * Pure: no I/O. The API validates every write through `validateFieldWrites`.
 */

export const FIELD_TYPES = ['string', 'text', 'email', 'phone', 'url', 'number', 'boolean', 'date', 'datetime', 'conversation'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
/** Types a custom field may have (`conversation` is the built-in transcript only). */
export const CUSTOM_FIELD_TYPES = FIELD_TYPES.filter((t) => t !== 'conversation');

export interface FieldDefinition {
  key: string;
  label: string;
  type: FieldType;
  builtin: boolean;
  read_only: boolean;
}

const builtin = (key: string, label: string, type: FieldType, readOnly = false): FieldDefinition => ({
  key,
  label,
  type,
  builtin: true,
  read_only: readOnly,
});

/** Built-in fields, in the order the API lists them (api-v1.md). */
export const BUILTIN_FIELDS: readonly FieldDefinition[] = [
  builtin('email', 'Email', 'email'),
  builtin('first_name', 'First name', 'string'),
  builtin('last_name', 'Last name', 'string'),
  builtin('company', 'Company', 'string'),
  builtin('title', 'Title', 'string'),
  builtin('phone', 'Phone', 'phone'),
  builtin('website', 'Website', 'url'),
  builtin('city', 'City', 'string'),
  builtin('state', 'State', 'string'),
  builtin('country', 'Country', 'string'),
  builtin('lead_source', 'Lead source', 'string'),
  builtin('conversation', 'Conversation', 'conversation', true),
  builtin('salesforce_lead_id', 'Salesforce Lead ID', 'string'),
  builtin('salesforce_contact_id', 'Salesforce Contact ID', 'string'),
  builtin('salesforce_account_id', 'Salesforce Account ID', 'string', true),
  builtin('salesforce_account_name', 'Salesforce Account name', 'string', true),
  builtin('salesforce_account_owner_email', 'Salesforce Account owner email', 'email', true),
  builtin('salesforce_assigned_sales_rep_id', 'Assigned sales rep ID', 'string', true),
  builtin('salesforce_assigned_sales_rep_name', 'Assigned sales rep name', 'string', true),
  builtin('salesforce_assigned_sales_rep_email', 'Assigned sales rep email', 'email', true),
  builtin('salesforce_account_owner_id', 'Salesforce Account owner ID', 'string', true),
  builtin('salesforce_account_owner_name', 'Salesforce Account owner name', 'string', true),
  builtin('salesforce_account_website', 'Salesforce Account website', 'url', true),
];

export const BUILTIN_KEYS = new Set(BUILTIN_FIELDS.map((f) => f.key));
export const CUSTOM_FIELD_KEY = /^[a-z][a-z0-9_]{0,62}$/;

/** Lengths past which a value is refused (Salesforce's own limits are applied at push time). */
export const MAX_LENGTH: Partial<Record<FieldType, number>> = {
  string: 1000,
  text: 131_072,
  email: 254,
  phone: 40,
  url: 2048,
};

// Pragmatic address syntax: one @, a dot in the domain, no spaces — what Salesforce accepts too.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
/** Salesforce ids: 15 or 18 alphanumerics. The key prefix is checked per field. */
const SALESFORCE_ID = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;
const ID_PREFIX: Record<string, string> = { salesforce_lead_id: '00Q', salesforce_contact_id: '003' };

export function isValidEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

export type FieldValue = string | number | boolean;

/** Checks one value for one field; returns the normalized value, or a problem in words. */
export function normalizeValue(field: FieldDefinition, value: unknown): { value: FieldValue } | { problem: string } {
  const max = MAX_LENGTH[field.type];
  switch (field.type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return { problem: 'must be a number' };
      return { value };
    case 'boolean':
      if (typeof value !== 'boolean') return { problem: 'must be true or false' };
      return { value };
    case 'date': {
      const m = typeof value === 'string' ? DATE.exec(value) : null;
      if (!m) return { problem: 'must be a date YYYY-MM-DD' };
      const d = new Date(`${value as string}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) return { problem: 'is not a calendar date' };
      return { value: value as string };
    }
    case 'datetime': {
      if (typeof value !== 'string' || !DATETIME.test(value)) return { problem: 'must be an ISO-8601 date-time with a time zone, e.g. 2026-11-28T14:03:00Z' };
      const d = new Date(value);
      if (Number.isNaN(d.getTime())) return { problem: 'is not a valid date-time' };
      return { value: d.toISOString() };
    }
    default: {
      if (typeof value !== 'string') return { problem: 'must be a string' };
      const text = field.type === 'email' ? value.trim() : value;
      if (max !== undefined && text.length > max) return { problem: `must be at most ${max} characters` };
      if (field.type === 'email' && !isValidEmail(text)) return { problem: 'must be a valid email address' };
      if (field.type === 'url' && /\s/.test(text.trim())) return { problem: 'must be a URL without spaces' };
      if (field.type === 'phone' && !/^[0-9+()./\s-]*[0-9][0-9+()./\s-]*(\s*(x|ext\.?)\s*[0-9]+)?$/i.test(text)) return { problem: 'must be a phone number (digits, spaces, + ( ) - .)' };
      const prefix = ID_PREFIX[field.key];
      if (prefix !== undefined && (!SALESFORCE_ID.test(text) || !text.startsWith(prefix))) {
        return { problem: `must be a Salesforce id (15 or 18 characters starting with ${prefix})` };
      }
      return { value: text };
    }
  }
}

export type FieldWriteError =
  | { code: 'unknown_field'; keys: string[] }
  | { code: 'read_only_field'; keys: string[] }
  | { code: 'validation_failed'; fields: Record<string, string> };

/**
 * Validates a `fields` object written through the API against the data model. Returns the patch to
 * apply (`null` clears a field) or the first class of error, naming every offending key.
 */
export function validateFieldWrites(
  model: ReadonlyMap<string, FieldDefinition>,
  input: Record<string, unknown>,
): { patch: Record<string, FieldValue | null> } | { error: FieldWriteError } {
  const unknown = Object.keys(input).filter((k) => !model.has(k));
  if (unknown.length > 0) return { error: { code: 'unknown_field', keys: unknown } };
  const readOnly = Object.keys(input).filter((k) => model.get(k)!.read_only);
  if (readOnly.length > 0) return { error: { code: 'read_only_field', keys: readOnly } };
  const patch: Record<string, FieldValue | null> = {};
  const problems: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === null) {
      patch[key] = null;
      continue;
    }
    const result = normalizeValue(model.get(key)!, value);
    if ('problem' in result) problems[`fields.${key}`] = result.problem;
    else patch[key] = result.value;
  }
  if (Object.keys(problems).length > 0) return { error: { code: 'validation_failed', fields: problems } };
  return { patch };
}

/** The data model of one organization: built-ins first, then custom fields in creation order. */
export function dataModel(custom: readonly FieldDefinition[]): Map<string, FieldDefinition> {
  return new Map([...BUILTIN_FIELDS, ...custom].map((f) => [f.key, f]));
}
