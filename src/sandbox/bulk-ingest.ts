/**
 * Bulk API 2.0 ingest jobs: `POST /jobs/ingest` (insert, update, upsert, delete), `PUT
 * /jobs/ingest/{id}/batches` (CSV), `PATCH {state: UploadComplete | Aborted}`, `GET` (job info),
 * `GET .../successfulResults/`, `.../failedResults/`, `.../unprocessedrecords/`, `DELETE`.
 * Rows go through the same DML and validation as REST; errors are reported per row as
 * `sf__Error` = `CODE:message:fields --`. Rows are processed when the upload completes; the job then
 * reports InProgress once and JobComplete after, so pollers see a real transition.
 */
import { parse } from 'csv-parse/sync';
import { csvCell, DELIMITERS } from './bulk.ts';
import { deleteRecord, findForWrite, insertRecord, updateRecord } from './dml.ts';
import { notFound } from './errors.ts';
import { makeId } from './ids.ts';
import { SalesforceError, type FieldDef, type ObjectDef } from './interfaces.ts';
import type { RestRequest, RestResponse } from './rest.ts';
import type { SandboxState } from './state.ts';
import { externalIdField, upsertOne } from './upsert.ts';
import { sfDateTime, type WriteContext } from './validate.ts';

const OPERATIONS = ['insert', 'update', 'upsert', 'delete'] as const;
type Operation = (typeof OPERATIONS)[number];

interface Row {
  values: string[];
  id?: string;
  created?: boolean;
  error?: string;
}

interface IngestJob {
  info: Record<string, unknown>;
  object: ObjectDef;
  operation: Operation;
  extId?: FieldDef;
  delimiter: string;
  lineEnding: string;
  csv: string[];
  columns: string[];
  rows: Row[];
  processed: number;
  checks: number;
}

const jobs = new WeakMap<SandboxState, { seq: number; all: Map<string, IngestJob> }>();
function jobsOf(state: SandboxState) {
  let j = jobs.get(state);
  if (!j) jobs.set(state, (j = { seq: 0, all: new Map() }));
  return j;
}

const invalid = (message: string) => new SalesforceError(400, 'INVALIDJOB', message);
const badState = (message: string) => new SalesforceError(409, 'INVALIDJOBSTATE', message);

function errorText(e: unknown): string {
  if (!(e instanceof SalesforceError)) throw e;
  return `${e.errorCode}:${e.message}:${e.fields.join(',')} --`;
}

function createJob(state: SandboxState, req: RestRequest): RestResponse {
  const b = (req.body ?? {}) as Record<string, unknown>;
  const operation = b.operation as Operation;
  if (b.operation === 'hardDelete') throw invalid('hardDelete requires the "Bulk API Hard Delete" permission, which the API user does not have');
  if (!OPERATIONS.includes(operation)) throw invalid(`Invalid operation: ${String(b.operation)}; expected one of ${OPERATIONS.join(', ')}`);
  if (typeof b.object !== 'string') throw invalid('object is required');
  const object = state.store.describe(b.object);
  if (!object) throw invalid(`sObject type '${b.object}' is not supported.`);
  if (!object.createable && operation !== 'delete') throw invalid(`Entity '${object.name}' is not supported by the Bulk API for ${operation}`);
  if (b.contentType !== undefined && b.contentType !== 'CSV') throw invalid(`Invalid contentType: ${String(b.contentType)}; only CSV is supported`);
  const delimiter = DELIMITERS[String(b.columnDelimiter ?? 'COMMA')];
  if (!delimiter) throw invalid(`Invalid column delimiter: ${String(b.columnDelimiter)}`);
  if (b.lineEnding !== undefined && b.lineEnding !== 'LF' && b.lineEnding !== 'CRLF') throw invalid(`Invalid line ending: ${String(b.lineEnding)}`);
  let extId: FieldDef | undefined;
  if (operation === 'upsert') {
    if (typeof b.externalIdFieldName !== 'string') throw invalid('externalIdFieldName is required for upsert');
    extId = externalIdField(object, b.externalIdFieldName);
    if (!extId) throw invalid(`The field ${b.externalIdFieldName} is not an external id field of ${object.name}`);
  }
  const j = jobsOf(state);
  const id = makeId('750', '5g', 500_000 + ++j.seq);
  const now = sfDateTime(new Date());
  const info: Record<string, unknown> = {
    id,
    operation,
    object: object.name,
    createdById: req.userId,
    createdDate: now,
    systemModstamp: now,
    state: 'Open',
    externalIdFieldName: extId?.name ?? null,
    concurrencyMode: 'Parallel',
    contentType: 'CSV',
    apiVersion: Number(req.version),
    contentUrl: `services/data/v${req.version}/jobs/ingest/${id}/batches`,
    lineEnding: b.lineEnding ?? 'LF',
    columnDelimiter: b.columnDelimiter ?? 'COMMA',
  };
  if (typeof b.assignmentRuleId === 'string') info.assignmentRuleId = b.assignmentRuleId;
  j.all.set(id, { info, object, operation, extId, delimiter, lineEnding: info.lineEnding === 'CRLF' ? '\r\n' : '\n', csv: [], columns: [], rows: [], processed: 0, checks: 0 });
  return { status: 200, body: info };
}

