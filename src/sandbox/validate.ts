/**
 * Turns a REST record body into stored field values the way Salesforce's API does: JSON shape
 * (request-level errors), field access, types, lengths, formats, required fields, then validation
 * rules and duplicate rules (per-record errors). Messages follow Salesforce's wording.
 */
import { RecordError, RequestError } from './errors.ts';
import { normalizeId } from './ids.ts';
import type { FieldDef, ObjectDef, SRecord } from './interfaces.ts';
import type { Rules } from './rules.ts';
import type { Store } from './store.ts';

export interface WriteContext {
  userId: string;
  now: Date;
  /** `Sforce-Duplicate-Rule-Header: allowSave=true` */
  allowDuplicates: boolean;
  /** Control API inserts: system fields settable, no field-level access checks, no rules. */
  admin?: boolean;
  /** Run the active assignment rule on created Leads (`Sforce-Auto-Assign`, TRUE unless the request says FALSE). */
  autoAssign?: boolean;
}

// Salesforce's own email check is permissive about the local part but needs one @ and a dotted domain.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Salesforce's datetime wire format: `2026-11-28T14:03:00.000+0000`. */
export function sfDateTime(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

export function sfDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function deserializeError(javaType: string, value: unknown): RequestError {
  const kind = typeof value === 'string' ? 'VALUE_STRING' : typeof value === 'boolean' ? (value ? 'VALUE_TRUE' : 'VALUE_FALSE') : typeof value === 'number' ? 'VALUE_NUMBER_INT' : 'START_OBJECT';
  return new RequestError(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of ${javaType} from ${kind} value ${String(value)} or request may be missing a required field`);
}

/** One JSON value → the stored value for a field; throws JSON_PARSER_ERROR like Salesforce's deserializer. */
function coerce(f: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (f.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw deserializeError('boolean', value);
    case 'double':
    case 'currency':
    case 'percent':
    case 'int': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (typeof value === 'string' && value === '') return null;
      if (!Number.isFinite(n)) throw deserializeError(f.type === 'int' ? 'int' : 'double', value);
      return f.type === 'int' ? Math.trunc(n) : n;
    }
    case 'date': {
      if (typeof value !== 'string') throw deserializeError('date', value);
      if (value === '') return null;
      const m = DATE.exec(value.slice(0, 10));
      const d = m ? new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`) : undefined;
      if (!m || !d || Number.isNaN(d.getTime()) || sfDate(d) !== value.slice(0, 10)) throw deserializeError('date', value);
      return value.slice(0, 10);
    }
    case 'datetime': {
      if (typeof value !== 'string') throw deserializeError('datetime', value);
      if (value === '') return null;
      const d = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      if (Number.isNaN(d.getTime())) throw deserializeError('datetime', value);
      return sfDateTime(d);
    }
    default: {
      if (typeof value === 'object') throw deserializeError('String', JSON.stringify(value));
      const s = String(value);
      // Salesforce stores an empty string as null.
      return s === '' ? null : s;
    }
  }
}

export interface Prepared {
  /** Field values to store (canonical names). */
  values: Record<string, unknown>;
}

/**
 * Validates a body's fields for insert (existing undefined) or update. Request-level problems throw
 * RequestError; per-record problems throw RecordError.
 */
export function prepare(store: Store, o: ObjectDef, body: Record<string, unknown>, existing: SRecord | undefined, ctx: WriteContext): Prepared {
  const values: Record<string, unknown> = {};
  const denied: string[] = [];
  for (const [key, raw] of Object.entries(body)) {
    if (key === 'attributes') continue;
    const f = o.fields.get(key.toLowerCase());
    if (!f) throw new RequestError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${o.name}`);
    // A compound field is read-only: its parts are written instead.
    if (f.type === 'address' && !ctx.admin) {
      denied.push(f.name);
      continue;
    }
    if (f.name === 'Id') {
      if (existing) continue; // collections PATCH carries the id in the body
      if (!ctx.admin) throw new RecordError(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id']);
    }
    const value = coerce(f, raw);
    if (!ctx.admin && !(existing ? f.updateable : f.createable)) {
      denied.push(f.name);
      continue;
    }
    values[f.name] = value;
  }
  if (denied.length)
    throw new RecordError(
      400,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${denied.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      denied,
    );
  for (const [name, value] of Object.entries(values)) {
    const f = o.fields.get(name.toLowerCase())!;
    checkValue(store, o, f, value, ctx);
    if (f.unique && value !== null) checkUnique(store, o, f, value, existing?.Id);
  }
  return { values };
}

function checkValue(store: Store, o: ObjectDef, f: FieldDef, value: unknown, ctx: WriteContext): void {
  if (value === null) return;
  if (typeof value === 'string' && f.length > 0 && f.type !== 'reference' && f.type !== 'id' && value.length > f.length)
    throw new RecordError(400, 'STRING_TOO_LONG', `${f.label}: data value too large: ${value.length > 80 ? value.slice(0, 80) + '...' : value} (max length=${f.length})`, [f.name]);
  if (f.type === 'email' && typeof value === 'string' && !EMAIL.test(value))
    throw new RecordError(400, 'INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${value}`, [f.name]);
  if (f.type === 'reference' && typeof value === 'string') {
    const id = normalizeId(value);
    if (!id) throw new RecordError(400, 'MALFORMED_ID', `${f.label}: id value of incorrect type: ${value}`, [f.name]);
    const target = store.objectForId(id);
    if (!target || !(f.referenceTo ?? []).includes(target.name))
      throw new RecordError(400, 'FIELD_INTEGRITY_EXCEPTION', `${f.label}: id value of incorrect type: ${value}`, [f.name]);
    const rec = store.get(id);
    if (!rec || rec.IsDeleted === true) throw new RecordError(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [f.name]);
    // An admin may set up history (records owned by someone who has since left); the API user may not.
    if (!ctx.admin && f.name === 'OwnerId' && target.name === 'User' && rec.IsActive === false)
      throw new RecordError(400, 'INACTIVE_OWNER_OR_USER', `operation performed with inactive user [${id}] as owner of ${o.name.toLowerCase()}`, [f.name]);
  }
}

