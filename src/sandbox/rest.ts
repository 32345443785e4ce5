/**
 * The REST API under `/services/data/vXX.X`: records, sObject Collections, Composite, describe,
 * limits. One synchronous dispatcher serves both HTTP requests and Composite subrequests.
 */
import { handleBulk } from './bulk.ts';
import { handleIngest } from './bulk-ingest.ts';
import { deleteRecord, findForWrite, insertRecord, objectOrThrow, updateRecord } from './dml.ts';
import { RecordError, RequestError, errorBody, notFound } from './errors.ts';
import { faultError, lockMessage } from './faults.ts';
import { normalizeId } from './ids.ts';
import { SalesforceError, type FieldDef, type ObjectDef, type SRecord } from './interfaces.ts';
import { handleQuery } from './query.ts';
import { getDeleted, getUpdated } from './replication.ts';
import { byExternalId, externalIdField, noExternalField, upsertOne } from './upsert.ts';
import { compoundValue, describeObject, describeObjectSummary } from './schema.ts';
import type { SandboxState } from './state.ts';
import type { Kind } from './stats.ts';
import type { WriteContext } from './validate.ts';

export const MIN_VERSION = 50;
export const MAX_VERSION = 64;
const RELEASES = ['Winter', 'Spring', 'Summer'];

