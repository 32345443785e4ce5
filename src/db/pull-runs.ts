/** Data access of pull runs: starting (one per rule at a time), claiming with a lease, checkpoints, results. */
import { randomUUID } from 'node:crypto';
import type { Queryable } from './engine.ts';
import type { PullRuleRow } from './pull-rules.ts';

export interface PullRunRow {
  id: string;
  org_id: string;
  rule_id: string;
  trigger: 'schedule' | 'api' | 'cli';
  status: 'running' | 'succeeded' | 'failed';
  total: number | null;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  errors: number;
  error: { code: string; message: string } | null;
  started_at: Date;
  finished_at: Date | null;
  claimed_by: string | null;
  claimed_until: Date | null;
  held_until: Date | null;
  hold_reason: string | null;
  attempts: number;
  bulk_job_id: string | null;
  bulk_locator: string | null;
  bulk_offset: number;
  seq: number;
}

/** Starts a run of the rule, or returns the run already running (at most one per rule). */
export async function startRun(db: Queryable, rule: Pick<PullRuleRow, 'id' | 'org_id'>, trigger: PullRunRow['trigger']): Promise<{ run: PullRunRow; started: boolean }> {
  for (let attempt = 0; ; attempt++) {
    const { rows } = await db.query<PullRunRow>(
      `insert into pull_runs (id, org_id, rule_id, trigger) values ($1, $2, $3, $4)
       on conflict (rule_id) where status = 'running' do nothing returning *`,
      [randomUUID(), rule.org_id, rule.id, trigger],
    );
    if (rows[0]) return { run: rows[0], started: true };
    const running = await runningRun(db, rule.id);
    if (running) return { run: running, started: false };
    // The running run finished between the two statements: try again.
    if (attempt >= 3) throw new Error(`could not start a run of pull rule ${rule.id}`);
  }
}

export async function runningRun(db: Queryable, ruleId: string): Promise<PullRunRow | undefined> {
  const { rows } = await db.query<PullRunRow>(`select * from pull_runs where rule_id = $1 and status = 'running'`, [ruleId]);
  return rows[0];
}

/**
 * The scheduler's claim: enabled rules that are due move their next run one interval on and get a
 * run — each rule by one process only (`FOR UPDATE SKIP LOCKED`), and never a second running run.
 * Returns how many runs it started.
 */
export async function startDueRuns(db: Queryable, limit = 20): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `with due as (
       update pull_rules r set next_run_at = now() + r.interval_minutes * interval '1 minute'
       where r.id in (select id from pull_rules where enabled and next_run_at <= now()
                      order by next_run_at limit $1 for update skip locked)
       returning r.id, r.org_id),
     started as (
       insert into pull_runs (id, org_id, rule_id, trigger)
       select gen_random_uuid(), due.org_id, due.id, 'schedule' from due
       on conflict (rule_id) where status = 'running' do nothing returning 1)
     select count(*)::int as n from started`,
    [limit],
  );
  return rows[0].n;
}

/**
 * Claims one running run that nobody holds (new, held back until now, or left by a process that
 * died: its lease ran out) of a connected organization, for `leaseMs`.
 */
export async function claimRun(db: Queryable, workerId: string, leaseMs: number, onlyRunId?: string): Promise<PullRunRow | undefined> {
  const { rows } = await db.query<PullRunRow>(
    `update pull_runs set claimed_by = $1, claimed_until = now() + $2 * interval '1 millisecond', held_until = null, hold_reason = null
     where id = (
       select p.id from pull_runs p join salesforce_connections c on c.org_id = p.org_id and c.status = 'connected'
       where p.status = 'running' and (p.claimed_until is null or p.claimed_until < now())
         and (p.held_until is null or p.held_until <= now()) and ($3::uuid is null or p.id = $3::uuid)
       order by p.seq limit 1 for update of p skip locked)
     returning *`,
    [workerId, leaseMs, onlyRunId ?? null],
  );
  return rows[0];
}

/** Extends this process's lease on a run; false when the run is no longer its own. */
export async function extendRunLease(db: Queryable, runId: string, workerId: string, leaseMs: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `update pull_runs set claimed_until = now() + $3 * interval '1 millisecond' where id = $1 and claimed_by = $2 and status = 'running'`,
    [runId, workerId, leaseMs],
  );
  return rowCount > 0;
}

export async function getRun(db: Queryable, orgId: string, runId: string): Promise<PullRunRow | undefined> {
  const { rows } = await db.query<PullRunRow>('select * from pull_runs where org_id = $1 and id = $2', [orgId, runId]);
  return rows[0];
}

export async function getRunById(db: Queryable, runId: string): Promise<PullRunRow | undefined> {
  const { rows } = await db.query<PullRunRow>('select * from pull_runs where id = $1', [runId]);
  return rows[0];
}

