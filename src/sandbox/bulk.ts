/**
 * Bulk API 2.0 query jobs: `POST /jobs/query`, `GET /jobs/query[/{id}]`, `GET .../results` (CSV pages
 * with `Sforce-Locator` — the string "null" on the last page — and `Sforce-NumberOfRecords`),
 * `PATCH` (abort) and `DELETE`. The query runs when the job is created (errors surface as a 400 then);
 * the job reports `UploadComplete` once and `JobComplete` after, so pollers see a real transition.
 */
import { parseQuery, type FieldType as ParsedField } from '@jetstreamapp/soql-parser-js';
import { notFound } from './errors.ts';
import { makeId } from './ids.ts';
import { SalesforceError } from './interfaces.ts';
import type { RestRequest, RestResponse } from './rest.ts';
import { executeSoql } from './soql/index.ts';
import type { SandboxState } from './state.ts';
import { sfDateTime } from './validate.ts';

interface Job {
  info: Record<string, unknown>;
  columns: string[];
  records: Array<Record<string, unknown>>;
  checks: number;
  delimiter: string;
  lineEnding: string;
}

export const DELIMITERS: Record<string, string> = { COMMA: ',', TAB: '\t', PIPE: '|', SEMICOLON: ';', CARET: '^', BACKQUOTE: '`' };
/** Results page size when the client does not pass maxRecords. */
const DEFAULT_PAGE = 50_000;
const jobs = new WeakMap<SandboxState, { seq: number; all: Map<string, Job> }>();

function jobsOf(state: SandboxState) {
  let j = jobs.get(state);
  if (!j) jobs.set(state, (j = { seq: 0, all: new Map() }));
  return j;
}

/** Column names as Bulk 2.0 writes them: select order, relationship paths dotted (`Owner.Name`). */
function columnsOf(soql: string, sample: Record<string, unknown> | undefined): string[] {
  try {
    const q = parseQuery(soql);
    const cols: string[] = [];
    for (const f of (q.fields ?? []) as ParsedField[]) {
      if (f.type === 'Field') cols.push(f.field);
      else if (f.type === 'FieldRelationship') cols.push(f.rawValue ?? [...f.relationships, f.field].join('.'));
    }
    if (cols.length) return canonicalColumns(cols, sample);
  } catch {
    // The engine already accepted the query; fall back to the first record's shape.
  }
  return sample ? flattenKeys(sample) : [];
}

/** Uses the engine's canonical casing when a record is at hand (`owner.name` → `Owner.Name`). */
function canonicalColumns(cols: string[], sample: Record<string, unknown> | undefined): string[] {
  if (!sample) return cols;
  const keys = flattenKeys(sample);
  const byLower = new Map(keys.map((k) => [k.toLowerCase(), k]));
  return cols.map((c) => {
    // Drop a FROM alias prefix (`l.Email`) the way the engine does.
    const exact = byLower.get(c.toLowerCase());
    if (exact) return exact;
    const tail = c.split('.').slice(1).join('.');
    return byLower.get(tail.toLowerCase()) ?? c;
  });
}

function flattenKeys(r: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(r)) {
    if (k === 'attributes') continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...flattenKeys(v as Record<string, unknown>, `${prefix}${k}.`));
    else out.push(prefix + k);
  }
  return out;
}

