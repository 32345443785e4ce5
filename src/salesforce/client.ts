/**
 * The one way LeadSync talks to a customer's Salesforce (wall 5): a jsforce Connection per
 * organization, token refresh serialized across every process by a row lock, API usage read from
 * `Sforce-Limit-Info` and recorded per organization.
 *
 * On 401 INVALID_SESSION_ID a call refreshes once and retries once. The refresh takes the
 * connection row `FOR UPDATE`, re-reads the token version (another worker may have refreshed while
 * this one waited) and stores a rotated refresh token before anything uses it. A refresh answered
 * `invalid_grant` sets `reconnection_required`: the organization's queued work is kept and waits.
 */
import { parse as parseCsv } from 'csv-parse';
// jsforce's core (Connection, query, sObject): its index also loads Bulk, Metadata, SOAP, Streaming
// and other APIs LeadSync does not use, ~8 MB of memory.
import { Connection as JsforceConnection } from 'jsforce/lib/core.js';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/engine.ts';
import { countApiCalls, getConnection, getConnectionState, markReconnectionRequired, recordApiUsage, saveRefreshedTokens, type ConnectionRow } from '../db/salesforce-connections.ts';
import { apiCallsLimit, apiCallsUsed } from '../metrics.ts';
import { decryptSecret, encryptSecret, secretContext, SecretUnreadable } from './crypto.ts';
import { OAuthError, requestToken } from './token-endpoint.ts';

export class SalesforceNotConnected extends Error {
  constructor(public readonly orgId: string) {
    super('Salesforce is not connected for this organization.');
  }
}

export class SalesforceReconnectionRequired extends Error {
  constructor(
    public readonly orgId: string,
    public readonly reason: string,
  ) {
    super(`Salesforce needs to be authorized again: ${reason}`);
  }
}

/** The Salesforce error code of a jsforce failure (REST `errorCode`), if it has one. */
export function salesforceErrorCode(error: unknown): string | undefined {
  const e = error as { errorCode?: unknown; name?: unknown };
  if (typeof e?.errorCode === 'string') return e.errorCode;
  return undefined;
}

export interface ClientDeps {
  db: Database;
  config: Config;
  logger?: Logger;
  /** How long a client trusts the connection row before probing it again (default CONNECTION_RECHECK_MS). */
  connectionRecheckMs?: number;
}

export interface FieldDescribe {
  name: string;
  label: string;
  type: string;
  length: number;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  custom: boolean;
  defaultedOnCreate?: boolean;
}

export const DESCRIBE_TTL_MS = 60_000;
/** How long a client trusts the connection row it read before probing it again (status, token version). */
export const CONNECTION_RECHECK_MS = 1_000;
/** How often API usage is written to the database (the budget check reads it from there). */
export const USAGE_STORE_MS = 2_000;
type Connection = JsforceConnection;

/** Clients of every organization this process talks to. */
export class SalesforceClients {
  private readonly clients = new Map<string, OrgClient>();
  constructor(private readonly deps: ClientDeps) {}

  forOrg(orgId: string): OrgClient {
    let client = this.clients.get(orgId);
    if (!client) {
      client = new OrgClient(this.deps, orgId);
      this.clients.set(orgId, client);
    }
    return client;
  }
}

export class OrgClient {
  private conn: Connection | undefined;
  private version = -1;
  private describes = new Map<string, { at: number; fields: FieldDescribe[] }>();
  /** When the connection row was last seen unchanged. */
  private checkedAt = 0;
  private userId: string | undefined;

  constructor(
    private readonly deps: ClientDeps,
    readonly orgId: string,
  ) {}

  private get key(): Buffer {
    if (!this.deps.config.secretKey) throw new Error('LEADSYNC_SECRET_KEY is not configured');
    return this.deps.config.secretKey;
  }

  /** Encrypts a value for one column of this organization's connection row (bound to both). */
  private seal(column: 'access_token' | 'refresh_token', plaintext: string): string {
    return encryptSecret(this.key, plaintext, secretContext('salesforce_connections', this.orgId, column));
  }

  private open(column: 'access_token' | 'refresh_token' | 'client_secret', stored: string): string {
    return decryptSecret(this.key, stored, secretContext('salesforce_connections', this.orgId, column));
  }