/** Parses the uploaded CSV and runs every row as the API user. A bad header fails the whole job. */
function processJob(state: SandboxState, job: IngestJob, req: RestRequest): void {
  let table: string[][];
  try {
    table = job.csv.flatMap((text) => parse(text, { delimiter: job.delimiter, relax_column_count: false, skip_empty_lines: true, bom: true }) as string[][]);
  } catch (e) {
    job.info.state = 'Failed';
    job.info.errorMessage = `InvalidBatch : Failed to parse CSV: ${(e as Error).message}`;
    return;
  }
  // Each upload starts with its header row; the first one names the columns.
  const header = table[0] ?? [];
  job.columns = header;
  const data = table.filter((row, i) => i === 0 || row.join('\u0000') !== header.join('\u0000'));
  data.shift();
  job.rows = data.map((values) => ({ values }));
  for (const name of header) {
    const f = job.object.fields.get(name.toLowerCase());
    if (!f) {
      job.info.state = 'Failed';
      job.info.errorMessage = `InvalidBatch : Field name not found : ${name}`;
      return;
    }
  }
  const ctx: WriteContext = { userId: req.userId, now: new Date(), allowDuplicates: false, autoAssign: typeof job.info.assignmentRuleId === 'string' };
  const dml = state.dml(req.version);
  const idCol = header.findIndex((h) => h.toLowerCase() === 'id');
  for (const row of job.rows) {
    // An empty cell leaves the field alone; #N/A sets it to null.
    const record: Record<string, unknown> = {};
    header.forEach((h, i) => {
      const v = row.values[i];
      if (v === undefined || v === '') return;
      record[job.object.fields.get(h.toLowerCase())!.name] = v === '#N/A' ? null : v;
    });
    try {
      switch (job.operation) {
        case 'insert': {
          row.id = insertRecord(dml, job.object, record, ctx).Id;
          row.created = true;
          break;
        }
        case 'update':
        case 'delete': {
          const raw = idCol >= 0 ? row.values[idCol] : undefined;
          if (!raw) throw new SalesforceError(400, 'MISSING_ARGUMENT', 'Id not specified in an update call', []);
          const { o, rec } = findForWrite(dml, job.object, raw);
          row.id = rec.Id;
          if (job.operation === 'update') updateRecord(dml, o, rec, record, ctx);
          else deleteRecord(dml, o, rec, ctx);
          row.created = false;
          break;
        }
        case 'upsert': {
          const done = upsertOne(dml, job.object, job.extId!, record, ctx);
          row.id = done.id;
          row.created = done.created;
          break;
        }
      }
    } catch (e) {
      row.error = errorText(e);
    }
    job.processed++;
  }
  job.info.state = 'InProgress';
}

function resultCsv(job: IngestJob, leading: string[], rows: Row[], lead: (r: Row) => unknown[]): RestResponse {
  const d = job.delimiter;
  const lines = [[...leading, ...job.columns].map(csvCell).join(d)];
  for (const r of rows) lines.push([...lead(r), ...r.values].map(csvCell).join(d));
  return { status: 200, body: lines.join(job.lineEnding) + job.lineEnding, headers: { 'content-type': 'text/csv' } };
}