function valueAt(r: Record<string, unknown>, path: string): unknown {
  let cur: unknown = r;
  for (const p of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  return `"${String(v).replace(/"/g, '""')}"`;
}

export function handleBulk(state: SandboxState, req: RestRequest, parts: string[]): RestResponse {
  const j = jobsOf(state);
  if (parts.length === 0) {
    if (req.method === 'GET') return { status: 200, body: { done: true, records: [...j.all.values()].map((x) => x.info), nextRecordsUrl: null } };
    if (req.method === 'POST') return createJob(state, req);
    throw new SalesforceError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET,POST`);
  }
  const job = j.all.get(parts[0]);
  if (!job) throw notFound();
  if (parts.length === 1) {
    if (req.method === 'GET') {
      job.checks++;
      if (job.info.state === 'UploadComplete' && job.checks > 1) job.info.state = 'JobComplete';
      return { status: 200, body: { ...job.info, numberRecordsProcessed: job.info.state === 'JobComplete' ? job.records.length : 0, retries: 0, totalProcessingTime: 1 } };
    }
    if (req.method === 'PATCH') {
      const state2 = (req.body as { state?: string } | undefined)?.state;
      if (state2 !== 'Aborted') throw new SalesforceError(400, 'INVALIDJOBSTATE', `Invalid state: ${String(state2)}`);
      job.info.state = 'Aborted';
      return { status: 200, body: job.info };
    }
    if (req.method === 'DELETE') {
      j.all.delete(parts[0]);
      return { status: 204 };
    }
  }
  if (parts.length === 2 && parts[1] === 'results' && req.method === 'GET') {
    if (job.info.state === 'UploadComplete') job.info.state = 'JobComplete';
    if (job.info.state !== 'JobComplete') throw new SalesforceError(400, 'INVALIDJOBSTATE', `Job state is ${String(job.info.state)}; results are available once it is JobComplete`);
    const offset = req.query.locator ? Number(Buffer.from(req.query.locator, 'base64url').toString()) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw new SalesforceError(400, 'INVALID_LOCATOR', 'invalid locator');
    const max = req.query.maxRecords ? Math.max(1, Number(req.query.maxRecords)) : DEFAULT_PAGE;
    const end = Math.min(offset + max, job.records.length);
    const d = job.delimiter;
    const lines = [job.columns.map(csvCell).join(d)];
    for (let i = offset; i < end; i++) lines.push(job.columns.map((c) => csvCell(valueAt(job.records[i], c))).join(d));
    const csv = lines.join(job.lineEnding) + job.lineEnding;
    return {
      status: 200,
      body: csv,
      headers: {
        'content-type': 'text/csv',
        'Sforce-Locator': end >= job.records.length ? 'null' : Buffer.from(String(end)).toString('base64url'),
        'Sforce-NumberOfRecords': String(end - offset),
      },
    };
  }
  throw notFound();
}

function createJob(state: SandboxState, req: RestRequest): RestResponse {
  const body = (req.body ?? {}) as { operation?: string; query?: string; columnDelimiter?: string; lineEnding?: string; contentType?: string };
  if (body.operation !== 'query' && body.operation !== 'queryAll') throw new SalesforceError(400, 'INVALIDJOB', `Invalid operation: ${String(body.operation)}; expected query or queryAll`);
  if (!body.query) throw new SalesforceError(400, 'INVALIDJOB', 'A query is required');
  // Parent-to-child subqueries ("aggregate relationships") and aggregate functions have no CSV form.
  if (/\bcount\s*\(\s*\)/i.test(body.query) || /\(\s*select\b/i.test(body.query)) throw new SalesforceError(400, 'API_ERROR', 'Aggregate Relationships and aggregate functions are not supported in Bulk API 2.0 queries');
  const delimiter = DELIMITERS[body.columnDelimiter ?? 'COMMA'];
  if (!delimiter) throw new SalesforceError(400, 'INVALIDJOB', `Invalid column delimiter: ${String(body.columnDelimiter)}`);
  const result = executeSoql(body.query, state.store, { includeDeleted: body.operation === 'queryAll', apiVersion: req.version });
  const j = jobsOf(state);
  const object = /\bfrom\s+([A-Za-z0-9_]+)/i.exec(body.query)?.[1] ?? '';
  const columns = columnsOf(body.query, result.records[0]);
  const root = state.store.describe(object);
  // CSV has no place for a nested address: Bulk queries refuse compound fields.
  if (root && columns.some((c) => root.fields.get(c.toLowerCase())?.type === 'address'))
    throw new SalesforceError(400, 'API_ERROR', 'Selecting compound data not supported in Bulk Query');
  const id = makeId('750', '5g', ++j.seq);
  const now = sfDateTime(new Date());
  const info = {
    id,
    operation: body.operation,
    object: state.store.describe(object)?.name ?? object,
    createdById: req.userId,
    createdDate: now,
    systemModstamp: now,
    state: 'UploadComplete',
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(req.version),
    lineEnding: body.lineEnding === 'CRLF' ? 'CRLF' : 'LF',
    columnDelimiter: body.columnDelimiter ?? 'COMMA',
  };
  j.all.set(id, {
    info,
    columns,
    records: result.records,
    checks: 0,
    delimiter,
    lineEnding: info.lineEnding === 'CRLF' ? '\r\n' : '\n',
  });
  return { status: 200, body: info };
}
