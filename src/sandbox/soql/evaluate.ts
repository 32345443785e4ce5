/**
 * WHERE conditions bound to the schema: type-checked literals, record predicates with Salesforce's
 * semantics (case-insensitive text, '' = null, date literals as ranges) and index-backed candidates.
 */
import type { FieldType, ObjectDef, QueryableStore, SRecord } from '../interfaces.ts';
import { queryError } from './errors.ts';
import { normalizeId } from '../ids.ts';
import { dateLiteralRange, LiteralError, parseDate, parseDateTimeLiteral, storedTime } from './literals.ts';
import type { TimeRange } from './literals.ts';
import { readPath, resolvePath } from './fields.ts';
import type { ResolvedPath } from './fields.ts';
import type { Condition, Literal, WhereNode } from './parse.ts';

/** How values of a field type compare. */
export type Kind = 'text' | 'id' | 'bool' | 'num' | 'date' | 'datetime';

export function kindOf(type: FieldType): Kind {
  switch (type) {
    case 'id':
    case 'reference':
      return 'id';
    case 'boolean':
      return 'bool';
    case 'double':
    case 'currency':
    case 'percent':
    case 'int':
      return 'num';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    default:
      return 'text';
  }
}

/** Type names as Salesforce's filter errors spell them. */
const SOAP_TYPE: Record<Kind, string> = { text: 'string', id: 'id', bool: 'boolean', num: 'double', date: 'date', datetime: 'dateTime' };

type Scalar = string | number | boolean | null;

/** A stored value in comparable form: text lower-cased and '' as null, times as epoch ms. */
export function normalize(kind: Kind, v: unknown): Scalar {
  if (v === undefined || v === null) return kind === 'bool' ? false : null;
  switch (kind) {
    case 'text': {
      const s = String(v);
      return s === '' ? null : s.toLowerCase();
    }
    case 'id': {
      const s = String(v);
      return s === '' ? null : s.length === 15 ? (normalizeId(s) ?? s) : s;
    }
    case 'bool':
      return v === true || v === 'true';
    case 'num': {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isNaN(n) ? null : n;
    }
    case 'date':
    case 'datetime':
      return storedTime(v);
  }
}

export interface Bound {
  test(rec: SRecord): boolean;
  /** Records that can match, found through indexes; undefined when the condition needs a scan. */
  candidates(): SRecord[] | undefined;
}

interface BindContext {
  soql: string;
  store: QueryableStore;
  root: ObjectDef;
  now: Date;
}

export function bindWhere(node: WhereNode, ctx: BindContext): Bound {
  switch (node.kind) {
    case 'and': {
      const parts = node.children.map((c) => bindWhere(c, ctx));
      return {
        test: (r) => parts.every((p) => p.test(r)),
        candidates: () => {
          // Any indexable conjunct bounds the result; use the smallest.
          let best: SRecord[] | undefined;
          for (const p of parts) {
            const c = p.candidates();
            if (c && (!best || c.length < best.length)) best = c;
            if (best && best.length === 0) break;
          }
          return best;
        },
      };
    }
    case 'or': {
      const parts = node.children.map((c) => bindWhere(c, ctx));
      return {
        test: (r) => parts.some((p) => p.test(r)),
        candidates: () => {
          // A disjunction is indexable only if every branch is; then it is the union.
          const seen = new Map<string, SRecord>();
          for (const p of parts) {
            const c = p.candidates();
            if (!c) return undefined;
            for (const r of c) seen.set(r.Id, r);
          }
          return [...seen.values()];
        },
      };
    }
    case 'not': {
      const inner = bindWhere(node.child, ctx);
      return { test: (r) => !inner.test(r), candidates: () => undefined };
    }
    case 'cond':
      return bindCondition(node, ctx);
  }
}

type Bound1 = Scalar | TimeRange;
const isRange = (v: Bound1): v is TimeRange => typeof v === 'object' && v !== null;

