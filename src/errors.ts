/**
 * The one typed error a client can cause. Thrown anywhere below the API; the API renders it as
 * `{"error": {"code", "message", "details"?}}` with its status (api-v1.md's conventions).
 */
export type ErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'validation_failed'
  | 'unknown_field'
  | 'read_only_field'
  | 'invalid_mapping'
  | 'invalid_filter'
  | 'not_connected'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'bad_request'
  | 'uri_too_long'
  // 502: Salesforce itself failed (not the client's input).
  | 'salesforce_error';

export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  toBody(): { error: { code: ErrorCode; message: string; details?: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} was not found.`);

export const validationFailed = (fields: Record<string, string>, message?: string) =>
  new AppError(
    400,
    'validation_failed',
    message ?? `Invalid input: ${Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; ')}.`,
    { fields },
  );
