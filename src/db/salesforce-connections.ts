import type { Queryable } from './engine.ts';

export type ConnectionStatus = 'not_connected' | 'connected' | 'reconnection_required';

export interface ConnectionRow {
  org_id: string;
  status: ConnectionStatus;
  auth_kind: 'oauth' | 'client_credentials' | null;
  login_url: string | null;
  instance_url: string | null;
  username: string | null;
  salesforce_org_id: string | null;
  salesforce_user_id: string | null;
  client_id: string | null;
  client_secret_enc: string | null;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  token_version: number;
  connected_at: Date | null;
  /** When it was last deauthorized (kept after a new connection; null if never). */
  disconnected_at: Date | null;
  last_error: string | null;
  api_used: number | null;
  api_max: number | null;
  api_usage_at: Date | null;
}

export async function getConnection(db: Queryable, orgId: string, forUpdate = false): Promise<ConnectionRow | undefined> {
  const { rows } = await db.query<ConnectionRow>(`select * from salesforce_connections where org_id = $1${forUpdate ? ' for update' : ''}`, [orgId]);
  return rows[0];
}

/** Just the status and token version: what a client checks before each call (the row itself is read only when they changed). */
export async function getConnectionState(db: Queryable, orgId: string): Promise<Pick<ConnectionRow, 'status' | 'token_version'> | undefined> {
  const { rows } = await db.query<Pick<ConnectionRow, 'status' | 'token_version'>>('select status, token_version from salesforce_connections where org_id = $1', [orgId]);
  return rows[0];
}

/** What a successful authorization or connect stores: the whole identity and token set. */
export interface NewConnection {
  auth_kind: 'oauth' | 'client_credentials';
  login_url: string;
  instance_url: string;
  username: string;
  salesforce_org_id: string;
  salesforce_user_id: string;
  client_id: string | null;
  client_secret_enc: string | null;
  access_token_enc: string;
  refresh_token_enc: string | null;
}

export async function saveConnection(db: Queryable, orgId: string, c: NewConnection): Promise<ConnectionRow> {
  const { rows } = await db.query<ConnectionRow>(
    `insert into salesforce_connections (org_id, status, auth_kind, login_url, instance_url, username, salesforce_org_id,
       salesforce_user_id, client_id, client_secret_enc, access_token_enc, refresh_token_enc, token_version, connected_at, last_error, updated_at)
     values ($1, 'connected', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, now(), null, now())
     on conflict (org_id) do update set status = 'connected', auth_kind = $2, login_url = $3, instance_url = $4, username = $5,
       salesforce_org_id = $6, salesforce_user_id = $7, client_id = $8, client_secret_enc = $9, access_token_enc = $10,
       refresh_token_enc = $11, token_version = salesforce_connections.token_version + 1, connected_at = now(),
       last_error = null, updated_at = now()
     returning *`,
    [orgId, c.auth_kind, c.login_url, c.instance_url, c.username, c.salesforce_org_id, c.salesforce_user_id, c.client_id, c.client_secret_enc, c.access_token_enc, c.refresh_token_enc],
  );
  return rows[0];
}

/** Stores refreshed tokens (a rotated refresh token too, when given) and bumps the version. */
export async function saveRefreshedTokens(db: Queryable, orgId: string, accessTokenEnc: string, refreshTokenEnc: string | undefined, instanceUrl: string | undefined): Promise<number> {
  const { rows } = await db.query<{ token_version: number }>(
    `update salesforce_connections set access_token_enc = $2, refresh_token_enc = coalesce($3, refresh_token_enc),
       instance_url = coalesce($4, instance_url), token_version = token_version + 1, updated_at = now()
     where org_id = $1 returning token_version`,
    [orgId, accessTokenEnc, refreshTokenEnc ?? null, instanceUrl ?? null],
  );
  return rows[0].token_version;
}

/** `tokenVersion`: only if the tokens are still the ones found unusable (a new authorization wins). */
export async function markReconnectionRequired(db: Queryable, orgId: string, reason: string, tokenVersion?: number): Promise<void> {
  await db.query(
    `update salesforce_connections set status = 'reconnection_required', last_error = $2, access_token_enc = null, updated_at = now()
     where org_id = $1 and ($3::integer is null or token_version = $3)`,
    [orgId, reason, tokenVersion ?? null],
  );
}

/** Forgets every token and secret; identity and settings stay (status not_connected). */
export async function forgetTokens(db: Queryable, orgId: string): Promise<void> {
  await db.query(
    `update salesforce_connections set status = 'not_connected', access_token_enc = null, refresh_token_enc = null,
       client_secret_enc = null, token_version = token_version + 1, last_error = null, disconnected_at = now(), updated_at = now()
     where org_id = $1`,
    [orgId],
  );
}

export async function recordApiUsage(db: Queryable, orgId: string, used: number, max: number): Promise<void> {
  await db.query('update salesforce_connections set api_used = $2, api_max = $3, api_usage_at = now() where org_id = $1', [orgId, used, max]);
}

/** Salesforce ids and data on leads belong to one Salesforce org: forget them when another is connected. */
export async function clearSalesforceIdsOnLeads(db: Queryable, orgId: string): Promise<number> {
  const { rowCount } = await db.query(
    `update leads set fields = fields - array['salesforce_lead_id', 'salesforce_contact_id', 'salesforce_account_id',
       'salesforce_account_name', 'salesforce_account_owner_email', 'salesforce_account_owner_id', 'salesforce_account_owner_name',
       'salesforce_account_website', 'salesforce_assigned_sales_rep_id', 'salesforce_assigned_sales_rep_name',
       'salesforce_assigned_sales_rep_email'], updated_at = now()
     where org_id = $1 and fields ?| array['salesforce_lead_id', 'salesforce_contact_id', 'salesforce_account_id', 'salesforce_assigned_sales_rep_id']`,
    [orgId],
  );
  return rowCount;
}

export async function insertOAuthState(db: Queryable, s: { state_hash: string; org_id: string; login_url: string; code_verifier_enc: string; ttlSeconds: number }): Promise<void> {
  await db.query(
    `insert into oauth_states (state_hash, org_id, login_url, code_verifier_enc, expires_at) values ($1, $2, $3, $4, now() + $5 * interval '1 second')`,
    [s.state_hash, s.org_id, s.login_url, s.code_verifier_enc, s.ttlSeconds],
  );
  // Old states are useless: keep the table small.
  await db.query(`delete from oauth_states where expires_at < now() - interval '1 day'`);
}

/** Marks a state used and returns it — only once, and only before it expires. */
export async function consumeOAuthState(db: Queryable, stateHash: string): Promise<{ org_id: string; login_url: string; code_verifier_enc: string } | undefined> {
  const { rows } = await db.query<{ org_id: string; login_url: string; code_verifier_enc: string }>(
    `update oauth_states set used_at = now() where state_hash = $1 and used_at is null and expires_at > now()
     returning org_id, login_url, code_verifier_enc`,
    [stateHash],
  );
  return rows[0];
}

/** Counts Salesforce API calls of an organization in the current hour (Sync Health's chart). */
export async function countApiCalls(db: Queryable, orgId: string, calls: number): Promise<void> {
  await db.query(
    `insert into salesforce_api_calls (org_id, hour, calls) values ($1, date_trunc('hour', now()), $2)
     on conflict (org_id, hour) do update set calls = salesforce_api_calls.calls + excluded.calls`,
    [orgId, calls],
  );
}