function bindCondition(c: Condition, ctx: BindContext): Bound {
  const { soql, store, root } = ctx;
  const path = resolvePath(soql, store, root, c.path);
  const kind = kindOf(path.field.type);
  const fieldErr = (msg: string) => queryError('INVALID_FIELD', soql, msg, c.path);
  const opErr = () =>
    queryError('INVALID_QUERY_FILTER_OPERATOR', soql, `invalid operator on ${SOAP_TYPE[kind]} field`, c.path);
  if ((path.field.type === 'textarea' && path.field.length > 255) || path.field.type === 'address') {
    throw fieldErr(`field '${path.field.name}' can not be filtered in a query call`);
  }
  if ((c.operator === 'LIKE' || c.operator === 'INCLUDES' || c.operator === 'EXCLUDES') && kind !== 'text') throw opErr();

  const values = c.values.map((lit) => bindLiteral(lit, kind, path, ctx, c));
  const get = fastGetter(store, path);
  const norm = (r: SRecord) => normalize(kind, get(r));

  let test: (r: SRecord) => boolean;
  switch (c.operator) {
    case '=':
    case '!=': {
      const v = values[0]!;
      const eq = isRange(v)
        ? (r: SRecord) => {
            const x = norm(r) as number | null;
            return x !== null && x >= v.start && x < v.end;
          }
        : (r: SRecord) => norm(r) === v;
      test = c.operator === '=' ? eq : (r) => !eq(r);
      break;
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const v = values[0]!;
      const op = c.operator;
      if (kind === 'bool') throw opErr();
      // Against a date literal's range: < before it starts, <= before it ends, > after it ends, >= from its start.
      const bound = isRange(v) ? (op === '<' || op === '>=' ? v.start : v.end) : v;
      const strict = isRange(v) ? op === '<' || op === '<=' : op === '<' || op === '>';
      const below = op === '<' || op === '<=';
      test = (r) => {
        const x = norm(r);
        if (x === null || bound === null) return false;
        // Same-kind values after normalize: numbers (num, date, datetime) or lower-cased strings.
        const a = x as number;
        const b = bound as number;
        if (isRange(v)) return below ? a < b : a >= b;
        if (below) return strict ? a < b : a <= b;
        return strict ? a > b : a >= b;
      };
      break;
    }
    case 'LIKE': {
      const re = c.like;
      if (!re) throw fieldErr(`value of filter criterion for field '${c.path}' must be of type string and should be enclosed in quotes`);
      test = (r) => {
        const x = get(r);
        return x !== null && x !== undefined && x !== '' && re.test(String(x));
      };
      break;
    }
    case 'IN':
    case 'NOT IN': {
      const set = new Set<Scalar>();
      const ranges: TimeRange[] = [];
      for (const v of values) {
        if (isRange(v)) ranges.push(v);
        else set.add(v);
      }
      const inList = (r: SRecord) => {
        const x = norm(r);
        if (set.has(x)) return true;
        return x !== null && ranges.some((g) => (x as number) >= g.start && (x as number) < g.end);
      };
      test = c.operator === 'IN' ? inList : (r) => !inList(r);
      break;
    }
    case 'INCLUDES':
    case 'EXCLUDES': {
      // Multi-select values are ';'-separated; 'a;b' in the list means "both a and b".
      const wanted = values.map((v) => String(v ?? '').split(';').map((s) => s.trim()).filter(Boolean));
      const includes = (r: SRecord) => {
        const x = get(r);
        if (x === null || x === undefined || x === '') return false;
        const have = new Set(String(x).toLowerCase().split(';').map((s) => s.trim()));
        return wanted.some((all) => all.length > 0 && all.every((w) => have.has(w)));
      };
      test = c.operator === 'INCLUDES' ? includes : (r) => !includes(r);
      break;
    }
    default:
      throw queryError('MALFORMED_QUERY', soql, `unexpected token: '${String(c.operator)}'`);
  }

  const candidates = (): SRecord[] | undefined => {
    if (path.steps.length > 0 || (c.operator !== '=' && c.operator !== 'IN')) return undefined;
    if (kind !== 'text' && kind !== 'id') return undefined;
    const keys: string[] = [];
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      // Nulls are not in indexes.
      if (typeof v !== 'string') return undefined;
      keys.push(kind === 'text' ? c.values[k]!.text! : v);
    }
    const found = new Map<string, SRecord>();
    if (path.field.name === 'Id') {
      for (const id of keys) {
        const r = store.get(id);
        if (r && store.objectForId(r.Id)?.name === root.name) found.set(r.Id, r);
      }
      return [...found.values()];
    }
    for (const key of keys) {
      const hits = store.lookup(root.name, path.field.name, key);
      if (!hits) return undefined;
      for (const r of hits) found.set(r.Id, r);
    }
    return [...found.values()];
  };
  return { test, candidates };
}

/** Reads a path; direct fields skip the relationship walk (the hot path for 10k-record scans). */
export function fastGetter(store: QueryableStore, path: ResolvedPath): (r: SRecord) => unknown {
  if (path.steps.length === 0) {
    const name = path.field.name;
    if (name === 'IsDeleted') return (r) => r.IsDeleted === true;
    return (r) => r[name];
  }
  return (r) => readPath(store, r, path);
}

function bindLiteral(lit: Literal, kind: Kind, path: ResolvedPath, ctx: BindContext, c: Condition): Bound1 {
  const { soql } = ctx;
  const quoted = kind === 'text' || kind === 'id';
  const mismatch = () =>
    queryError(
      'INVALID_FIELD',
      soql,
      `value of filter criterion for field '${c.path}' must be of type ${SOAP_TYPE[kind]} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
      c.path,
    );
  if (lit.type === 'NULL') return null;
  switch (kind) {
    case 'text':
      if (lit.type !== 'STRING') throw mismatch();
      return lit.text === '' ? null : lit.text!.toLowerCase();
    case 'id': {
      if (lit.type !== 'STRING') throw mismatch();
      if (lit.text === '') return null;
      const id = normalizeId(lit.text!);
      // What Salesforce answers for `Id = 'xyz'` (errorCode INVALID_QUERY_FILTER_OPERATOR).
      if (!id) throw queryError('INVALID_QUERY_FILTER_OPERATOR', soql, `invalid ID field: ${lit.text}`, lit.raw);
      return id;
    }
    case 'bool':
      if (lit.type !== 'BOOLEAN') throw mismatch();
      return lit.raw.toUpperCase() === 'TRUE';
    case 'num':
      if (lit.type !== 'INTEGER' && lit.type !== 'DECIMAL') throw mismatch();
      return Number(lit.raw);
    case 'date':
    case 'datetime': {
      if (lit.type === 'DATE_LITERAL' || lit.type === 'DATE_N_LITERAL') {
        try {
          return dateLiteralRange(lit.raw.split(':')[0]!, lit.n, ctx.now);
        } catch (err) {
          if (err instanceof LiteralError) throw queryError('MALFORMED_QUERY', soql, `unexpected token: '${lit.raw}'`, lit.raw);
          throw err;
        }
      }
      const want = kind === 'date' ? 'DATE' : 'DATETIME';
      if (lit.type !== want) throw mismatch();
      const ms = kind === 'date' ? parseDate(lit.raw) : parseDateTimeLiteral(lit.raw);
      if (ms === undefined) throw mismatch();
      return ms;
    }
  }
}
