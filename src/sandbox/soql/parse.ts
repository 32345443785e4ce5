/**
 * SOQL text → a syntax-level plan (no schema yet), using @jetstreamapp/soql-parser-js.
 * The parser's WHERE clause is a right-leaning chain with parenthesis counts on its conditions; this
 * module rebuilds the real boolean tree and rejects what Salesforce rejects (mixing AND and OR
 * without parentheses) or what the sandbox does not implement (aggregates, subqueries, functions).
 */
import { composeQuery, parseQuery } from '@jetstreamapp/soql-parser-js';
import type { Query, WhereClause, FieldType as AstField, OrderByClause, LiteralType } from '@jetstreamapp/soql-parser-js';
import type { SalesforceError } from '../interfaces.ts';
import { malformed, queryError } from './errors.ts';
import { decodeString, LiteralError, likeRegExp } from './literals.ts';

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'IN' | 'NOT IN' | 'INCLUDES' | 'EXCLUDES';

export interface Literal {
  type: LiteralType;
  /** The literal as written (`'a\'b'`, `2026-01-01`, `TRUE`, `LAST_N_DAYS:30`). */
  raw: string;
  /** Decoded value of a STRING literal. */
  text?: string;
  /** For DATE_N_LITERAL: the n. */
  n?: number;
}

export interface Condition {
  kind: 'cond';
  /** Field path as written, without the FROM alias (`Owner.Email`). */
  path: string;
  operator: Operator;
  values: Literal[];
  /** IN / NOT IN / INCLUDES / EXCLUDES take a list. */
  list: boolean;
  /** LIKE's compiled pattern (only when operator is LIKE and the value a string). */
  like?: RegExp;
}

export type WhereNode =
  | Condition
  | { kind: 'and' | 'or'; children: WhereNode[] }
  | { kind: 'not'; child: WhereNode };

export interface OrderItem {
  path: string;
  desc: boolean;
  nullsFirst: boolean;
}

/** A parent-to-child subquery: `(SELECT ... FROM Contacts ...)`; its `query.sObject` is the relationship name. */
export interface SubQuery {
  relationship: string;
  query: ParsedQuery;
}

export interface ParsedQuery {
  soql: string;
  sObject: string;
  count: boolean;
  fields: string[];
  subqueries: SubQuery[];
  where?: WhereNode;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

const unsupported = (soql: string, what: string, near?: string): SalesforceError =>
  malformed(soql, `${what} is not supported by the LeadSync sandbox's SOQL engine`, near);

/** Turns the parser library's error into Salesforce's "unexpected token" wording. */
function syntaxError(soql: string, err: unknown): SalesforceError {
  const msg = err instanceof Error ? err.message : String(err);
  const found = /but found:? -*>? ?'([^']*)'/.exec(msg);
  if (found) {
    const token = found[1] === '' ? '<EOF>' : found[1]!;
    return malformed(soql, `unexpected token: '${token}'`, token === '<EOF>' ? undefined : token);
  }
  const char = /unexpected character: ->(.)<- at offset: (\d+)/.exec(msg);
  if (char) {
    const offset = Number(char[2]);
    if (char[1] === "'") {
      return malformed(soql, `line 1:${offset} mismatched character '<EOF>' expecting '''`);
    }
    return malformed(soql, `line 1:${offset} no viable alternative at character '${char[1]}'`);
  }
  return malformed(soql, `unexpected token: ${msg.split('\n')[0]}`);
}

