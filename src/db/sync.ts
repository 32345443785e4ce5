/** Data access of the push engine: settings, claiming due work, results, the sync log, org state. */
import type { Queryable } from './engine.ts';
import type { LeadRow, MessageRow } from './rows.ts';

export async function getSettingsDocument<T>(db: Queryable, orgId: string): Promise<T | undefined> {
  const { rows } = await db.query<{ document: T }>('select document from salesforce_settings where org_id = $1', [orgId]);
  return rows[0]?.document;
}

export async function saveSettingsDocument(db: Queryable, orgId: string, document: unknown): Promise<void> {
  await db.query(
    `insert into salesforce_settings (org_id, document) values ($1, $2::jsonb)
     on conflict (org_id) do update set document = excluded.document, updated_at = now()`,
    [orgId, JSON.stringify(document)],
  );
}

/**
 * Organizations with due, unclaimed work that can be pushed now (connected, not paused), the one
 * served least recently first. Walks organizations, not queue rows: each is one index probe.
 */
export async function dueOrgs(db: Queryable, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ org_id: string }>(
    `select c.org_id from salesforce_connections c
     left join sync_org_state s on s.org_id = c.org_id
     where c.status = 'connected' and (s.paused_until is null or s.paused_until <= now())
       and exists (select 1 from sync_queue q where q.org_id = c.org_id and q.due_at <= now()
                   and (q.claimed_until is null or q.claimed_until < now()))
     order by s.last_run_at nulls first limit $1`,
    [limit],
  );
  return rows.map((r) => r.org_id);
}

