/**
 * The one way the UI talks to LeadSync: the public API (/api/v1), typed by openapi.d.ts, which
 * `npm run api-types` generates from the server's OpenAPI document. The session cookie
 * authenticates; every state-changing request carries the session's CSRF token.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './openapi';

let csrfToken: string | null = null;
let onSignedOut: () => void = () => undefined;

/** Called with the session's CSRF token after sign-in or reload. */
export const setCsrfToken = (token: string | null): void => {
  csrfToken = token;
};
/** What to do when the server says the session is gone (401): show the sign-in form. */
export const whenSignedOut = (handler: () => void): void => {
  onSignedOut = handler;
};

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const session: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.endsWith('/api/v1/session')) onSignedOut();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(session);

/** An API error as the contract shapes it: `{"error": {"code", "message", "details"?}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful call, or an ApiError with the server's code, message and details. */
export async function ok<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch {
    throw new ApiError(0, 'network_error', 'LeadSync did not answer. Check that it is running, then try again.');
  }
  if (result.response.ok) return result.data as T;
  const body = result.error as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined;
  throw new ApiError(result.response.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `LeadSync answered HTTP ${result.response.status}.`, body?.error?.details);
}

/**
 * A request to a contract endpoint that this server's OpenAPI document does not describe yet (its
 * API is being built on another branch: see api/pending.ts). Same session, CSRF and error handling.
 */
export async function pending<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (!SAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network_error', 'LeadSync did not answer. Check that it is running, then try again.');
  }
  if (response.status === 401) onSignedOut();
  const data = await response.json().catch(() => undefined);
  if (!response.ok) {
    const e = (data as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
    throw new ApiError(response.status, e?.code ?? 'http_error', e?.message ?? `LeadSync answered HTTP ${response.status}.`, e?.details);
  }
  return data as T;
}

type Json<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type Responses<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R } ? R : never;
/** The JSON a path answers on success (200 or 201). */
export type Ok<P extends keyof paths, M extends keyof paths[P] = 'get'> =
  Responses<P, M> extends { 200: infer R } ? Json<R> : Responses<P, M> extends { 201: infer R } ? Json<R> : never;
/** The JSON body a path takes. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export type Session = Ok<'/api/v1/session'>;
export type Lead = Ok<'/api/v1/orgs/{org}/leads/{id}'>;
export type LeadList = Ok<'/api/v1/orgs/{org}/leads'>;
export type Field = Ok<'/api/v1/orgs/{org}/data-model/fields'>['items'][number];
export type Message = Ok<'/api/v1/orgs/{org}/leads/{id}/messages'>['items'][number];
export type Integration = Ok<'/api/v1/orgs/{org}/integrations/salesforce'>;
export type Settings = Ok<'/api/v1/orgs/{org}/integrations/salesforce/settings'>;
export type SettingsBody = Body<'/api/v1/orgs/{org}/integrations/salesforce/settings', 'put'>;
export type MappingRow = Settings['mappings']['lead'][number];
export type DescribedField = Ok<'/api/v1/orgs/{org}/integrations/salesforce/fields'>['items'][number];
export type SyncStatus = Ok<'/api/v1/orgs/{org}/integrations/salesforce/sync'>;
export type LogItem = Ok<'/api/v1/orgs/{org}/integrations/salesforce/sync/log'>['items'][number];
export type Workflow = Ok<'/api/v1/orgs/{org}/workflows/{id}'>;
export type WorkflowBody = Body<'/api/v1/orgs/{org}/workflows', 'post'>;
export type WorkflowRun = Ok<'/api/v1/orgs/{org}/workflows/{id}/runs'>['items'][number];
export type OutboxItem = Ok<'/api/v1/orgs/{org}/outbox'>['items'][number];
export type PullRules = Ok<'/api/v1/orgs/{org}/integrations/salesforce/pull-rules'>;
/** A rule as PUT takes it (a new rule has no id yet). */
export type PullRule = Body<'/api/v1/orgs/{org}/integrations/salesforce/pull-rules', 'put'>['rules'][number];
export type PullRun = Ok<'/api/v1/orgs/{org}/integrations/salesforce/pull-runs/{run}'>;
export type SyncStats = Ok<'/api/v1/orgs/{org}/integrations/salesforce/sync/stats'>;
