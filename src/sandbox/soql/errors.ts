import { SalesforceError } from '../interfaces.ts';

/**
 * Salesforce prefixes query errors with the offending line, a caret and "ERROR at Row:r:Column:c";
 * clients (and people reading logs) rely on that shape, so errors point at the token when we can find it.
 */
export function queryError(
  errorCode: string,
  soql: string,
  message: string,
  near?: string,
  status = 400,
): SalesforceError {
  const at = near === undefined ? -1 : locate(soql, near);
  if (at < 0) return new SalesforceError(status, errorCode, message);
  const before = soql.slice(0, at);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = soql.indexOf('\n', at);
  const line = soql.slice(lineStart, lineEnd < 0 ? soql.length : lineEnd);
  const column = at - lineStart + 1;
  const caret = ' '.repeat(column - 1) + '^';
  return new SalesforceError(status, errorCode, `\n${line}\n${caret}\nERROR at Row:${row}:Column:${column}\n${message}`);
}

/** First case-insensitive occurrence of `needle` as a whole token (not inside a longer identifier). */
function locate(soql: string, needle: string): number {
  if (needle === '') return -1;
  const hay = soql.toLowerCase();
  const n = needle.toLowerCase();
  const ident = /[A-Za-z0-9_.]/;
  let from = 0;
  for (;;) {
    const i = hay.indexOf(n, from);
    if (i < 0) return -1;
    const prev = i > 0 ? soql[i - 1] : ' ';
    const next = i + n.length < soql.length ? soql[i + n.length] : ' ';
    const wordy = ident.test(needle[0]!) || ident.test(needle[needle.length - 1]!);
    if (!wordy || (!ident.test(prev!) && !ident.test(next!))) return i;
    from = i + 1;
  }
}

export const malformed = (soql: string, message: string, near?: string) =>
  queryError('MALFORMED_QUERY', soql, message, near);

export const noSuchColumn = (soql: string, column: string, entity: string) =>
  queryError(
    'INVALID_FIELD',
    soql,
    `No such column '${column}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    column,
  );

export const unknownRelationship = (soql: string, relationship: string, path: string) =>
  queryError(
    'INVALID_FIELD',
    soql,
    `Didn't understand relationship '${relationship}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
    path,
  );
