/**
 * The sandbox's SOQL engine: parses a query (cached), binds it to the store's schema, finds candidate
 * records through indexes when the WHERE clause allows, filters, sorts, pages and shapes the result
 * as Salesforce's REST query JSON. Pagination into batches is the caller's job.
 */
import type { FieldDef, ObjectDef, QueryableStore, SRecord } from '../interfaces.ts';
import { queryError } from './errors.ts';
import { bindWhere } from './evaluate.ts';
import { resolvePath } from './fields.ts';
import { parseSoql } from './parse.ts';
import type { ParsedQuery, SubQuery } from './parse.ts';
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
    sobjectTypes: store.sobjectTypes ? () => store.sobjectTypes!() : undefined,
    get: (id) => {
      if (parents.has(id)) return parents.get(id);
      const r = store.get(id);
      parents.set(id, r);
      return r;
    },
  };
}

/** A query bound to the schema: resolved fields, sort keys, WHERE, and the record shaper. */
interface Plan {
  q: ParsedQuery;
  where?: ReturnType<typeof bindWhere>;
  sortKeys: Parameters<typeof sortRecords>[2];
  shape: (rec: SRecord, type: string) => Record<string, unknown>;
}

function plan(soql: string, store: QueryableStore, root: ObjectDef, q: ParsedQuery, opts: QueryOptions): Plan {
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
  return { q, where, sortKeys, shape: projector(store, fields, opts.apiVersion) };
}

/** Filters (deleted rows, WHERE), sorts and pages candidate records. */
function select(store: QueryableStore, source: Iterable<SRecord>, p: Plan, opts: QueryOptions): SRecord[] {
  let matches: SRecord[] = [];
  for (const rec of source) {
    if (!opts.includeDeleted && rec.IsDeleted === true) continue;
    if (p.where && !p.where.test(rec)) continue;
    matches.push(rec);
  }
  matches = sortRecords(store, matches, p.sortKeys);
  const offset = p.q.offset ?? 0;
  const end = p.q.limit === undefined ? undefined : offset + p.q.limit;
  if (offset > 0 || end !== undefined) matches = matches.slice(offset, end);
  return matches;
}

/**
 * A parent-to-child subquery bound to the child type found through the relationship name: each
 * parent gets `{totalSize, done, records}` of its children, or null when it has none.
 */
function bindSubquery(soql: string, store: QueryableStore, root: ObjectDef, sq: SubQuery, opts: QueryOptions) {
  let child: ObjectDef | undefined;
  let via: FieldDef | undefined;
  for (const o of store.sobjectTypes?.() ?? []) {
    for (const f of o.fields.values()) {
      if (f.childRelationshipName?.toLowerCase() === sq.relationship.toLowerCase() && f.referenceTo?.includes(root.name)) {
        child = o;
        via = f;
      }
    }
  }
  if (!child || !via) {
    throw queryError(
      'INVALID_TYPE',
      soql,
      `Didn't understand relationship '${sq.relationship}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      sq.relationship,
    );
  }
  const childType = child;
  const idField = via.name;
  const p = plan(sq.query.soql, store, childType, sq.query, opts);
  // Children grouped by parent once per query, on first use.
  let groups: Map<string, SRecord[]> | undefined;
  return {
    name: via.childRelationshipName!,
    value(parent: SRecord): Record<string, unknown> | null {
      if (!groups) {
        groups = new Map();
        for (const r of store.scan(childType.name)) {
          const pid = r[idField];
          if (typeof pid !== 'string') continue;
          const list = groups.get(pid);
          if (list) list.push(r);
          else groups.set(pid, [r]);
        }
      }
      const kids = select(store, groups.get(parent.Id) ?? [], p, opts);
      return kids.length ? { totalSize: kids.length, done: true, records: kids.map((k) => p.shape(k, childType.name)) } : null;
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
  const p = plan(soql, store, root, q, opts);
  const subs = q.subqueries.map((sq) => bindSubquery(soql, store, root, sq, opts));
  const matches = select(store, p.where?.candidates() ?? store.scan(root.name), p, opts);
  if (q.count) return { totalSize: matches.length, records: [] };
  const records = matches.map((r) => {
    const out = p.shape(r, root.name);
    for (const s of subs) out[s.name] = s.value(r);
    return out;
  });
  return { totalSize: matches.length, records };
}