  /** A jsforce Connection for the row; `accessToken` given when the caller has it in clear already. */
  private build(row: ConnectionRow, accessToken?: string): Connection {
    if (row.status === 'reconnection_required') throw new SalesforceReconnectionRequired(this.orgId, row.last_error ?? 'authorization lost');
    if (row.status !== 'connected' || !row.access_token_enc || !row.instance_url) throw new SalesforceNotConnected(this.orgId);
    const token = accessToken ?? this.open('access_token', row.access_token_enc);
    this.version = row.token_version;
    this.userId = row.salesforce_user_id ?? undefined;
    this.checkedAt = Date.now();
    const conn = new JsforceConnection({ instanceUrl: row.instance_url, accessToken: token, version: this.deps.config.salesforce.apiVersion });
    // Every REST request jsforce sends (queryMore pages included) is one API call as Salesforce counts them.
    const request = conn.request.bind(conn);
    conn.request = ((...args: Parameters<typeof request>) => {
      this.uncountedCalls++;
      return request(...args);
    }) as typeof conn.request;
    this.conn = conn;
    return conn;
  }

  /**
   * The connection and the token version it holds, reloaded from the database when another process
   * changed the tokens. The version travels with the call: a concurrent call of this process may have
   * moved `this.version` on, and refreshing against that newer version would ask Salesforce twice.
   */
  private async connection(): Promise<{ conn: Connection; version: number }> {
    // A batch makes several calls in a row: the row is probed at most every CONNECTION_RECHECK_MS
    // (a two-column read), so a deauthorize or a refresh in another process takes effect within that.
    if (this.conn && Date.now() - this.checkedAt < (this.deps.connectionRecheckMs ?? CONNECTION_RECHECK_MS)) return { conn: this.conn, version: this.version };
    const state = await getConnectionState(this.deps.db, this.orgId);
    if (!state) throw new SalesforceNotConnected(this.orgId);
    if (this.conn && state.token_version === this.version && state.status === 'connected') {
      this.checkedAt = Date.now();
      return { conn: this.conn, version: this.version };
    }
    this.checkedAt = 0;
    const row = await getConnection(this.deps.db, this.orgId);
    if (!row) throw new SalesforceNotConnected(this.orgId);
    return { conn: await this.connect(row), version: row.token_version };
  }

  /** build(), with an undecryptable stored token turned into reconnection_required. */
  private async connect(row: ConnectionRow, accessToken?: string): Promise<Connection> {
    try {
      return this.build(row, accessToken);
    } catch (error) {
      if (!(error instanceof SecretUnreadable)) throw error;
      // Another key, or a value not written for this row: only authorizing again can fix it, so say so instead of failing every call.
      await markReconnectionRequired(this.deps.db, this.orgId, error.message, row.token_version);
      this.deps.logger?.warn({ org_id: this.orgId, reason: error.message }, 'salesforce reconnection required');
      throw new SalesforceReconnectionRequired(this.orgId, error.message);
    }
  }

