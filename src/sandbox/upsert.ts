/**
 * Upsert and retrieve by external id: `GET|PATCH|DELETE /sobjects/{T}/{Field}/{value}`,
 * `POST /sobjects/{T}/Id` (create) and sObject Collections `PATCH /composite/sobjects/{T}/{Field}`.
 * A field qualifies when it is `Id`, a custom field marked External ID, or a standard field with
 * `idLookup` (Email, Username). No match creates (201, `created: true`), one match updates (200,
 * `created: false`), several answer 300 with the candidates' URLs (single) or DUPLICATE_EXTERNAL_ID
 * (collections).
 */
import { deleteRecord, insertRecord, updateRecord, type Dml } from './dml.ts';
import { RecordError, RequestError } from './errors.ts';
import { normalizeId } from './ids.ts';
import { SalesforceError, type FieldDef, type ObjectDef, type SRecord } from './interfaces.ts';
import type { Store } from './store.ts';
import type { WriteContext } from './validate.ts';

/** The field named in an upsert URL, or undefined when it cannot be used as an external id. */
export function externalIdField(o: ObjectDef, name: string): FieldDef | undefined {
  const f = o.fields.get(name.toLowerCase());
  if (!f) return undefined;
  if (f.name === 'Id' || f.externalId === true || (!f.custom && (f.type === 'email' || f.name === 'Username'))) return f;
  return undefined;
}

export const noExternalField = (name: string) => new SalesforceError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${name}`);

/** Live (non-deleted) records of `o` whose field equals the value: ids exactly, text case-insensitively, numbers numerically. */
export function matchExternal(store: Store, o: ObjectDef, f: FieldDef, value: string): SRecord[] {
  if (f.name === 'Id') {
    const id = normalizeId(value);
    const r = id ? store.get(id) : undefined;
    return r && r.IsDeleted !== true && store.objectForId(r.Id) === o ? [r] : [];
  }
  const out: SRecord[] = [];
  const indexed = f.type === 'double' ? undefined : store.lookup(o.name, f.name, value);
  const want = f.type === 'double' ? Number(value) : value.toLowerCase();
  for (const r of indexed ?? store.scan(o.name)) {
    if (r.IsDeleted === true) continue;
    const v = r[f.name];
    if (v === null || v === undefined) continue;
    if (f.type === 'double' ? Number(v) === want : String(v).toLowerCase() === want) out.push(r);
  }
  return out;
}

function recordUrl(version: string, type: string, id: string): string {
  return `/services/data/v${version}/sobjects/${type}/${id}`;
}

/** The 300 answer: the URLs of every record that matched. */
function multipleChoices(dml: Dml, o: ObjectDef, matches: SRecord[]) {
  return { status: 300, body: matches.map((m) => recordUrl(dml.version, o.name, m.Id)) };
}

/** Salesforce refuses the external id field (or Id) in the body of an upsert by that field. */
function checkBody(o: ObjectDef, f: FieldDef, body: Record<string, unknown>, inCollection: boolean): void {
  if (inCollection) return;
  for (const k of Object.keys(body)) {
    if (k.toLowerCase() === f.name.toLowerCase() || k.toLowerCase() === 'id')
      throw new RecordError(400, 'INVALID_FIELD', `The ${o.name} ${k} field should not be specified in the sobject data.`, [k]);
  }
}

export interface ByExternalIdRequest {
  method: string;
  body: unknown;
  updateOnly: boolean;
}

/** `/sobjects/{T}/{Field}/{value}`: retrieve, upsert or delete by an external id. */
export function byExternalId(dml: Dml, o: ObjectDef, f: FieldDef, value: string, req: ByExternalIdRequest, ctx: WriteContext, toJson: (r: SRecord) => unknown): { status: number; body?: unknown; headers?: Record<string, string> } {
  const matches = matchExternal(dml.store, o, f, value);
  if (matches.length > 1) return multipleChoices(dml, o, matches);
  const [match] = matches;
  switch (req.method) {
    case 'GET':
      if (!match) throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
      return { status: 200, body: toJson(match) };
    case 'DELETE':
      if (!match) throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
      deleteRecord(dml, o, match, ctx);
      return { status: 204 };
    case 'PATCH': {
      if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) throw new RequestError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
      const body = req.body as Record<string, unknown>;
      checkBody(o, f, body, false);
      if (match) {
        updateRecord(dml, o, match, body, ctx);
        return { status: 200, body: { id: match.Id, success: true, errors: [], created: false } };
      }
      // Upsert on Id never creates: there is no record with that id to update.
      if (req.updateOnly || f.name === 'Id') throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
      const rec = insertRecord(dml, o, { ...body, [f.name]: value }, ctx);
      return { status: 201, body: { id: rec.Id, success: true, errors: [], created: true }, headers: { Location: recordUrl(dml.version, o.name, rec.Id) } };
    }
    default:
      throw new SalesforceError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are HEAD,GET,PATCH,DELETE`);
  }
}

/**
 * One record of a collections upsert. With `Id` as the field, a record without an id is created
 * and one with an id updated; with an external id, the value decides.
 */
export function upsertOne(dml: Dml, o: ObjectDef, f: FieldDef, record: Record<string, unknown>, ctx: WriteContext): { id: string; created: boolean } {
  const key = Object.keys(record).find((k) => k.toLowerCase() === f.name.toLowerCase());
  const raw = key ? record[key] : undefined;
  if (raw === undefined || raw === null || raw === '') {
    if (f.name === 'Id') return { id: insertRecord(dml, o, record, ctx).Id, created: true };
    throw new RecordError(400, 'MISSING_ARGUMENT', `${f.name} not specified`, []);
  }
  const value = String(raw);
  if (f.name === 'Id' && !normalizeId(value)) throw new RecordError(400, 'MALFORMED_ID', `${o.name} ID: id value of incorrect type: ${value}`, ['Id']);
  const matches = matchExternal(dml.store, o, f, value);
  if (matches.length > 1) throw new RecordError(300, 'DUPLICATE_EXTERNAL_ID', `${f.label}: more than one record found for external id field: [${matches.map((m) => m.Id).join(', ')}]`, [f.name]);
  if (matches.length === 1) {
    const rest = { ...record };
    if (key && f.name === 'Id') delete rest[key];
    updateRecord(dml, o, matches[0], rest, ctx);
    return { id: matches[0].Id, created: false };
  }
  if (f.name === 'Id') throw new RecordError(404, 'ENTITY_IS_DELETED', 'entity is deleted', []);
  return { id: insertRecord(dml, o, record, ctx).Id, created: true };
}
