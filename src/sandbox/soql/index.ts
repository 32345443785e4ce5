/**
 * The sandbox's SOQL engine: parses a query (cached), binds it to the store's schema, finds candidate
 * records through indexes when the WHERE clause allows, filters, sorts, pages and shapes the result
 * as Salesforce's REST query JSON. Pagination into batches is the caller's job.
 */
import type { QueryableStore, SRecord } from '../interfaces.ts';
import { queryError } from './errors.ts';
import { bindWhere } from './evaluate.ts';
import { resolvePath } from './fields.ts';
import { parseSoql } from './parse.ts';
import type { ParsedQuery } from './parse.ts';
import { projector, sortRecords } from './project.ts';

export interface QueryOptions {
  includeDeleted: boolean;
  apiVersion: string;
  now?: Date;
}

export interface QueryResult {
  totalSize: number;
  records: Array<Record<string, unknown>>;
}

/** Parsed queries by SOQL text; the product sends the same shapes of query over and over. */
const CACHE_SIZE = 500;
const cache = new Map<string, ParsedQuery>();

function parseCached(soql: string): ParsedQuery {
  const hit = cache.get(soql);
  if (hit) {
    // Re-insert so Map order is least-recently-used first.
    cache.delete(soql);
    cache.set(soql, hit);
    return hit;
  }
  const parsed = parseSoql(soql);
  cache.set(soql, parsed);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return parsed;
}

/** For tests: how many parsed queries are cached. */
export function parsedQueryCacheSize(): number {
  return cache.size;
}

/**
 * The store seen through a per-query memo of `get`: relationship fields read the same few parents
 * (owners, accounts) once per record, and a query sees one consistent state anyway.
 */
function memoized(store: QueryableStore): QueryableStore {
  const parents = new Map<string, SRecord | undefined>();
  return {
    describe: (name) => store.describe(name),
    objectForId: (id) => store.objectForId(id),
    scan: (name) => store.scan(name),
    lookup: (name, field, value) => store.lookup(name, field, value),
    get: (id) => {
      if (parents.has(id)) return parents.get(id);
      const r = store.get(id);
      parents.set(id, r);
      return r;
    },
  };
}

export function executeSoql(soql: string, backing: QueryableStore, opts: QueryOptions): QueryResult {
  const store = memoized(backing);
  const q = parseCached(soql);
  const root = store.describe(q.sObject);
  if (!root || !root.queryable) {
    throw queryError(
      'INVALID_TYPE',
      soql,
      `sObject type '${q.sObject}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      q.sObject,
    );
  }
  // Binding is per call (cheap): custom fields come and go, so the schema may differ between calls.
  const fields = q.fields.map((f) => resolvePath(soql, store, root, f));
  const seen = new Set<string>();
  for (const f of fields) {
    const key = f.path.toLowerCase();
    if (seen.has(key)) throw queryError('MALFORMED_QUERY', soql, `duplicate field selected: ${f.path}`, f.path);
    seen.add(key);
  }
  const sortKeys = q.orderBy.map((o) => {
    const path = resolvePath(soql, store, root, o.path);
    if ((path.field.type === 'textarea' && path.field.length > 255) || path.field.type === 'address') {
      throw queryError('INVALID_FIELD', soql, `field '${path.field.name}' can not be sorted in a query call`, o.path);
    }
    return { path, desc: o.desc, nullsFirst: o.nullsFirst };
  });
  const where = q.where ? bindWhere(q.where, { soql, store, root, now: opts.now ?? new Date() }) : undefined;

  const source: Iterable<SRecord> = where?.candidates() ?? store.scan(root.name);
  let matches: SRecord[] = [];
  for (const rec of source) {
    if (!opts.includeDeleted && rec.IsDeleted === true) continue;
    if (where && !where.test(rec)) continue;
    matches.push(rec);
  }
  matches = sortRecords(store, matches, sortKeys);
  const offset = q.offset ?? 0;
  const end = q.limit === undefined ? undefined : offset + q.limit;
  if (offset > 0 || end !== undefined) matches = matches.slice(offset, end);

  if (q.count) return { totalSize: matches.length, records: [] };
  const shape = projector(store, fields, opts.apiVersion);
  return { totalSize: matches.length, records: matches.map((r) => shape(r, root.name)) };
}