  /** Runs one Salesforce interaction; refreshes once and retries once on an expired session. */
  async call<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const { conn, version } = await this.connection();
    try {
      return await fn(conn);
    } catch (error) {
      if (salesforceErrorCode(error) !== 'INVALID_SESSION_ID') throw error;
      return await fn(await this.refresh(version));
    } finally {
      await this.recordUsage();
    }
  }

  /**
   * Gets a fresh access token, one refresher at a time per organization across every process.
   * `seenVersion` is the token version that failed: if the stored one is newer, someone else
   * refreshed already and their token is used without another call to Salesforce.
   */
  async refresh(seenVersion: number): Promise<Connection> {
    // Calls of this process that failed on the same token share one refresh instead of queueing on the row lock.
    if (this.refreshing?.version === seenVersion) return this.refreshing.promise;
    const promise = this.refreshUnderLock(seenVersion).finally(() => {
      if (this.refreshing?.promise === promise) this.refreshing = undefined;
    });
    this.refreshing = { version: seenVersion, promise };
    return promise;
  }

  private refreshing: { version: number; promise: Promise<Connection> } | undefined;

  private async refreshUnderLock(seenVersion: number): Promise<Connection> {
    const outcome = await this.deps.db.transaction(async (tx) => {
      const row = await getConnection(tx, this.orgId, true);
      if (!row) return { error: new SalesforceNotConnected(this.orgId) };
      if (row.status === 'reconnection_required') return { error: new SalesforceReconnectionRequired(this.orgId, row.last_error ?? 'authorization lost') };
      if (row.status !== 'connected' || !row.login_url) return { error: new SalesforceNotConnected(this.orgId) };
      if (row.token_version !== seenVersion && row.access_token_enc) return { row };
      try {
        const token = await this.grant(row);
        const refreshEnc = token.refresh_token ? this.seal('refresh_token', token.refresh_token) : undefined;
        const accessEnc = this.seal('access_token', token.access_token);
        // The rotated refresh token is committed with this transaction, before the new access token is used.
        const version = await saveRefreshedTokens(tx, this.orgId, accessEnc, refreshEnc, token.instance_url);
        this.deps.logger?.info({ org_id: this.orgId }, 'salesforce token refreshed');
        return { row: { ...row, access_token_enc: accessEnc, instance_url: token.instance_url ?? row.instance_url, token_version: version }, accessToken: token.access_token };
      } catch (error) {
        // 429, 5xx and no answer at all are passing trouble: the call fails and is retried later, the connection stays.
        const refused = error instanceof OAuthError && error.status >= 400 && error.status < 500 && error.status !== 429;
        if (!refused && !(error instanceof SecretUnreadable)) throw error;
        // invalid_grant (revoked, expired, rotated away), a refused client, an unreadable stored secret: only a person can fix these.
        const reason = error instanceof OAuthError ? `${error.error}: ${error.description}` : (error as Error).message;
        await markReconnectionRequired(tx, this.orgId, reason);
        this.deps.logger?.warn({ org_id: this.orgId, reason }, 'salesforce reconnection required');
        return { error: new SalesforceReconnectionRequired(this.orgId, reason) };
      }
    });
    if ('error' in outcome) {
      this.conn = undefined;
      throw outcome.error;
    }
    return this.connect(outcome.row, 'accessToken' in outcome ? outcome.accessToken : undefined);
  }

  private grant(row: ConnectionRow) {
    const login = row.login_url!;
    if (row.auth_kind === 'client_credentials') {
      if (!row.client_id || !row.client_secret_enc) throw new OAuthError('invalid_client', 'the connected app credentials are missing', 400);
      return requestToken(login, { grant_type: 'client_credentials', client_id: row.client_id, client_secret: this.open('client_secret', row.client_secret_enc) });
    }
    if (!row.refresh_token_enc) throw new OAuthError('invalid_grant', 'no refresh token is stored', 400);
    const { clientId, clientSecret } = this.deps.config.salesforce;
    return requestToken(login, {
      grant_type: 'refresh_token',
      refresh_token: this.open('refresh_token', row.refresh_token_enc),
      client_id: clientId ?? '',
      client_secret: clientSecret ?? '',
    });
  }

  private usageStoredAt = 0;
  private lastUsage: { used: number; max: number; at: number } | undefined;
  /** API calls made since they were last added to the organization's hourly count. */
  private uncountedCalls = 0;

  /**
   * Adds the calls just made to the organization's hourly count (Sync Health's chart), and stores the
   * last `Sforce-Limit-Info` seen (jsforce parses it into `limitInfo`): in the metrics at once, in
   * the database at most every USAGE_STORE_MS (one row shared by every worker of the org).
   */
  private async recordUsage(): Promise<void> {
    if (this.uncountedCalls > 0) {
      const calls = this.uncountedCalls;
      this.uncountedCalls = 0;
      await countApiCalls(this.deps.db, this.orgId, calls).catch(() => {
        this.uncountedCalls += calls;
      });
    }
    const usage = (this.conn as unknown as { limitInfo?: { apiUsage?: { used: number; limit: number } } } | undefined)?.limitInfo?.apiUsage;
    if (!usage) return;
    apiCallsUsed.set({ org: this.orgId }, usage.used);
    apiCallsLimit.set({ org: this.orgId }, usage.limit);
    this.lastUsage = { used: usage.used, max: usage.limit, at: Date.now() };
    if (Date.now() - this.usageStoredAt < USAGE_STORE_MS) return;
    this.usageStoredAt = Date.now();
    await recordApiUsage(this.deps.db, this.orgId, usage.used, usage.limit).catch(() => {});
  }

  /** The last API usage seen, from this process or another (stored per organization). */
  async apiUsage(): Promise<{ used: number; max: number } | null> {
    // This process's own last answer is the freshest figure; another worker's is in the database.
    if (this.lastUsage && Date.now() - this.lastUsage.at < USAGE_STORE_MS) return { used: this.lastUsage.used, max: this.lastUsage.max };
    const row = await getConnection(this.deps.db, this.orgId);
    return row?.api_used != null && row.api_max != null ? { used: row.api_used, max: row.api_max } : null;
  }

  /** Fields of an object from describe, cached for DESCRIBE_TTL_MS. */
  async describeFields(objectName: string): Promise<FieldDescribe[]> {
    // The cache never outlives the connection: a deauthorized org gets "not connected", not old fields.
    await this.connection();
    const cached = this.describes.get(objectName);
    if (cached && Date.now() - cached.at < DESCRIBE_TTL_MS) return cached.fields;
    const result = await this.call((conn) => conn.sobject(objectName).describe());
    const fields = result.fields.map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      length: f.length,
      createable: f.createable,
      updateable: f.updateable,
      nillable: f.nillable,
      custom: f.custom,
      defaultedOnCreate: f.defaultedOnCreate,
    }));
    this.describes.set(objectName, { at: Date.now(), fields });
    return fields;
  }

  /** The connected Salesforce user's Id (the integration user), known once a call has been made. */
  get connectedUserId(): string | undefined {
    return this.userId;
  }

  /** The connection row changed in this process (connect, deauthorize): probe it on the next call. */
  connectionChanged(): void {
    this.checkedAt = 0;
  }

  /** Forgets cached describes (a mapping was flagged: the field may have vanished). */
  forgetDescribes(): void {
    this.describes.clear();
  }

  /** SOQL with every page fetched (queryMore through nextRecordsUrl). */
  async query<R = Record<string, unknown>>(soql: string): Promise<R[]> {
    return this.call(async (conn) => {
      const result = await conn.query<Record<string, unknown>>(soql, { autoFetch: true, maxFetch: 1_000_000 });
      return result.records as R[];
    });
  }

  /**
   * One page of a SOQL query, for callers that checkpoint between pages (Pull). `batchSize`
   * (200–2,000) is sent as `Sforce-Query-Options`; Salesforce treats it as a hint.
   */
  async queryPage<R = Record<string, unknown>>(soql: string, options: { batchSize?: number } = {}): Promise<QueryPage<R>> {
    const headers = options.batchSize ? { 'Sforce-Query-Options': `batchSize=${options.batchSize}` } : undefined;
    return this.call(async (conn) => toPage<R>(await conn.query<Record<string, unknown>>(soql, { autoFetch: false, ...(headers && { headers }) })));
  }

  /** The page after `nextRecordsUrl` (a locator from queryPage or queryMore). */
  async queryMore<R = Record<string, unknown>>(nextRecordsUrl: string): Promise<QueryPage<R>> {
    return this.call(async (conn) => toPage<R>(await conn.queryMore<Record<string, unknown>>(nextRecordsUrl)));
  }

  /**
   * Several SOQL queries in as few calls as Salesforce allows: five query subrequests per
   * `POST /composite` (one API call each), every page of each result fetched. The queries travel in
   * the request body, so an IN list may be far longer than a query URL allows (SOQL's own limit is
   * 100,000 characters). Results in the order of `soqls`; a query that fails throws its error.
   */
  async queries<R = Record<string, unknown>>(soqls: readonly string[]): Promise<R[][]> {
    const out: R[][] = [];
    for (const chunk of compositeChunks(soqls.map((soql): CompositePart => ({ kind: 'query', soql })))) {
      for (const answer of await this.composite(chunk)) {
        if ('error' in answer) throw answer.error;
        out.push((answer as { records: R[] }).records);
      }
    }
    return out;
  }

  /**
   * Queries and sObject Collections writes as ONE API call: a `POST /composite` with `allOrNone`
   * false, so each subrequest succeeds or fails on its own — a failed subrequest is that part's
   * error, a collection's per-record results are its records'. At most COMPOSITE_HEAVY parts (see
   * compositeChunks), run in order. A query's further pages are fetched after (queryMore). Throws
   * only when the composite itself gets no answer or is refused (limits, session, outage): then no
   * part is known to have run or not.
   */
  async composite(parts: readonly CompositePart[]): Promise<CompositeAnswer[]> {
    if (parts.length > COMPOSITE_HEAVY) throw new Error(`a composite holds at most ${COMPOSITE_HEAVY} queries and collections`);
    const answers = await this.call(async (conn) => {
      const base = `/services/data/v${conn.version}`;
      const compositeRequest = parts.map((part, n) =>
        part.kind === 'query'
          ? { method: 'GET', url: `${base}/query?q=${encodeURIComponent(part.soql)}`, referenceId: `p${n}` }
          : {
              method: part.kind === 'create' ? 'POST' : 'PATCH',
              url: `${base}/composite/sobjects`,
              referenceId: `p${n}`,
              body: { allOrNone: false, records: part.records.map((r) => ({ attributes: { type: part.object }, ...r })) },
            },
      );
      const body = JSON.stringify({ allOrNone: false, compositeRequest });
      return (await conn.request<{ compositeResponse: Array<{ httpStatusCode: number; body: unknown }> }>({ method: 'POST', url: '/composite', body, headers: { 'content-type': 'application/json' } })).compositeResponse;
    });
    const out: CompositeAnswer[] = [];
    for (const [n, answer] of answers.entries()) {
      if (answer.httpStatusCode >= 400) {
        const first = (Array.isArray(answer.body) ? answer.body[0] : answer.body) as { errorCode?: string; message?: string } | undefined;
        const errorCode = first?.errorCode ?? `HTTP_${answer.httpStatusCode}`;
        out.push({ error: Object.assign(new Error(first?.message ?? `subrequest failed with HTTP ${answer.httpStatusCode}`), { errorCode, name: errorCode }) });
      } else if (parts[n].kind === 'query') {
        let page = toPage<unknown>(answer.body as { records: unknown[]; totalSize: number; done: boolean; nextRecordsUrl?: string });
        const records = [...page.records];
        while (page.nextRecordsUrl) {
          page = await this.queryMore(page.nextRecordsUrl);
          records.push(...page.records);
        }
        out.push({ records });
      } else {
        out.push({ results: (answer.body as RawSaveResult[]).map(toSaveResult) });
      }
    }
    return out;
  }

  /** The record count of a selection (`SELECT COUNT() FROM ...`): one call, no records. */
  async count(soql: string): Promise<number> {
    return this.call(async (conn) => (await conn.query(soql, { autoFetch: false })).totalSize);
  }

  /** Starts a Bulk API 2.0 query job (`POST /jobs/query`); returns its id. */
  async bulkQueryStart(soql: string): Promise<string> {
    return this.call(async (conn) => {
      const job = await conn.request<{ id: string }>({ method: 'POST', url: '/jobs/query', body: JSON.stringify({ operation: 'query', query: soql }), headers: { 'content-type': 'application/json' } });
      return job.id;
    });
  }

  /** A Bulk API 2.0 query job's state (`UploadComplete`, `InProgress`, `JobComplete`, `Failed`, `Aborted`) and error message. */
  async bulkQueryState(jobId: string): Promise<{ state: string; errorMessage?: string }> {
    return this.call((conn) => conn.request<{ state: string; errorMessage?: string }>(`/jobs/query/${encodeURIComponent(jobId)}`));
  }

  /**
   * One results page of a finished Bulk API 2.0 query job, streamed: rows are parsed from the CSV as
   * it arrives (relationship columns keep their dotted names, every value a string, '' for null), so a
   * page of any size costs the memory of a few rows. `locator` null reads the first page; the answer's
   * `next` is the next page's locator, null after the last.
   */
  async bulkQueryResults(jobId: string, locator: string | null, maxRecords?: number): Promise<{ next: string | null; rows: AsyncIterable<Record<string, string>> }> {
    return this.call(async (conn) => {
      const params = new URLSearchParams();
      if (locator) params.set('locator', locator);
      if (maxRecords) params.set('maxRecords', String(maxRecords));
      const url = `${conn.instanceUrl}/services/data/v${conn.version}/jobs/query/${encodeURIComponent(jobId)}/results${params.size ? `?${params}` : ''}`;
      const response = await fetch(url, { headers: { authorization: `Bearer ${conn.accessToken}`, accept: 'text/csv' } });
      noteLimitInfo(conn, response.headers.get('sforce-limit-info'));
      if (!response.ok || !response.body) throw await restError(response);
      const next = response.headers.get('sforce-locator');
      const rows = Readable.fromWeb(response.body as never).pipe(parseCsv({ columns: true, bom: true, relax_column_count: false }));
      return { next: next && next !== 'null' ? next : null, rows };
    });
  }

  /** sObject Collections create, 200 records a request, per-record results in input order (allOrNone false). */
  async create(objectName: string, records: Record<string, unknown>[]): Promise<SaveResult[]> {
    return this.collections(records, (conn, chunk) => conn.sobject(objectName).create(chunk, { allOrNone: false }));
  }

  /** sObject Collections update (each record carries its Id), as create. */
  async update(objectName: string, records: Array<Record<string, unknown> & { Id: string }>): Promise<SaveResult[]> {
    return this.collections(records, (conn, chunk) => conn.sobject(objectName).update(chunk, { allOrNone: false }));
  }

  private async collections<T>(records: T[], write: (conn: Connection, chunk: T[]) => Promise<unknown>): Promise<SaveResult[]> {
    const results: SaveResult[] = [];
    for (let i = 0; i < records.length; i += COLLECTION_SIZE) {
      const chunk = records.slice(i, i + COLLECTION_SIZE);
      const out = (await this.call((conn) => write(conn, chunk))) as RawSaveResult[];
      results.push(...out.map(toSaveResult));
    }
    return results;
  }

  /** `GET /limits` (DailyApiRequests and the rest); also refreshes the recorded API usage. */
  async limits(): Promise<Record<string, { Max: number; Remaining: number }>> {
    return this.call(async (conn) => (await conn.limits()) as unknown as Record<string, { Max: number; Remaining: number }>);
  }
}

