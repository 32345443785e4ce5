/**
 * Sandbox error kinds. `SalesforceError` (interfaces.ts) is the wire error; these subclasses say
 * whether it fails one record of a collection (a SaveResult error) or the whole request, and carry
 * the extra properties some Salesforce errors have (`duplicateResult`).
 */
import { SalesforceError } from './interfaces.ts';

/** An error that fails the whole request even inside a collection (bad JSON, unknown field or type). */
export class RequestError extends SalesforceError {}

/** A per-record error, reported as a SaveResult error in collections. */
export class RecordError extends SalesforceError {
  constructor(
    status: number,
    errorCode: string,
    message: string,
    fields: string[] = [],
    public readonly extra: Record<string, unknown> = {},
  ) {
    super(status, errorCode, message, fields);
  }

  override toBody(): Array<{ message: string; errorCode: string; fields?: string[] }> {
    return [{ ...this.extra, message: this.message, errorCode: this.errorCode, fields: this.fields }];
  }

  /** The `errors[]` entry of a SaveResult. */
  toSaveError(): Record<string, unknown> {
    return { ...this.extra, statusCode: this.errorCode, message: this.message, fields: this.fields };
  }
}

export const notFound = () => new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');

/**
 * Record errors (DML) carry `fields` even when empty, as Salesforce's SaveResult-derived errors do;
 * request errors (session, limits, not found) are just `message` and `errorCode`.
 */
export function errorBody(e: SalesforceError): unknown {
  if (e instanceof RecordError || e.fields.length) return e.toBody();
  return [{ message: e.message, errorCode: e.errorCode }];
}