export function parseSoql(soql: string): ParsedQuery {
  if (soql.trim() === '') throw malformed(soql, "unexpected token: '<EOF>'");
  let q: Query;
  try {
    q = parseQuery(soql);
  } catch (err) {
    throw syntaxError(soql, err);
  }
  if (!q.sObject) throw malformed(soql, "unexpected token: '<EOF>'");
  if (q.groupBy) throw unsupported(soql, 'GROUP BY', 'GROUP');
  if (q.having) throw unsupported(soql, 'HAVING', 'HAVING');
  if (q.withDataCategory) throw unsupported(soql, 'WITH DATA CATEGORY', 'WITH');
  if (q.usingScope) throw unsupported(soql, 'USING SCOPE', 'USING');
  if (q.for === 'UPDATE') throw unsupported(soql, 'FOR UPDATE', 'FOR');
  const alias = q.sObjectAlias;
  const stripAlias = (path: string): string => {
    if (alias && path.toLowerCase().startsWith(alias.toLowerCase() + '.')) return path.slice(alias.length + 1);
    return path;
  };

  let count = false;
  const fields: string[] = [];
  const subqueries: SubQuery[] = [];
  const seen = new Set<string>();
  for (const f of q.fields ?? []) {
    if (f.type === 'FieldSubquery') {
      // The subquery on its own, FROM the relationship name; one level only, as in Salesforce.
      const text = composeQuery({ ...f.subquery, sObject: f.subquery.relationshipName } as Query);
      const inner = parseSoql(text);
      if (inner.subqueries.length) throw unsupported(soql, 'A subquery inside a subquery', 'SELECT');
      subqueries.push({ relationship: f.subquery.relationshipName, query: inner });
      continue;
    }
    const path = selectPath(soql, f, stripAlias);
    if (path === null) {
      count = true;
      continue;
    }
    const key = path.toLowerCase();
    if (seen.has(key)) throw malformed(soql, `duplicate field selected: ${path}`, path);
    seen.add(key);
    fields.push(path);
  }
  if (count && fields.length > 0) {
    // Salesforce rejects COUNT() next to other fields (COUNT() must be the only item).
    throw malformed(soql, `unexpected token: ','`, ',');
  }

  const orderBy: OrderItem[] = [];
  const ob: OrderByClause[] = q.orderBy === undefined ? [] : Array.isArray(q.orderBy) ? q.orderBy : [q.orderBy];
  for (const o of ob) {
    if (!('field' in o)) throw unsupported(soql, 'ORDER BY on a function', 'ORDER');
    const desc = o.order === 'DESC';
    // Salesforce's defaults: ASC puts nulls first, DESC puts them last.
    const nullsFirst = o.nulls === undefined ? !desc : o.nulls === 'FIRST';
    orderBy.push({ path: stripAlias(o.field), desc, nullsFirst });
  }
  if (q.offset !== undefined && q.offset > 2000) {
    throw queryError('NUMBER_OUTSIDE_VALID_RANGE', soql, 'Maximum SOQL offset allowed is 2000', 'OFFSET');
  }
  const where = q.where ? buildWhere(soql, q.where, stripAlias) : undefined;
  return { soql, sObject: q.sObject, count, fields, subqueries, where, orderBy, limit: q.limit, offset: q.offset };
}

/** The select item's path, or null for COUNT(). */
function selectPath(soql: string, f: AstField, stripAlias: (p: string) => string): string | null {
  switch (f.type) {
    case 'Field':
    case 'FieldRelationship': {
      // The parser reads `SELECT Id Name FROM ...` as an alias; Salesforce only allows aliases in
      // aggregate queries, so the second identifier is an unexpected token.
      if ('alias' in f && f.alias && !('objectPrefix' in f)) throw malformed(soql, `unexpected token: '${f.alias}'`, f.alias);
      const raw = f.type === 'Field' ? f.field : (f.rawValue ?? [...f.relationships, f.field].join('.'));
      const path = 'objectPrefix' in f && f.objectPrefix ? raw.slice(raw.indexOf('.') + 1) : stripAlias(raw);
      return path.startsWith('.') ? path.slice(1) : path;
    }
    case 'FieldFunctionExpression':
      if (f.functionName.toUpperCase() === 'COUNT' && f.parameters.length === 0) return null;
      throw unsupported(soql, `${f.functionName}()`, f.functionName);
    case 'FieldTypeof':
      throw unsupported(soql, 'TYPEOF', 'TYPEOF');
  }
  throw unsupported(soql, 'This select item');
}

type Tok = { t: '(' } | { t: ')' } | { t: 'AND' } | { t: 'OR' } | { t: 'NOT' } | { t: 'cond'; c: Condition };

