/**
 * `/query`, `/queryAll` and `/query/{locator}`: runs the SOQL engine once and serves the result in
 * batches (2,000 by default, `Sforce-Query-Options: batchSize=n` between 200 and 2,000) through a
 * query locator, as Salesforce's cursor does.
 */
import { makeId } from './ids.ts';
import { SalesforceError } from './interfaces.ts';
import type { RestRequest, RestResponse } from './rest.ts';
import { executeSoql } from './soql/index.ts';
import type { SandboxState } from './state.ts';

interface Cursor {
  records: Array<Record<string, unknown>>;
  totalSize: number;
  batchSize: number;
}

const DEFAULT_BATCH = 2000;
/** Open cursors kept per sandbox; older ones expire, as Salesforce limits open query cursors. */
const MAX_CURSORS = 500;
const cursors = new WeakMap<SandboxState, { seq: number; open: Map<string, Cursor> }>();

function cursorsOf(state: SandboxState) {
  let c = cursors.get(state);
  if (!c) cursors.set(state, (c = { seq: 0, open: new Map() }));
  return c;
}

function batchSizeOf(req: RestRequest): number {
  const h = req.headers['sforce-query-options'];
  const m = /batchSize\s*=\s*(\d+)/i.exec(Array.isArray(h) ? h[0] : (h ?? ''));
  if (!m) return DEFAULT_BATCH;
  return Math.min(2000, Math.max(200, Number(m[1])));
}

function page(state: SandboxState, version: string, locator: string, cursor: Cursor, offset: number): RestResponse {
  const end = Math.min(offset + cursor.batchSize, cursor.records.length);
  const done = end >= cursor.records.length;
  const body: Record<string, unknown> = { totalSize: cursor.totalSize, done, records: cursor.records.slice(offset, end) };
  if (done) cursorsOf(state).open.delete(locator);
  else body.nextRecordsUrl = `/services/data/v${version}/query/${locator}-${end}`;
  return { status: 200, body };
}

export function handleQuery(state: SandboxState, req: RestRequest, includeDeleted: boolean, locatorPart: string | undefined): RestResponse {
  if (req.method !== 'GET') throw new SalesforceError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET,HEAD`);
  const c = cursorsOf(state);
  if (locatorPart) {
    const m = /^(.+)-(\d+)$/.exec(locatorPart);
    const cursor = m ? c.open.get(m[1]) : undefined;
    if (!m || !cursor) throw new SalesforceError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    return page(state, req.version, m[1], cursor, Number(m[2]));
  }
  const q = req.query.q;
  if (!q) throw new SalesforceError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  const result = executeSoql(q, state.store, { includeDeleted, apiVersion: req.version });
  const cursor: Cursor = { records: result.records, totalSize: result.totalSize, batchSize: batchSizeOf(req) };
  if (result.records.length <= cursor.batchSize) return { status: 200, body: { totalSize: result.totalSize, done: true, records: result.records } };
  const locator = makeId('01g', '5g', ++c.seq);
  c.open.set(locator, cursor);
  if (c.open.size > MAX_CURSORS) c.open.delete(c.open.keys().next().value!);
  return page(state, req.version, locator, cursor, 0);
}