/** Queries and sObject Collections Salesforce accepts in one composite request (of at most 25 subrequests). */
export const COMPOSITE_HEAVY = 5;

/** One subrequest of a composite: a SOQL query, or an sObject Collections create or update (≤ COLLECTION_SIZE records). */
export type CompositePart = { kind: 'query'; soql: string } | { kind: 'create' | 'update'; object: string; records: ReadonlyArray<Record<string, unknown>> };

/** A part's answer: a query's records, a collection's per-record results (input order), or the part's own failure. */
export type CompositeAnswer = { records: unknown[] } | { results: SaveResult[] } | { error: Error };

/** Parts in order, cut into composites Salesforce accepts (COMPOSITE_HEAVY queries and collections each). */
export function compositeChunks<P extends CompositePart>(parts: readonly P[]): P[][] {
  const chunks: P[][] = [];
  for (let i = 0; i < parts.length; i += COMPOSITE_HEAVY) chunks.push(parts.slice(i, i + COMPOSITE_HEAVY));
  return chunks;
}

type RawSaveResult = { id?: string; success: boolean; errors?: unknown[] };

function toSaveResult(r: RawSaveResult): SaveResult {
  return {
    id: r.id ?? undefined,
    success: r.success,
    errors: (r.errors ?? []).map((e) => {
      const err = e as { statusCode?: string; errorCode?: string; message?: string; fields?: string[] };
      return { statusCode: err.statusCode ?? err.errorCode ?? 'UNKNOWN', message: err.message ?? String(e), fields: err.fields ?? [] };
    }),
  };
}