/** Runs of an organization (optionally one rule), newest first. */
export async function listRuns(db: Queryable, orgId: string, o: { ruleId?: string; limit: number; beforeSeq?: number }): Promise<PullRunRow[]> {
  const params: unknown[] = [orgId, o.limit];
  let where = 'org_id = $1';
  if (o.ruleId) where += ` and rule_id = $${params.push(o.ruleId)}`;
  if (o.beforeSeq !== undefined) where += ` and seq < $${params.push(o.beforeSeq)}`;
  const { rows } = await db.query<PullRunRow>(`select * from pull_runs where ${where} order by seq desc limit $2`, params);
  return rows;
}

export interface PullRunLogRow {
  id: number;
  run_id: string;
  salesforce_id: string | null;
  reason: string;
  message: string | null;
  at: Date;
}

export async function listRunLog(db: Queryable, runId: string, o: { limit: number; afterId?: number }): Promise<PullRunLogRow[]> {
  const { rows } = await db.query<PullRunLogRow>('select * from pull_run_log where run_id = $1 and id > $3 order by id limit $2', [runId, o.limit, o.afterId ?? 0]);
  return rows;
}

/** The record count Salesforce reported for the rest of the run (`processed` so far + what is left). */
export async function setRunTotal(db: Queryable, runId: string, workerId: string, remaining: number): Promise<void> {
  await db.query('update pull_runs set total = processed + $3 where id = $1 and claimed_by = $2', [runId, workerId, remaining]);
}

export async function setBulkJob(db: Queryable, runId: string, workerId: string, jobId: string | null): Promise<void> {
  await db.query('update pull_runs set bulk_job_id = $3, bulk_locator = null, bulk_offset = 0 where id = $1 and claimed_by = $2', [runId, workerId, jobId]);
}

/** One batch's results and checkpoint in one statement (migration 008, leadsync_pull_batch). */
export async function recordPullBatch(db: Queryable, orgId: string, runId: string, workerId: string, batch: PullBatch): Promise<{ created: number; updated: number }> {
  const { rows } = await db.query<{ result: { created: number; updated: number } }>('select leadsync_pull_batch($1, $2, $3, $4::jsonb) as result', [orgId, runId, workerId, JSON.stringify(batch)]);
  return rows[0].result;
}

export interface PullBatch {
  updates: Array<{ lead_id: string; email: string | null; fields: Record<string, unknown>; remove: string[] }>;
  inserts: Array<{ email: string; fields: Record<string, unknown> }>;
  skipped: Array<{ salesforce_id: string | null; reason: string; message: string }>;
  processed: number;
  checkpoint: { watermark?: string; reset_seen?: boolean; seen?: string[]; bulk_locator?: string | null; bulk_offset?: number };
}

/** Ends a run (succeeded or failed) and frees the rule for its next run. */
export async function finishRun(db: Queryable, runId: string, workerId: string, status: 'succeeded' | 'failed', error: { code: string; message: string } | null): Promise<void> {
  await db.query(
    // A finished run's total is what it processed (records already taken at the watermark are not counted twice).
    `update pull_runs set status = $3, error = $4::jsonb, finished_at = now(), claimed_by = null, claimed_until = null,
       total = case when $3 = 'succeeded' then processed else total end
     where id = $1 and claimed_by = $2 and status = 'running'`,
    [runId, workerId, status, error ? JSON.stringify(error) : null],
  );
}

/** Hands a run back to wait (`held_until` null: until the connection is usable again), keeping its checkpoint. */
export async function holdRun(db: Queryable, runId: string, workerId: string, until: Date | null, reason: string, countAttempt: boolean): Promise<void> {
  await db.query(
    `update pull_runs set claimed_by = null, claimed_until = null, held_until = $3, hold_reason = $4, attempts = attempts + $5
     where id = $1 and claimed_by = $2 and status = 'running'`,
    [runId, workerId, until, reason, countAttempt ? 1 : 0],
  );
}

/** Lead matches for a batch of pulled records: by stored Salesforce id (15-character form), and by email. */
export async function matchLeads(
  db: Queryable,
  orgId: string,
  idKey: 'salesforce_lead_id' | 'salesforce_contact_id',
  ids15: readonly string[],
  emails: readonly string[],
): Promise<Array<{ id: string; sf15: string | null; email: string | null; seq: number }>> {
  // The key is one of two constants; the expression must match the index's text to use it.
  const expr = idKey === 'salesforce_lead_id' ? "left(fields ->> 'salesforce_lead_id', 15)" : "left(fields ->> 'salesforce_contact_id', 15)";
  const has = idKey === 'salesforce_lead_id' ? "fields ? 'salesforce_lead_id'" : "fields ? 'salesforce_contact_id'";
  const { rows } = await db.query<{ id: string; sf15: string | null; email: string | null; seq: number }>(
    `select id, ${expr} as sf15, email_normalized as email, seq from leads
     where org_id = $1 and ((${has} and ${expr} = any($2::text[])) or email_normalized = any($3::text[]))`,
    [orgId, ids15, emails],
  );
  return rows;
}

