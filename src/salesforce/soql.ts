/**
 * Building SOQL safely: string literals escaped per SOQL's rules (backslash first, then the quote),
 * and IN lists split so that no query URL grows past what Salesforce and proxies accept.
 */

/** A SOQL string literal, quotes included. */
export function soqlString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `'${escaped}'`;
}

/** Longest query text (before URL encoding) per request: GET URLs past ~16 KB are refused. */
export const MAX_QUERY_CHARS = 6000;

/**
 * Splits `values` into IN lists and returns one query per list: `build(list)` gets the literal list
 * `'a','b'` and returns the whole SOQL. Each query stays under `maxChars` where possible.
 */
export function inListQueries(values: readonly string[], build: (inList: string) => string, maxChars = MAX_QUERY_CHARS): string[] {
  const unique = [...new Set(values)];
  if (unique.length === 0) return [];
  const overhead = build('').length;
  const queries: string[] = [];
  let current: string[] = [];
  let length = overhead;
  for (const value of unique) {
    const literal = soqlString(value);
    if (current.length > 0 && length + literal.length + 1 > maxChars) {
      queries.push(build(current.join(',')));
      current = [];
      length = overhead;
    }
    current.push(literal);
    length += literal.length + 1;
  }
  queries.push(build(current.join(',')));
  return queries;
}
