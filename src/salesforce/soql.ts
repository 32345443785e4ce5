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
    .replace(/\t/g, '\\t')
    // Line and paragraph separators end a line for many tokenizers: written as SOQL's \uXXXX escape.
    .replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  return `'${escaped}'`;
}

/** Longest query per request, URL-encoded: Salesforce refuses request URIs past 16,384 bytes. */
export const MAX_QUERY_CHARS = 12_000;

/**
 * Splits `values` into IN lists and returns one query per list: `build(list)` gets the literal list
 * `'a','b'` and returns the whole SOQL. Each query stays under `maxChars` where possible.
 */
export function inListQueries(values: readonly string[], build: (inList: string) => string, maxChars = MAX_QUERY_CHARS): string[] {
  const unique = [...new Set(values)];
  if (unique.length === 0) return [];
  const encoded = (text: string) => encodeURIComponent(text).length;
  const overhead = encoded(build(''));
  const queries: string[] = [];
  let current: string[] = [];
  let length = overhead;
  for (const value of unique) {
    const literal = soqlString(value);
    const size = encoded(literal) + 3; // the comma, encoded
    if (current.length > 0 && length + size > maxChars) {
      queries.push(build(current.join(',')));
      current = [];
      length = overhead;
    }
    current.push(literal);
    length += size;
  }
  queries.push(build(current.join(',')));
  return queries;
}