function buildWhere(soql: string, where: WhereClause, stripAlias: (p: string) => string): WhereNode {
  const toks: Tok[] = [];
  flatten(soql, where, toks, stripAlias);
  let i = 0;
  const peek = () => toks[i];
  const tokText = (t: Tok | undefined) => (t === undefined ? '<EOF>' : t.t === 'cond' ? t.c.path : t.t);
  const expr = (): WhereNode => {
    const first = unary();
    const children = [first];
    let op: 'AND' | 'OR' | undefined;
    for (let t = peek(); t && (t.t === 'AND' || t.t === 'OR'); t = peek()) {
      // SOQL has no precedence between AND and OR: mixing them needs parentheses.
      if (op && t.t !== op) throw malformed(soql, `unexpected token: '${t.t}'`, t.t);
      op = t.t;
      i++;
      children.push(unary());
    }
    return op ? { kind: op === 'AND' ? 'and' : 'or', children } : first;
  };
  const unary = (): WhereNode => {
    const t = toks[i++];
    if (!t) throw malformed(soql, "unexpected token: '<EOF>'");
    if (t.t === 'NOT') return { kind: 'not', child: unary() };
    if (t.t === '(') {
      const e = expr();
      const close = toks[i++];
      if (!close || close.t !== ')') throw malformed(soql, `unexpected token: '${tokText(close)}'`);
      return e;
    }
    if (t.t === 'cond') return t.c;
    throw malformed(soql, `unexpected token: '${tokText(t)}'`, tokText(t));
  };
  const tree = expr();
  if (i < toks.length) throw malformed(soql, `unexpected token: '${tokText(toks[i])}'`, tokText(toks[i]));
  return tree;
}

function flatten(soql: string, w: WhereClause, out: Tok[], stripAlias: (p: string) => string): void {
  const left = w.left as Record<string, unknown> | null;
  const op = 'operator' in w ? w.operator : undefined;
  const right = 'right' in w ? w.right : undefined;
  const opens = left && typeof left.openParen === 'number' ? left.openParen : 0;
  for (let k = 0; k < opens; k++) out.push({ t: '(' });
  if (left && ('field' in left || 'fn' in left)) {
    out.push({ t: 'cond', c: condition(soql, left, stripAlias) });
    const closes = typeof left.closeParen === 'number' ? left.closeParen : 0;
    for (let k = 0; k < closes; k++) out.push({ t: ')' });
  }
  if (op) out.push({ t: op });
  if (right) flatten(soql, right, out, stripAlias);
}

function condition(soql: string, c: Record<string, unknown>, stripAlias: (p: string) => string): Condition {
  if ('fn' in c) throw unsupported(soql, 'A function in WHERE');
  if ('valueQuery' in c) throw unsupported(soql, 'A semi-join subquery', 'SELECT');
  const path = stripAlias(String(c.field));
  // `<>` is SOQL's other spelling of `!=`.
  const written = String(c.operator).toUpperCase();
  const operator = (written === '<>' ? '!=' : written) as Operator;
  const list = operator === 'IN' || operator === 'NOT IN' || operator === 'INCLUDES' || operator === 'EXCLUDES';
  const rawValues = Array.isArray(c.value) ? (c.value as string[]) : [String(c.value)];
  const types = Array.isArray(c.literalType) ? (c.literalType as LiteralType[]) : rawValues.map(() => c.literalType as LiteralType);
  const ns = Array.isArray(c.dateLiteralVariable) ? (c.dateLiteralVariable as number[]) : rawValues.map(() => c.dateLiteralVariable as number | undefined);
  if (list !== Array.isArray(c.value)) {
    throw malformed(soql, `unexpected token: '${rawValues[0]}'`, rawValues[0]);
  }
  const values: Literal[] = rawValues.map((raw, k) => {
    const type = types[k] ?? 'STRING';
    if (type === 'APEX_BIND_VARIABLE') throw malformed(soql, `unexpected token: ':'`, ':');
    if (type.endsWith('_WITH_CURRENCY_PREFIX')) throw unsupported(soql, 'A currency-prefixed number', raw);
    const lit: Literal = { type, raw };
    if (type === 'STRING') {
      try {
        lit.text = decodeString(raw);
      } catch (err) {
        if (err instanceof LiteralError) throw malformed(soql, err.message, raw);
        throw err;
      }
    }
    if (type === 'DATE_N_LITERAL') lit.n = Number(ns[k] ?? raw.split(':')[1]);
    return lit;
  });
  const cond: Condition = { kind: 'cond', path, operator, values, list };
  if (operator === 'LIKE' && values[0]?.type === 'STRING') cond.like = likeRegExp(values[0].raw);
  return cond;
}