export function handleIngest(state: SandboxState, req: RestRequest, parts: string[]): RestResponse {
  const j = jobsOf(state);
  if (parts.length === 0) {
    if (req.method === 'POST') return createJob(state, req);
    if (req.method === 'GET') return { status: 200, body: { done: true, records: [...j.all.values()].map((x) => x.info), nextRecordsUrl: null } };
    throw new SalesforceError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET,POST`);
  }
  const job = j.all.get(parts[0]);
  if (!job) throw notFound();
  const sub = parts[1];
  if (parts.length === 1) {
    switch (req.method) {
      case 'GET': {
        job.checks++;
        if (job.info.state === 'InProgress' && job.checks > 1) job.info.state = 'JobComplete';
        const failed = job.rows.filter((r) => r.error).length;
        return { status: 200, body: { ...job.info, jobType: 'V2Ingest', numberRecordsProcessed: job.processed, numberRecordsFailed: failed, retries: 0, totalProcessingTime: job.processed, apiActiveProcessingTime: job.processed, apexProcessingTime: 0, isPkChunkingSupported: false } };
      }
      case 'PATCH': {
        const to = (req.body as { state?: unknown } | undefined)?.state;
        if (to === 'UploadComplete') {
          if (job.info.state !== 'Open') throw badState(`Job state is ${String(job.info.state)}; only an Open job can be set to UploadComplete`);
          job.info.state = 'UploadComplete';
          const answer = { ...job.info };
          job.checks = 0;
          processJob(state, job, req);
          return { status: 200, body: answer };
        }
        if (to === 'Aborted') {
          if (job.info.state === 'JobComplete' || job.info.state === 'Failed') throw badState(`Job state is ${String(job.info.state)}; it cannot be aborted`);
          job.info.state = 'Aborted';
          return { status: 200, body: job.info };
        }
        throw new SalesforceError(400, 'INVALIDJOBSTATE', `Invalid state: ${String(to)}; expected UploadComplete or Aborted`);
      }
      case 'DELETE':
        if (job.info.state === 'Open' || job.info.state === 'UploadComplete' || job.info.state === 'InProgress') throw badState(`Job state is ${String(job.info.state)}; only a finished or aborted job can be deleted`);
        j.all.delete(parts[0]);
        return { status: 204 };
      default:
        throw new SalesforceError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET,PATCH,DELETE`);
    }
  }
  if (parts.length === 2 && sub === 'batches' && req.method === 'PUT') {
    if (job.info.state !== 'Open') throw badState(`Job state is ${String(job.info.state)}; data can be uploaded only to an Open job`);
    if (typeof req.body !== 'string' || req.body.trim() === '') throw new SalesforceError(400, 'INVALIDJOB', 'The request body must be CSV data (Content-Type: text/csv)');
    job.csv.push(req.body);
    return { status: 201 };
  }
  if (parts.length === 2 && req.method === 'GET') {
    switch (sub) {
      case 'successfulResults':
        return resultCsv(job, ['sf__Id', 'sf__Created'], job.rows.filter((r) => r.id && !r.error), (r) => [r.id, String(r.created === true)]);
      case 'failedResults':
        return resultCsv(job, ['sf__Id', 'sf__Error'], job.rows.filter((r) => r.error), (r) => [r.id ?? '', r.error]);
      case 'unprocessedrecords': {
        // Rows of an aborted or failed job never ran.
        const unprocessed = job.info.state === 'Aborted' || job.info.state === 'Failed' || job.info.state === 'Open' ? unprocessedRows(job) : [];
        return resultCsv(job, [], unprocessed, () => []);
      }
    }
  }
  throw notFound();
}

/** The uploaded rows of a job that never processed them (header from the first upload). */
function unprocessedRows(job: IngestJob): Row[] {
  if (job.rows.length) return job.rows.filter((r) => !r.id && !r.error);
  const table = job.csv.flatMap((text) => {
    try {
      return parse(text, { delimiter: job.delimiter, skip_empty_lines: true, bom: true }) as string[][];
    } catch {
      return [];
    }
  });
  job.columns = table[0] ?? [];
  return table.slice(1).filter((r) => r.join('\u0000') !== job.columns.join('\u0000')).map((values) => ({ values }));
}