/** A Unique custom field: no other live record of the type may hold the same value (text case-insensitively). */
function checkUnique(store: Store, o: ObjectDef, f: FieldDef, value: unknown, selfId: string | undefined): void {
  const want = typeof value === 'string' ? value.toLowerCase() : value;
  const candidates = (typeof value === 'string' ? store.lookup(o.name, f.name, value) : undefined) ?? store.scan(o.name);
  for (const r of candidates) {
    if (r.IsDeleted === true || r.Id === selfId) continue;
    const v = r[f.name];
    if ((typeof v === 'string' ? v.toLowerCase() : v) === want)
      throw new RecordError(400, 'DUPLICATE_VALUE', `duplicate value found: ${f.name} duplicates value on record with id: ${r.Id}`, [f.name]);
  }
}

/** Canonicalizes reference values to 18 characters (Salesforce returns 18-character ids). */
export function canonicalReferences(o: ObjectDef, values: Record<string, unknown>): void {
  for (const [name, v] of Object.entries(values)) {
    if (typeof v !== 'string') continue;
    const f = o.fields.get(name.toLowerCase());
    if (f && (f.type === 'reference' || f.type === 'id')) values[name] = normalizeId(v) ?? v;
  }
}

/** Required fields, checked on the record as it would be after the write. */
export function checkRequired(o: ObjectDef, merged: Record<string, unknown>): void {
  const missing: string[] = [];
  for (const f of o.fields.values()) {
    if (!f.requiredOnCreate) continue;
    const v = merged[f.name];
    if (v === undefined || v === null || v === '') missing.push(f.name);
  }
  if (missing.length) throw new RecordError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
}

function blank(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

export function checkValidationRules(rules: Rules, o: ObjectDef, merged: Record<string, unknown>): void {
  for (const rule of rules.validationFor(o.name)) {
    const f = o.fields.get(rule.field.toLowerCase());
    const v = f ? merged[f.name] : undefined;
    const fails = rule.condition === 'blank' ? blank(v) : !blank(v) && String(v) === String(rule.value);
    if (fails) throw new RecordError(400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', rule.message, f ? [f.name] : []);
  }
}

/** Duplicate rules with action "Allow" and an alert: refuse unless the client asked to save anyway. */
export function checkDuplicateRules(store: Store, rules: Rules, o: ObjectDef, merged: Record<string, unknown>, selfId: string | undefined, version: string): void {
  for (const rule of rules.duplicateFor(o.name)) {
    const fields = rule.fields.map((n) => o.fields.get(n.toLowerCase())).filter((f): f is FieldDef => !!f);
    if (!fields.length || fields.some((f) => blank(merged[f.name]))) continue;
    const first = fields[0];
    const candidates = store.lookup(o.name, first.name, String(merged[first.name])) ?? store.scan(o.name);
    const matches: SRecord[] = [];
    for (const r of candidates) {
      if (r.IsDeleted === true || r.Id === selfId) continue;
      if (fields.every((f) => String(r[f.name] ?? '').toLowerCase() === String(merged[f.name]).toLowerCase())) matches.push(r);
    }
    if (!matches.length) continue;
    const message = "You're creating a duplicate record. We recommend you use an existing record instead.";
    throw new RecordError(400, 'DUPLICATES_DETECTED', message, [], {
      duplicateResult: {
        allowSave: true,
        duplicateRule: rule.name,
        duplicateRuleEntityType: o.name,
        errorMessage: message,
        matchResults: [
          {
            entityType: o.name,
            errors: [],
            matchEngine: 'ExactMatchEngine',
            matchRecords: matches.map((m) => ({
              additionalInformation: [],
              fieldDiffs: [],
              matchConfidence: 100.0,
              record: { attributes: { type: o.name, url: `/services/data/v${version}/sobjects/${o.name}/${m.Id}` }, Id: m.Id },
            })),
            rule: `${rule.name}_Match_Rule`,
            size: matches.length,
            success: true,
          },
        ],
      },
    });
  }
}