/** Salesforce accepts at most 200 records per sObject Collections request. */
export const COLLECTION_SIZE = 200;

export interface QueryPage<R> {
  records: R[];
  totalSize: number;
  done: boolean;
  /** Pass to queryMore for the next page; undefined on the last one. */
  nextRecordsUrl?: string;
}

export interface SaveResult {
  id?: string;
  success: boolean;
  errors: Array<{ statusCode: string; message: string; fields: string[] }>;
}

/** Salesforce's `Sforce-Limit-Info` on a response read outside jsforce, where jsforce keeps it (recordUsage reads it there). */
function noteLimitInfo(conn: Connection, header: string | null): void {
  const m = header ? /api-usage=(\d+)\/(\d+)/.exec(header) : null;
  if (m) (conn as unknown as { limitInfo: { apiUsage: { used: number; limit: number } } }).limitInfo = { apiUsage: { used: Number(m[1]), limit: Number(m[2]) } };
}

/** A REST error answer as jsforce would raise it (`errorCode`, `message`), so callers classify it alike. */
async function restError(response: Response): Promise<Error> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const first = (Array.isArray(body) ? body[0] : body) as { errorCode?: string; message?: string } | undefined;
  const errorCode = first?.errorCode ?? (response.status === 401 ? 'INVALID_SESSION_ID' : `HTTP_${response.status}`);
  return Object.assign(new Error(first?.message ?? (text.slice(0, 200) || `HTTP ${response.status}`)), { errorCode, name: errorCode, statusCode: response.status });
}

function toPage<R>(result: { records: unknown[]; totalSize: number; done: boolean; nextRecordsUrl?: string }): QueryPage<R> {
  return { records: result.records as R[], totalSize: result.totalSize, done: result.done, nextRecordsUrl: result.done ? undefined : result.nextRecordsUrl };
}