/** Due, unclaimed leads of the organization, counted up to `upTo` (a worker needs to know only whether a batch is full). */
export async function countDue(db: Queryable, orgId: string, upTo: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from (select 1 from sync_queue where org_id = $1 and due_at <= now() and (claimed_until is null or claimed_until < now()) limit $2) due`,
    [orgId, upTo],
  );
  return rows[0].n;
}

export interface ClaimedRow {
  lead_id: string;
  change_seq: number;
  attempts: number;
  /** Queued by the periodic refresh: read Account and Owner data, write nothing. */
  refresh_only: boolean;
  /** The first change not yet pushed (sync latency is measured from it). */
  first_queued_at: Date;
}

/**
 * Claims up to `limit` due leads of one organization for `leaseSeconds`; others skip them.
 * The claimed rows come back as one JSON value: one cell to decode instead of five per row (the
 * embedded engine decodes result cells in JavaScript, one at a time).
 */
export async function claimBatch(db: Queryable, orgId: string, workerId: string, limit: number, leaseSeconds: number): Promise<ClaimedRow[]> {
  const { rows } = await db.query<{ claimed: Array<Omit<ClaimedRow, 'first_queued_at'> & { first_queued_at: string }> }>(
    `with claimed as (
       update sync_queue q set claimed_by = $2, claimed_until = now() + $4 * interval '1 second'
       where q.lead_id in (
         select lead_id from sync_queue
         where org_id = $1 and due_at <= now() and (claimed_until is null or claimed_until < now())
         order by due_at limit $3 for update skip locked)
       returning q.lead_id, q.change_seq, q.attempts, q.refresh_only, q.first_queued_at)
     select coalesce(json_agg(claimed), '[]') as claimed from claimed`,
    [orgId, workerId, limit, leaseSeconds],
  );
  return rows[0].claimed.map((c) => ({ ...c, first_queued_at: new Date(c.first_queued_at) }));
}

/** Extends this worker's claim on leads it still holds (a slow batch keeps its leads). */
export async function extendClaims(db: Queryable, leadIds: readonly string[], workerId: string, leaseSeconds: number): Promise<void> {
  await db.query(
    `update sync_queue set claimed_until = now() + $3 * interval '1 second' where lead_id = any($1::uuid[]) and claimed_by = $2 and claimed_until >= now()`,
    [leadIds, workerId, leaseSeconds],
  );
}

/** What a push reads of a lead. */
export type PushLead = Pick<LeadRow, 'id' | 'fields'>;

/** The leads of a batch, as one JSON value (see claimBatch). */
export async function loadLeads(db: Queryable, orgId: string, ids: readonly string[]): Promise<PushLead[]> {
  const { rows } = await db.query<{ leads: PushLead[] }>(
    `select coalesce(json_agg(json_build_object('id', id, 'fields', fields)), '[]') as leads from leads where org_id = $1 and id = any($2::uuid[])`,
    [orgId, ids],
  );
  return rows[0].leads;
}

/** What the transcript needs of a message (`sent_at` in epoch milliseconds: no date string to parse). */
export type PushMessage = Pick<MessageRow, 'lead_id' | 'role' | 'channel' | 'text'> & { sent_at: number };

/** The messages of a batch's leads, oldest first, as one JSON value (see claimBatch). */
export async function loadMessages(db: Queryable, leadIds: readonly string[]): Promise<PushMessage[]> {
  const { rows } = await db.query<{ messages: PushMessage[] }>(
    `select coalesce(json_agg(json_build_object('lead_id', lead_id, 'role', role, 'channel', channel, 'text', text, 'sent_at', extract(epoch from sent_at) * 1000) order by sent_at, seq), '[]') as messages
     from messages where lead_id = any($1::uuid[])`,
    [leadIds],
  );
  return rows[0].messages;
}

export interface LeadCompletion {
  leadId: string;
  claimedSeq: number;
  set: Record<string, unknown>;
  remove: string[];
  /** `keep`: a read-only refresh of Salesforce data leaves the sync status and error as they were. */
  status: 'synced' | 'error' | 'not_synced' | 'keep';
  error: { code: string; message: string } | null;
}

/** A lead's transient failure: tried again after `delayMs` (its claim released, the try counted). */
export interface LeadRetry {
  leadId: string;
  delayMs: number;
  error: { code: string; message: string };
}

/** What one batch records: finished leads, retries, sync-log entries, `lead.updated` events. */
export interface BatchResult {
  completions: readonly LeadCompletion[];
  retries: readonly LeadRetry[];
  logs: readonly LogEntry[];
  /** Leads whose Salesforce data changed: a `lead.updated` event each (where a workflow listens). */
  updated: ReadonlyArray<{ leadId: string; payload: Record<string, unknown> }>;
}

/**
 * Records a batch in one statement (migration 006, leadsync_finish_batch): new field values and
 * sync status, queue rows deleted — except where a change arrived during the push (change_seq
 * moved): that row stays, unclaimed, for the next push — retries, events and the sync log.
 */
export async function finishBatch(db: Queryable, orgId: string, batch: BatchResult): Promise<void> {
  const document = {
    completions: batch.completions.map((c) => ({ lead_id: c.leadId, seq: c.claimedSeq, set: c.set, remove: c.remove, status: c.status, error: c.error })),
    retries: batch.retries.map((r) => ({ lead_id: r.leadId, delay_ms: r.delayMs, error: r.error })),
    logs: batch.logs,
    updated: batch.updated.map((u) => ({ lead_id: u.leadId, payload: u.payload })),
  };
  await db.query('select leadsync_finish_batch($1, $2::jsonb)', [orgId, JSON.stringify(document)]);
}

/**
 * Queues leads whose Salesforce data was last read more than `hours` ago (connected organizations
 * only) for a read-only refresh; returns how many. Leads already queued are left as they are.
 */
export async function queueStaleForRefresh(db: Queryable, hours: number, limit = 5000): Promise<number> {
  const { rowCount } = await db.query(
    `insert into sync_queue (lead_id, org_id, due_at, first_queued_at, refresh_only)
     select l.id, l.org_id, now(), now(), true from leads l
     join salesforce_connections c on c.org_id = l.org_id and c.status = 'connected'
     where l.email_normalized is not null and l.enriched_at < now() - $1 * interval '1 hour'
       and not exists (select 1 from sync_queue q where q.lead_id = l.id)
     limit $2
     on conflict (lead_id) do nothing`,
    [hours, limit],
  );
  return rowCount;
}

/**
 * A stopping worker hands back the leads it still holds, due again after `delayMs`: a write it sent
 * may still commit at Salesforce, and the next push must find that record by email, not race it.
 */
export async function handBackClaims(db: Queryable, workerId: string, delayMs: number): Promise<number> {
  const { rowCount } = await db.query(
    `update sync_queue set claimed_by = null, claimed_until = null, due_at = greatest(due_at, now() + $2 * interval '1 millisecond')
     where claimed_by = $1 and claimed_until >= now()`,
    [workerId, delayMs],
  );
  return rowCount;
}

/** Hands claimed leads back untouched (organization paused or not connected): no attempt is used. */
export async function releaseLeads(db: Queryable, leadIds: readonly string[]): Promise<void> {
  await db.query('update sync_queue set claimed_by = null, claimed_until = null where lead_id = any($1::uuid[])', [leadIds]);
}

/** One sync-log entry (of the batch's organization). */
export interface LogEntry {
  lead_id: string | null;
  object: 'Lead' | 'Contact' | 'Account' | 'User';
  operation: 'create' | 'update' | 'skip' | 'read';
  salesforce_id: string | null;
  status: 'success' | 'error' | 'retrying';
  error_code: string | null;
  message: string | null;
}

export interface LogRow extends LogEntry {
  org_id: string;
  id: number;
  at: Date;
}

export async function listLog(db: Queryable, orgId: string, o: { leadId?: string; status?: string; limit: number; beforeId?: number }): Promise<LogRow[]> {
  const params: unknown[] = [orgId, o.limit];
  let where = 'org_id = $1';
  if (o.leadId) where += ` and lead_id = $${params.push(o.leadId)}`;
  if (o.status) where += ` and status = $${params.push(o.status)}`;
  if (o.beforeId !== undefined) where += ` and id < $${params.push(o.beforeId)}`;
  const { rows } = await db.query<LogRow>(`select * from sync_log where ${where} order by id desc limit $2`, params);
  return rows;
}

/** Why an organization's sync is paused for a while (api-v1.md `pause_reason`). */
export type PauseReason = 'api_budget' | 'request_limit';

export async function pauseOrg(db: Queryable, orgId: string, ms: number, reason: PauseReason): Promise<void> {
  await db.query(
    `insert into sync_org_state (org_id, paused_until, pause_reason) values ($1, now() + $2 * interval '1 millisecond', $3)
     on conflict (org_id) do update set paused_until = excluded.paused_until, pause_reason = excluded.pause_reason`,
    [orgId, ms, reason],
  );
}

export async function markOrgRun(db: Queryable, orgId: string): Promise<void> {
  await db.query(
    `insert into sync_org_state (org_id, last_run_at) values ($1, now())
     on conflict (org_id) do update set last_run_at = now(), paused_until = null, pause_reason = null`,
    [orgId],
  );
}

export async function orgSyncStatus(db: Queryable, orgId: string) {
  const { rows } = await db.query<{ pending: number; in_flight: number; errors: number; last_run_at: Date | null; paused_until: Date | null; pause_reason: string | null }>(
    `select
       -- A refresh-only row reads Account and Owner data; it has no change to push.
       (select count(*)::int from sync_queue where org_id = $1 and not refresh_only and (claimed_until is null or claimed_until < now())) as pending,
       (select count(*)::int from sync_queue where org_id = $1 and not refresh_only and claimed_until >= now()) as in_flight,
       (select count(*)::int from leads where org_id = $1 and sync_status = 'error') as errors,
       s.last_run_at, s.paused_until, s.pause_reason
     from (select 1) one left join sync_org_state s on s.org_id = $1`,
    [orgId],
  );
  return rows[0];
}

/** Re-queues leads whose sync ended in error (or every lead with `all`); returns how many. */
export async function requeueLeads(db: Queryable, orgId: string, which: 'errors' | 'all'): Promise<number> {
  const { rowCount } = await db.query(
    `insert into sync_queue (lead_id, org_id, due_at, first_queued_at)
     select id, org_id, now(), now() from leads where org_id = $1 ${which === 'errors' ? "and sync_status = 'error'" : ''}
     on conflict (lead_id) do update set due_at = now(), attempts = 0, refresh_only = false, change_seq = sync_queue.change_seq + 1`,
    [orgId],
  );
  await db.query(`update leads set sync_status = 'pending' where org_id = $1 ${which === 'errors' ? "and sync_status = 'error'" : ''}`, [orgId]);
  return rowCount;
}