export interface RestRequest {
  method: string;
  /** Path after `/services/data/vXX.X`, e.g. `/sobjects/Lead/00Q...`. */
  path: string;
  query: Record<string, string | undefined>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  version: string;
  userId: string;
  /** A fault to apply inside the handler (collections answer UNABLE_TO_LOCK_ROW per record). */
  fault?: 'UNABLE_TO_LOCK_ROW';
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** `GET /services/data`: every supported version, as Salesforce lists them. */
export function versions(): Array<{ label: string; url: string; version: string }> {
  const out = [];
  for (let v = MIN_VERSION; v <= MAX_VERSION; v++) {
    // v50.0 is Winter '21; three releases a year.
    const i = v - MIN_VERSION;
    const year = 21 + Math.floor(i / 3);
    out.push({ label: `${RELEASES[i % 3]} '${year}`, url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return out;
}

/** The stats bucket a REST path counts in. */
export function kindOf(path: string): Kind {
  if (/^\/(query|queryAll)(\/|$)/.test(path)) return 'query';
  if (path.startsWith('/composite/sobjects')) return 'collections';
  if (path.startsWith('/composite')) return 'composite';
  if (path.startsWith('/jobs/')) return 'bulk';
  if (/^\/sobjects\/[^/]+\/[^/]+/.test(path) && !/\/describe\/?$/.test(path)) return 'sobject';
  if (/^\/sobjects\/[^/]+\/?$/.test(path)) return 'sobject';
  return 'describe';
}

function header(req: RestRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function writeContext(state: SandboxState, req: RestRequest): WriteContext {
  const dup = header(req, 'sforce-duplicate-rule-header') ?? '';
  // Sforce-Auto-Assign: TRUE (the default when absent), FALSE (not case-sensitive), or a rule id (read as TRUE).
  const assign = (header(req, 'sforce-auto-assign') ?? '').trim().toLowerCase();
  return { userId: req.userId, now: new Date(), allowDuplicates: /allowSave\s*=\s*true/i.test(dup), autoAssign: assign !== 'false' };
}

export function recordUrl(version: string, type: string, id: string): string {
  return `/services/data/v${version}/sobjects/${type}/${id}`;
}

/** A stored record as REST returns it: `attributes` first, then fields in describe order. */
export function toJson(o: ObjectDef, r: SRecord, version: string, fields?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: o.name, url: recordUrl(version, o.name, r.Id) } };
  const value = (f: FieldDef) => (f.components ? compoundValue(r, f.components) : (r[f.name] ?? null));
  if (fields) {
    for (const f of fields) out[f] = value(o.fields.get(f.toLowerCase())!);
  } else {
    for (const f of o.fields.values()) out[f.name] = value(f);
  }
  return out;
}

function saveError(e: unknown): Record<string, unknown> {
  if (e instanceof RecordError) return e.toSaveError();
  if (e instanceof SalesforceError) return { statusCode: e.errorCode, message: e.message, fields: e.fields };
  throw e;
}

const ROLLED_BACK = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

export function dispatch(state: SandboxState, req: RestRequest): RestResponse {
  const { method, path } = req;
  const parts = path.split('/').filter(Boolean);
  const [head] = parts;
  if (!head) {
    if (method !== 'GET') throw methodNotAllowed(method);
    return { status: 200, body: { ...resources(req.version), identity: state.idUrl(req.userId) } };
  }
  switch (head) {
    case 'limits':
      return { status: 200, body: limits(state) };
    case 'sobjects':
      return sobjects(state, req, parts.slice(1));
    case 'composite':
      if (parts[1] === 'sobjects') return collections(state, req, parts.slice(2));
      if (parts.length === 1 && method === 'POST') return composite(state, req);
      throw notFound();
    case 'query':
    case 'queryAll':
      return handleQuery(state, req, head === 'queryAll', parts[1]);
    case 'jobs':
      if (parts[1] === 'query') return handleBulk(state, req, parts.slice(2));
      if (parts[1] === 'ingest') return handleIngest(state, req, parts.slice(2));
      throw notFound();
    default:
      throw notFound();
  }
}

function methodNotAllowed(method: string): SalesforceError {
  return new SalesforceError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET`);
}

function resources(version: string): Record<string, string> {
  const b = `/services/data/v${version}`;
  return {
    sobjects: `${b}/sobjects`,
    query: `${b}/query`,
    queryAll: `${b}/queryAll`,
    composite: `${b}/composite`,
    limits: `${b}/limits`,
    jobs: `${b}/jobs`,
  };
}

function limits(state: SandboxState): Record<string, { Max: number; Remaining: number }> {
  const l = state.limits;
  const stores = { Max: 1024, Remaining: 1024 };
  return {
    DailyApiRequests: { Max: l.max, Remaining: Math.max(0, l.max - l.used) },
    DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
    DailyBulkV2QueryFileStorageMB: { Max: 976562, Remaining: 976562 },
    DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 - state.stats.byKind.bulk },
    DataStorageMB: stores,
    FileStorageMB: stores,
  };
}

function sobjects(state: SandboxState, req: RestRequest, parts: string[]): RestResponse {
  const { store } = state;
  const v = req.version;
  if (parts.length === 0) {
    if (req.method !== 'GET') throw methodNotAllowed(req.method);
    return { status: 200, body: { encoding: 'UTF-8', maxBatchSize: 200, sobjects: [...store.schema.values()].map((o) => describeObjectSummary(o, v)) } };
  }
  const o = objectOrThrow(store, parts[0]);
  if (parts.length === 1) {
    if (req.method === 'GET') return { status: 200, body: { objectDescribe: describeObjectSummary(o, v), recentItems: [] } };
    if (req.method === 'POST') {
      const body = recordBody(req.body);
      const rec = insertRecord(state.dml(v), o, body, writeContext(state, req));
      return { status: 201, body: { id: rec.Id, success: true, errors: [] }, headers: { Location: recordUrl(v, o.name, rec.Id) } };
    }
    throw methodNotAllowed(req.method);
  }
  if (parts[1] === 'describe' && parts.length === 2) {
    if (req.method !== 'GET') throw methodNotAllowed(req.method);
    return { status: 200, body: describeObject(o, v, store.schema.values()) };
  }
  if (parts.length === 2 && (parts[1] === 'updated' || parts[1] === 'deleted')) {
    if (req.method !== 'GET') throw methodNotAllowed(req.method);
    return { status: 200, body: parts[1] === 'updated' ? getUpdated(store, o, req.query) : getDeleted(store, o, req.query) };
  }
  // POST /sobjects/{T}/Id: an upsert on Id with a null value, i.e. a create.
  if (parts.length === 2 && parts[1].toLowerCase() === 'id' && req.method === 'POST') {
    const rec = insertRecord(state.dml(v), o, recordBody(req.body), writeContext(state, req));
    return { status: 201, body: { id: rec.Id, success: true, errors: [], created: true }, headers: { Location: recordUrl(v, o.name, rec.Id) } };
  }
  if (parts.length === 3) {
    const f = externalIdField(o, parts[1]);
    if (!f) throw ['describe', 'updated', 'deleted'].includes(parts[1]) ? notFound() : noExternalField(parts[1]);
    const fields = req.query.fields ? req.query.fields.split(',').map((x) => fieldName(o, x.trim())) : undefined;
    return byExternalId(state.dml(v), o, f, decodeURIComponent(parts[2]), { method: req.method, body: req.body, updateOnly: req.query.updateOnly === 'true' }, writeContext(state, req), (r) => toJson(o, r, v, fields));
  }
  if (parts.length !== 2) throw notFound();
  const rawId = decodeURIComponent(parts[1]);
  const id = normalizeId(rawId);
  // A path segment that is not an id is read as an external id value, which these objects lack.
  if (!id) throw new SalesforceError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${rawId}`);
  if (store.objectForId(id) !== o) throw new SalesforceError(400, 'MALFORMED_ID', `${o.name} ID: id value of incorrect type: ${rawId}`, ['Id']);
  const rec = store.get(id);
  if (!rec) throw notFound();
  if (rec.IsDeleted === true) throw new SalesforceError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  const ctx = writeContext(state, req);
  switch (req.method) {
    case 'GET': {
      const fields = req.query.fields ? req.query.fields.split(',').map((f) => fieldName(o, f.trim())) : undefined;
      return { status: 200, body: toJson(o, rec, v, fields) };
    }
    case 'PATCH':
      if (req.fault === 'UNABLE_TO_LOCK_ROW') throw faultError('UNABLE_TO_LOCK_ROW', [rec.Id]);
      updateRecord(state.dml(v), o, rec, recordBody(req.body), ctx);
      return { status: 204 };
    case 'DELETE':
      if (req.fault === 'UNABLE_TO_LOCK_ROW') throw faultError('UNABLE_TO_LOCK_ROW', [rec.Id]);
      deleteRecord(state.dml(v), o, rec, ctx);
      return { status: 204 };
    default:
      throw methodNotAllowed(req.method);
  }
}

function fieldName(o: ObjectDef, name: string): string {
  const f = o.fields.get(name.toLowerCase());
  if (!f)
    throw new SalesforceError(
      400,
      'INVALID_FIELD',
      `No such column '${name}' on entity '${o.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  return f.name;
}

function recordBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new RequestError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}

const MAX_COLLECTION = 200;
const tooMany = () => new SalesforceError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');

/** `/composite/sobjects`: up to 200 records, results in input order, optional allOrNone rollback. */
function collections(state: SandboxState, req: RestRequest, rest: string[]): RestResponse {
  const v = req.version;
  const dml = state.dml(v);
  const ctx = writeContext(state, req);
  // Retrieve: GET with ?ids=&fields=, or POST {ids, fields} for id lists too long for a URL.
  if (rest.length === 1 && (req.method === 'GET' || req.method === 'POST')) {
    const o = objectOrThrow(state.store, rest[0]);
    const b = (req.method === 'POST' ? req.body : undefined) as { ids?: unknown; fields?: unknown } | undefined;
    const ids = Array.isArray(b?.ids) ? b.ids.map(String) : (req.query.ids ?? '').split(',').filter(Boolean);
    const rawFields = Array.isArray(b?.fields) ? b.fields.map(String) : (req.query.fields ?? '').split(',').filter(Boolean);
    if (ids.length > 2000) throw tooMany();
    const fields = rawFields.map((f) => fieldName(o, f.trim()));
    const body = ids.map((raw) => {
      const id = normalizeId(raw);
      const rec = id ? state.store.get(id) : undefined;
      return rec && rec.IsDeleted !== true && state.store.objectForId(rec.Id) === o ? toJson(o, rec, v, fields.length ? fields : undefined) : null;
    });
    return { status: 200, body };
  }
  let items: Array<{ run: () => string | { id: string; created: boolean } }>;
  let allOrNone: boolean;
  let lockIds: Array<string | null>;
  if (req.method === 'DELETE') {
    const ids = (req.query.ids ?? '').split(',').filter(Boolean);
    if (ids.length > MAX_COLLECTION) throw tooMany();
    allOrNone = req.query.allOrNone === 'true';
    lockIds = ids.map((i) => normalizeId(i) ?? i);
    items = ids.map((raw) => ({
      run: () => {
        const { o, rec } = findForWrite(dml, undefined, raw);
        deleteRecord(dml, o, rec, ctx);
        return rec.Id;
      },
    }));
  } else if (req.method === 'POST' || req.method === 'PATCH') {
    // PATCH /composite/sobjects/{T}/{Field}: upsert by Id or an external id, every record of type T.
    const upsertType = req.method === 'PATCH' && rest.length === 2 ? objectOrThrow(state.store, rest[0], true) : undefined;
    const upsertField = upsertType ? externalIdField(upsertType, rest[1]) : undefined;
    if (upsertType && !upsertField) throw noExternalField(rest[1]);
    if (rest.length > 0 && !upsertType) throw notFound();
    const body = req.body as { allOrNone?: unknown; records?: unknown } | undefined;
    if (!body || !Array.isArray(body.records)) throw new RequestError(400, 'JSON_PARSER_ERROR', 'The request body must have a records array');
    const records = body.records as Array<Record<string, unknown>>;
    if (records.length > MAX_COLLECTION) throw tooMany();
    allOrNone = body.allOrNone === true || body.allOrNone === 'true';
    // Types and field names are checked while the whole body is deserialized, before any record is saved.
    const resolved = records.map((r) => {
      if (!r || typeof r !== 'object') throw new RequestError(400, 'JSON_PARSER_ERROR', 'Each record must be a JSON object');
      const attrs = r.attributes as { type?: string } | undefined;
      const o = objectOrThrow(state.store, attrs?.type, true);
      if (upsertType && o !== upsertType) throw new RequestError(400, 'INVALID_TYPE', `The records must all be of type ${upsertType.name}, the type in the URL; found ${o.name}`);
      for (const k of Object.keys(r))
        if (k !== 'attributes' && !o.fields.has(k.toLowerCase())) throw new RequestError(400, 'INVALID_FIELD', `No such column '${k}' on sobject of type ${o.name}`);
      return { o, r };
    });
    lockIds = records.map((r) => (typeof (r.Id ?? r.id) === 'string' ? (normalizeId(String(r.Id ?? r.id)) ?? null) : null));
    items = resolved.map(({ o, r }) => ({
      run: () => {
        if (upsertType && upsertField) return upsertOne(dml, o, upsertField, r, ctx);
        if (req.method === 'POST') {
          // Objects of several types in one call are processed in chunks; at most 10 chunks.
          return insertRecord(dml, o, r, ctx).Id;
        }
        const rawId = r.Id ?? r.id;
        if (rawId === undefined || rawId === null) throw new RecordError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', []);
        const found = findForWrite(dml, o, rawId);
        updateRecord(dml, found.o, found.rec, r, ctx);
        return found.rec.Id;
      },
    }));
    if (req.method === 'POST') {
      let chunks = 0;
      for (let i = 0; i < resolved.length; i++) if (i === 0 || resolved[i].o !== resolved[i - 1].o) chunks++;
      if (chunks > 10) throw new SalesforceError(400, 'INVALID_BATCH_REQUEST', 'Your request contains more than 10 different object types. Reorder the request so it has no more than 10 chunks.');
    }
  } else {
    throw methodNotAllowed(req.method);
  }

  if (req.fault === 'UNABLE_TO_LOCK_ROW') {
    // Salesforce reports lock contention in collections per record, inside a 200 response; nothing is saved.
    return {
      status: 200,
      body: lockIds.map((id) => ({
        ...(req.method === 'POST' ? {} : { id }),
        success: false,
        errors: [{ statusCode: 'UNABLE_TO_LOCK_ROW', message: lockMessage(id ? [id] : []), fields: [] }],
      })),
    };
  }

  const results = state.store.transaction((rollback) => {
    const out: Array<Record<string, unknown>> = items.map((item, i) => {
      try {
        const done = item.run();
        if (typeof done === 'string') return { id: done, success: true, errors: [] as unknown[] };
        return { id: done.id, success: true, errors: [] as unknown[], created: done.created };
      } catch (e) {
        const id = req.method === 'POST' ? undefined : lockIds[i];
        return { ...(id ? { id } : {}), success: false, errors: [saveError(e)] };
      }
    });
    if (allOrNone && out.some((r) => !r.success)) {
      rollback();
      return out.map((r, i) => (r.success ? { ...(req.method === 'POST' ? {} : { id: lockIds[i] ?? r.id }), success: false, errors: [ROLLED_BACK] } : r));
    }
    return out;
  });
  return { status: 200, body: results };
}

const MAX_SUBREQUESTS = 25;
const HALTED = 'The transaction was rolled back since another operation in the same transaction failed.';

interface SubRequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

/** Replaces `@{ref.path}` with values from earlier subresponses. Returns the unresolved reference, if any. */
function resolveRefs(value: unknown, results: Map<string, unknown>, missing: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/@\{([^}]+)\}/g, (whole, expr: string) => {
      // `ref.a.b[0].c` or `ref[0].id` (a collection's results are an array).
      const ref = /^[A-Za-z0-9_]+/.exec(expr)?.[0] ?? '';
      const base = results.get(ref);
      let cur: unknown = base;
      for (const p of expr.slice(ref.length).split(/\.|\[(\d+)\]/).filter((x) => x !== undefined && x !== '')) {
        cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
      }
      if (base === undefined || cur === undefined || cur === null) {
        missing.push(expr);
        return whole;
      }
      return String(cur);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, results, missing));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, results, missing)]));
  return value;
}

/** `POST /composite`: up to 25 subrequests in order, `@{ref.field}` references, optional allOrNone. */
function composite(state: SandboxState, req: RestRequest): RestResponse {
  const body = req.body as { allOrNone?: boolean; compositeRequest?: SubRequest[] } | undefined;
  const subs = body?.compositeRequest;
  if (!Array.isArray(subs)) throw new RequestError(400, 'JSON_PARSER_ERROR', 'The request body must have a compositeRequest array');
  if (subs.length > MAX_SUBREQUESTS) throw new SalesforceError(400, 'INVALID_REQUEST', `Limit Exceeded: you can have at most ${MAX_SUBREQUESTS} subrequests in a composite request.`);
  const seen = new Set<string>();
  let heavy = 0;
  for (const s of subs) {
    // Reference ids may contain only letters, numbers and underscores.
    if (!s.referenceId || !/^[A-Za-z0-9_]+$/.test(s.referenceId) || seen.has(s.referenceId))
      throw new SalesforceError(400, 'INVALID_INPUT', `Duplicate or invalid referenceId: ${String(s.referenceId)}`);
    seen.add(s.referenceId);
    if (/\/(query|queryAll)(\/|\?|$)|\/composite\/sobjects/.test(s.url ?? '')) heavy++;
  }
  // At most 5 of the 25 may be queries or sObject Collections.
  if (heavy > 5) throw new SalesforceError(400, 'INVALID_REQUEST', 'Limit Exceeded: you can have at most 5 query or sObject Collections subrequests in a composite request.');
  const allOrNone = body?.allOrNone === true;
  const results = new Map<string, unknown>();
  const keep = new Set<string>();
  return state.store.transaction((rollback) => {
    const responses: Array<Record<string, unknown>> = [];
    let failed = false;
    for (const s of subs) {
      if (failed && allOrNone) {
        responses.push({ body: [{ errorCode: 'PROCESSING_HALTED', message: HALTED }], httpHeaders: {}, httpStatusCode: 400, referenceId: s.referenceId });
        continue;
      }
      const missing: string[] = [];
      const url = resolveRefs(s.url, results, missing) as string;
      const subBody = resolveRefs(s.body, results, missing);
      if (missing.length) {
        failed = true;
        const ref = /^[A-Za-z0-9_]*/.exec(missing[0])![0];
        responses.push({
          body: [{ errorCode: 'PROCESSING_HALTED', message: `Invalid reference specified. No value for ${missing[0]} found in ${ref}. Provided referenceId ('${ref}') must be declared in a previous request.` }],
          httpHeaders: {},
          httpStatusCode: 400,
          referenceId: s.referenceId,
        });
        continue;
      }
      const m = /^\/services\/data\/v(\d+\.\d)(\/[^?]*)?(?:\?(.*))?$/.exec(url);
      let res: RestResponse;
      try {
        if (!m) throw notFound();
        const query = Object.fromEntries(new URLSearchParams(m[3] ?? ''));
        const headers = { ...req.headers, ...Object.fromEntries(Object.entries(s.httpHeaders ?? {}).map(([k, v]) => [k.toLowerCase(), v])) };
        const subPath = m[2] ?? '';
        // An all-or-none composite makes its collections all-or-none too.
        const collection = subPath.startsWith('/composite/sobjects');
        const body2 = allOrNone && collection && subBody && typeof subBody === 'object' ? { ...(subBody as object), allOrNone: true } : subBody;
        const query2 = allOrNone && collection && s.method.toUpperCase() === 'DELETE' ? { ...query, allOrNone: 'true' } : query;
        res = dispatch(state, { ...req, method: s.method.toUpperCase(), path: subPath, query: query2, body: body2, headers, version: m[1], fault: undefined });
        if (allOrNone && collection && Array.isArray(res.body) && res.body.some((r) => r && (r as { success?: boolean }).success === false)) {
          failed = true;
          // Its own per-record results already say what failed and what was rolled back.
          keep.add(s.referenceId);
        }
      } catch (e) {
        if (!(e instanceof SalesforceError)) throw e;
        res = { status: e.status, body: errorBody(e) };
      }
      if (res.status >= 400) failed = true;
      else results.set(s.referenceId, res.body ?? {});
      responses.push({ body: res.body ?? null, httpHeaders: res.headers ?? {}, httpStatusCode: res.status, referenceId: s.referenceId });
    }
    if (failed && allOrNone) {
      rollback();
      for (const r of responses) {
        if ((r.httpStatusCode as number) < 400 && !keep.has(r.referenceId as string)) Object.assign(r, { body: [{ errorCode: 'PROCESSING_HALTED', message: HALTED }], httpHeaders: {}, httpStatusCode: 400 });
      }
    }
    return { status: 200, body: { compositeResponse: responses } };
  });
}
