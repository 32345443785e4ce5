/**
 * Pull Rule filters (api-v1.md, "Pull Rules"): what follows WHERE, parsed with the SOQL parser and
 * accepted only when it is one condition expression on the object's own fields. The query a run
 * sends is composed from the parsed condition (the parser's composer), never by pasting the text, so
 * a filter can never escape its WHERE clause. PURE: no I/O — describe's field names are passed in.
 */
import { Compose, parseQuery, type Query, type WhereClause } from '@jetstreamapp/soql-parser-js';

export type FilterCheck = { ok: true; where: WhereClause; text: string } | { ok: false; reason: string };

/** Longest filter accepted (Salesforce's whole SOQL statement may be 100,000 characters). */
export const MAX_FILTER_LENGTH = 20_000;

const CLAUSES: Record<string, string> = {
  limit: 'LIMIT',
  offset: 'OFFSET',
  orderBy: 'ORDER BY',
  groupBy: 'GROUP BY',
  having: 'HAVING',
  for: 'FOR VIEW/REFERENCE/UPDATE',
  update: 'UPDATE TRACKING/VIEWSTAT',
  withSecurityEnforced: 'WITH SECURITY_ENFORCED',
  withAccessLevel: 'WITH USER_MODE/SYSTEM_MODE',
  withDataCategory: 'WITH DATA CATEGORY',
  usingScope: 'USING SCOPE',
};

/** Text outside string literals: where `;` and comments would be statement syntax, not data. */
function outsideLiterals(text: string): string {
  return text.replace(/'(?:\\.|[^'\\])*'?/gs, "''");
}

/**
 * Checks a filter for `object` against describe's field names (any case; undefined when describe is
 * unavailable: fields are then checked by the run). Returns the parsed condition and its composed
 * text, or the reason in words.
 */
export function checkFilter(filter: string, object: string, fieldNames: Iterable<string> | undefined): FilterCheck {
  const fail = (reason: string): FilterCheck => ({ ok: false, reason });
  if (filter.trim() === '') return fail('the filter is empty: write a SOQL condition such as LeadSource = \'Web\'');
  if (filter.length > MAX_FILTER_LENGTH) return fail(`the filter is longer than ${MAX_FILTER_LENGTH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(filter)) return fail('the filter contains control characters');
  const bare = outsideLiterals(filter);
  if (bare.includes(';')) return fail('the filter contains ";": it must be one condition, not a second statement');
  if (/--|\/\*|\*\/|\/\//.test(bare)) return fail('the filter contains a comment; SOQL has none');
  let query: Query;
  try {
    query = parseQuery(`SELECT Id FROM ${object} WHERE ${filter}`);
  } catch (error) {
    return fail(`the filter is not a SOQL condition: ${firstLine((error as Error).message)}`);
  }
  const clause = Object.keys(query).find((k) => k in CLAUSES && (query as unknown as Record<string, unknown>)[k] !== undefined);
  if (clause) return fail(`${CLAUSES[clause]} is not allowed: the filter is only the condition that follows WHERE`);
  if (query.sObject !== object || query.fields?.length !== 1 || query.sObjectAlias || !query.where) return fail('the filter must be one condition on the object\'s fields');
  const known = fieldNames ? new Map([...fieldNames].map((f) => [f.toLowerCase(), f])) : undefined;
  const problem = conditionProblem(query.where, object, known);
  if (problem) return fail(problem);
  const text = composeWhere(query.where);
  // The composed text must read back as exactly what was checked (nothing the composer dropped or added).
  try {
    const again = parseQuery(`SELECT Id FROM ${object} WHERE ${text}`);
    if (JSON.stringify(again.where) !== JSON.stringify(query.where) || Object.keys(again).some((k) => k in CLAUSES)) return fail('the filter could not be read back unchanged');
  } catch {
    return fail('the filter could not be read back unchanged');
  }
  return { ok: true, where: query.where, text };
}

function firstLine(message: string): string {
  return message.split('\n')[0].slice(0, 200);
}

/** The first thing in a WHERE tree that is not a plain condition on one of the object's fields. */
function conditionProblem(where: WhereClause | undefined, object: string, known: ReadonlyMap<string, string> | undefined): string | undefined {
  if (!where) return undefined;
  const left = where.left as Record<string, unknown> | null;
  if (left && !('field' in left) && !('fn' in left) && !('openParen' in left && Object.keys(left).length === 1)) return 'the filter has an expression SOQL does not allow here';
  if (left && 'valueQuery' in left) return 'subqueries are not allowed in a pull filter';
  if (left && 'fn' in left) return 'functions are not allowed in a pull filter: compare fields with literal values';
  if (left && 'field' in left) {
    const field = String(left.field);
    if (field.includes('.')) return `${field}: only ${object}'s own fields can be used, not related objects' fields`;
    if (known && !known.has(field.toLowerCase())) return `${object} has no field ${field}`;
    const types = ([] as unknown[]).concat(left.literalType ?? []);
    if (types.includes('APEX_BIND_VARIABLE')) return 'bind variables (:name) are not allowed; use a literal value';
    if (types.includes('SUBQUERY')) return 'subqueries are not allowed in a pull filter';
  }
  return 'right' in where ? conditionProblem(where.right, object, known) : undefined;
}

/** The condition's text as the parser's composer writes it. */
export function composeWhere(where: WhereClause): string {
  return new Compose({ fields: [], sObject: '' } as unknown as Query, { autoCompose: false }).parseWhereOrHavingClause(where);
}

/**
 * The run's query: the checked condition in parentheses, the pull's own conditions ANDed after it,
 * ordered by SystemModstamp then Id (the order the watermark relies on). `select` and `and` come from
 * LeadSync, never from the filter.
 */
export function pullQuery(select: readonly string[], object: string, filter: Extract<FilterCheck, { ok: true }>, and: readonly string[]): string {
  return `SELECT ${select.join(', ')} FROM ${object} WHERE (${filter.text})${and.map((c) => ` AND ${c}`).join('')} ORDER BY SystemModstamp ASC, Id ASC`;
}

/** `SELECT COUNT()` of the same selection (the run's `total`). */
export function pullCountQuery(object: string, filter: Extract<FilterCheck, { ok: true }>, and: readonly string[]): string {
  return `SELECT COUNT() FROM ${object} WHERE (${filter.text})${and.map((c) => ` AND ${c}`).join('')}`;
}

/** A SOQL datetime literal for a watermark (ISO-8601, UTC). */
export function soqlDateTime(iso: string): string {
  return new Date(iso).toISOString();
}
