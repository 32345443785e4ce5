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
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):?(\d{2}))$/;
/** Salesforce ids: 15 or 18 alphanumerics. The key prefix is checked per field. */
const SALESFORCE_ID = /^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/;
const ID_PREFIX: Record<string, string> = { salesforce_lead_id: '00Q', salesforce_contact_id: '003' };

export function isValidEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysInMonth = (year: number, month: number) => (month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);
const isCalendarDate = (year: number, month: number, day: number) => year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);

/**
 * `YYYY-MM-DD` checked against the calendar: undefined when not of that form, null when no such day
 * (2026-02-30, year 0000). Nothing is rolled over to another day.
 */
export function parseDate(text: string): true | null | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  return isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) ? true : null;
}

/**
 * An ISO-8601 date-time with a time zone, checked field by field (JavaScript's Date would turn
 * 2026-02-30 into March 2nd and read year 0001 as 2001): undefined when not of that form, null when
 * no such moment or outside years 0001-9999 in UTC.
 */
export function parseDateTime(text: string): Date | null | undefined {
  const m = DATETIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const offsetHours = m[10] === undefined ? 0 : Number(m[10]);
  const offsetMinutes = m[11] === undefined ? 0 : Number(m[11]);
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute, second, millis);
  const sign = m[9] === '-' ? -1 : 1;
  instant.setTime(instant.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
  const utcYear = instant.getUTCFullYear();
  return utcYear >= 1 && utcYear <= 9999 ? instant : null;
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
      const date = typeof value === 'string' ? parseDate(value) : undefined;
      if (date === undefined) return { problem: 'must be a date YYYY-MM-DD' };
      if (date === null) return { problem: 'is not a calendar date (years 0001 to 9999)' };
      return { value: value as string };
    }
    case 'datetime': {
      const instant = typeof value === 'string' ? parseDateTime(value) : undefined;
      if (instant === undefined) return { problem: 'must be an ISO-8601 date-time with a time zone, e.g. 2026-11-28T14:03:00Z' };
      if (instant === null) return { problem: 'is not a valid date-time (a calendar date in years 0001 to 9999, hours 00-23, minutes and seconds 00-59)' };
      return { value: instant.toISOString() };
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
