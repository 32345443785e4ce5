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

/** Organizations with due, unclaimed work that can be pushed now (connected, not paused), oldest first. */
export async function dueOrgs(db: Queryable, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ org_id: string }>(
    `select q.org_id from sync_queue q
     join salesforce_connections c on c.org_id = q.org_id and c.status = 'connected'
     left join sync_org_state s on s.org_id = q.org_id
     where q.due_at <= now() and (q.claimed_until is null or q.claimed_until < now())
       and (s.paused_until is null or s.paused_until <= now())
     group by q.org_id order by min(q.due_at) limit $1`,
    [limit],
  );
  return rows.map((r) => r.org_id);
}

export async function countDue(db: Queryable, orgId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from sync_queue where org_id = $1 and due_at <= now() and (claimed_until is null or claimed_until < now())`,
    [orgId],
  );
  return rows[0].n;
}

export interface ClaimedRow {
  lead_id: string;
  change_seq: number;
  attempts: number;
}

/** Claims up to `limit` due leads of one organization for `leaseSeconds`; others skip them. */
export async function claimBatch(db: Queryable, orgId: string, workerId: string, limit: number, leaseSeconds: number): Promise<ClaimedRow[]> {
  const { rows } = await db.query<ClaimedRow>(
    `update sync_queue q set claimed_by = $2, claimed_until = now() + $4 * interval '1 second'
     where q.lead_id in (
       select lead_id from sync_queue
       where org_id = $1 and due_at <= now() and (claimed_until is null or claimed_until < now())
       order by due_at limit $3 for update skip locked)
     returning q.lead_id, q.change_seq, q.attempts`,
    [orgId, workerId, limit, leaseSeconds],
  );
  return rows;
}

export async function loadLeads(db: Queryable, orgId: string, ids: readonly string[]): Promise<LeadRow[]> {
  const { rows } = await db.query<LeadRow>('select * from leads where org_id = $1 and id = any($2::uuid[])', [orgId, ids]);
  return rows;
}

export async function loadMessages(db: Queryable, leadIds: readonly string[]): Promise<MessageRow[]> {
  const { rows } = await db.query<MessageRow>('select * from messages where lead_id = any($1::uuid[]) order by sent_at, seq', [leadIds]);
  return rows;
}

/**
 * Records a finished push of one lead: new field values (`remove` drops keys), the sync status, and
 * the queue row deleted — unless a change arrived during the push (change_seq moved), in which case
 * the row stays, unclaimed, for the next push.
 */
export async function completeLead(
  db: Queryable,
  r: { leadId: string; claimedSeq: number; set: Record<string, unknown>; remove: string[]; status: 'synced' | 'error' | 'not_synced'; error: { code: string; message: string } | null },
): Promise<void> {
  await db.query(
    `update leads set fields = (fields || $2::jsonb) - $3::text[], sync_status = $4, last_error = $5::jsonb,
       last_synced_at = case when $4 = 'synced' then now() else last_synced_at end
     where id = $1`,
    [r.leadId, JSON.stringify(r.set), r.remove, r.status, r.error ? JSON.stringify(r.error) : null],
  );
  const { rowCount } = await db.query('delete from sync_queue where lead_id = $1 and change_seq = $2', [r.leadId, r.claimedSeq]);
  if (rowCount === 0) {
    await db.query(`update sync_queue set claimed_by = null, claimed_until = null, attempts = 0, first_queued_at = now() where lead_id = $1`, [r.leadId]);
    await db.query(`update leads set sync_status = 'pending' where id = $1`, [r.leadId]);
  }
}

/** Puts a lead back for another attempt after `delayMs` (transient failure). */
export async function retryLead(db: Queryable, leadId: string, delayMs: number, error: { code: string; message: string }): Promise<void> {
  await db.query(
    `update sync_queue set attempts = attempts + 1, due_at = now() + $2 * interval '1 millisecond',
       claimed_by = null, claimed_until = null, last_error = $3::jsonb where lead_id = $1`,
    [leadId, delayMs, JSON.stringify(error)],
  );
}

/** Hands claimed leads back untouched (organization paused or not connected): no attempt is used. */
export async function releaseLeads(db: Queryable, leadIds: readonly string[]): Promise<void> {
  await db.query('update sync_queue set claimed_by = null, claimed_until = null where lead_id = any($1::uuid[])', [leadIds]);
}

export interface LogEntry {
  org_id: string;
  lead_id: string | null;
  object: 'Lead' | 'Contact' | 'Account' | 'User';
  operation: 'create' | 'update' | 'skip' | 'read';
  salesforce_id: string | null;
  status: 'success' | 'error' | 'retrying';
  error_code: string | null;
  message: string | null;
}

export async function insertLogEntries(db: Queryable, entries: readonly LogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const cols = ['org_id', 'lead_id', 'object', 'operation', 'salesforce_id', 'status', 'error_code', 'message'] as const;
  const params: unknown[] = [];
  const values = entries.map((e) => `(${cols.map((c) => (params.push(e[c]), `$${params.length}`)).join(', ')})`);
  await db.query(`insert into sync_log (${cols.join(', ')}) values ${values.join(', ')}`, params);
}

export interface LogRow extends LogEntry {
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

export async function pauseOrg(db: Queryable, orgId: string, ms: number, reason: string): Promise<void> {
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
       (select count(*)::int from sync_queue where org_id = $1 and (claimed_until is null or claimed_until < now())) as pending,
       (select count(*)::int from sync_queue where org_id = $1 and claimed_until >= now()) as in_flight,
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
     on conflict (lead_id) do update set due_at = now(), attempts = 0, change_seq = sync_queue.change_seq + 1`,
    [orgId],
  );
  await db.query(`update leads set sync_status = 'pending' where org_id = $1 ${which === 'errors' ? "and sync_status = 'error'" : ''}`, [orgId]);
  return rowCount;
}
