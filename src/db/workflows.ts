import { randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from './engine.ts';
import { pageOf, type RowPage } from './page.ts';

export interface WorkflowRow {
  id: string;
  org_id: string;
  name: string;
  trigger: string;
  conditions: unknown;
  actions: Array<Record<string, unknown>>;
  signing_secret: string;
  enabled: boolean;
  created_at: Date;
  /** Its position in the organization's list (bigint: a string from node-postgres). */
  seq: number | string;
}

export interface WorkflowEventRow {
  id: number;
  org_id: string;
  lead_id: string;
  trigger: string;
  payload: Record<string, unknown>;
  created_at: Date;
}

export interface WorkflowActionRow {
  id: string;
  run_id: string;
  org_id: string;
  lead_id: string;
  position: number;
  type: string;
  spec: Record<string, unknown>;
  event: Record<string, unknown>;
  status: 'pending' | 'retrying' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  output: unknown;
}

export async function insertWorkflow(db: Queryable, w: Pick<WorkflowRow, 'org_id' | 'name' | 'trigger' | 'conditions' | 'actions'>): Promise<WorkflowRow> {
  const { rows } = await db.query<WorkflowRow>(
    `insert into workflows (id, org_id, name, trigger, conditions, actions, signing_secret)
     values ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7) returning *`,
    [randomUUID(), w.org_id, w.name, w.trigger, JSON.stringify(w.conditions), JSON.stringify(w.actions), `whsec_${randomBytes(24).toString('base64url')}`],
  );
  return rows[0];
}

/** Replaces a workflow's definition (its id, signing secret and runs stay); undefined when there is none. */
export async function updateWorkflow(
  db: Queryable,
  orgId: string,
  id: string,
  w: Pick<WorkflowRow, 'name' | 'trigger' | 'conditions' | 'actions'> & { enabled?: boolean },
): Promise<WorkflowRow | undefined> {
  const { rows } = await db.query<WorkflowRow>(
    `update workflows set name = $3, trigger = $4, conditions = $5::jsonb, actions = $6::jsonb, enabled = coalesce($7, enabled)
      where org_id = $1 and id = $2 returning *`,
    [orgId, id, w.name, w.trigger, JSON.stringify(w.conditions), JSON.stringify(w.actions), w.enabled ?? null],
  );
  return rows[0];
}

export async function getWorkflow(db: Queryable, orgId: string, id: string): Promise<WorkflowRow | undefined> {
  const { rows } = await db.query<WorkflowRow>('select * from workflows where org_id = $1 and id = $2', [orgId, id]);
  return rows[0];
}

/** An organization's workflows in the order they were created, a page at a time. */
export async function listWorkflows(db: Queryable, orgId: string, options: { limit: number; afterSeq?: number }): Promise<RowPage<WorkflowRow, number>> {
  const { rows } = await db.query<WorkflowRow>('select * from workflows where org_id = $1 and seq > $3 order by seq limit $2', [orgId, options.limit + 1, options.afterSeq ?? 0]);
  return pageOf(rows, options.limit, (last) => Number(last.seq));
}

export async function deleteWorkflow(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query('delete from workflows where org_id = $1 and id = $2', [orgId, id]);
  return rowCount > 0;
}

/**
 * Records a lead event for workflows, in the caller's transaction — only when the organization has
 * an enabled workflow on that trigger, so events cost nothing to organizations without workflows.
 */
export async function emitWorkflowEvent(db: Queryable, orgId: string, leadId: string, trigger: string, payload: Record<string, unknown> = {}): Promise<void> {
  await db.query(
    `insert into workflow_events (org_id, lead_id, trigger, payload)
     select $1, $2, $3, $4::jsonb
     where exists (select 1 from workflows where org_id = $1 and trigger = $3 and enabled)`,
    [orgId, leadId, trigger, JSON.stringify(payload)],
  );
}

/** Takes up to `limit` events, oldest first, locked against other runners (delete at commit). */
export async function claimEvents(db: Queryable, limit: number): Promise<WorkflowEventRow[]> {
  const { rows } = await db.query<WorkflowEventRow>(
    `delete from workflow_events where id in (
       select id from workflow_events order by id limit $1 for update skip locked)
     returning *`,
    [limit],
  );
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
}

export async function workflowsForTrigger(db: Queryable, orgId: string, trigger: string): Promise<WorkflowRow[]> {
  const { rows } = await db.query<WorkflowRow>('select * from workflows where org_id = $1 and trigger = $2 and enabled order by created_at, id', [orgId, trigger]);
  return rows;
}

export async function insertRun(
  db: Queryable,
  run: { workflow: WorkflowRow; lead_id: string; trigger: string; matched: boolean; event: Record<string, unknown> },
): Promise<string> {
  const id = randomUUID();
  await db.query('insert into workflow_runs (id, workflow_id, org_id, lead_id, trigger, matched) values ($1, $2, $3, $4, $5, $6)', [
    id,
    run.workflow.id,
    run.workflow.org_id,
    run.lead_id,
    run.trigger,
    run.matched,
  ]);
  if (run.matched) {
    for (const [position, spec] of run.workflow.actions.entries()) {
      await db.query(
        `insert into workflow_actions (id, run_id, org_id, lead_id, position, type, spec, event)
         values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb)`,
        [randomUUID(), id, run.workflow.org_id, run.lead_id, position, spec.type, JSON.stringify(spec), JSON.stringify(run.event)],
      );
    }
  }
  return id;
}

/**
 * Claims due actions whose earlier actions in the same run are finished (actions of a run run in
 * order). A claim lasts `leaseSeconds`; a runner that dies hands its actions back by expiry.
 */
export async function claimDueActions(db: Queryable, limit: number, leaseSeconds: number): Promise<WorkflowActionRow[]> {
  const { rows } = await db.query<WorkflowActionRow>(
    `update workflow_actions set claimed_until = now() + $2 * interval '1 second'
     where id in (
       select a.id from workflow_actions a
       where a.status in ('pending', 'retrying') and a.next_attempt_at <= now()
         and (a.claimed_until is null or a.claimed_until < now())
         and not exists (select 1 from workflow_actions p
                         where p.run_id = a.run_id and p.position < a.position and p.status in ('pending', 'retrying'))
       order by a.next_attempt_at limit $1 for update skip locked)
     returning *`,
    [limit, leaseSeconds],
  );
  return rows;
}

export async function finishAction(
  db: Queryable,
  id: string,
  result: { status: WorkflowActionRow['status']; output: unknown; retryInMs?: number },
): Promise<void> {
  await db.query(
    `update workflow_actions set status = $2, output = $3::jsonb, attempts = attempts + 1, claimed_until = null,
       next_attempt_at = now() + coalesce($4, 0) * interval '1 millisecond'
     where id = $1`,
    [id, result.status, JSON.stringify(result.output ?? null), result.retryInMs ?? null],
  );
}

export interface RunView {
  id: string;
  lead_id: string;
  trigger: string;
  matched: boolean;
  at: Date;
  seq: number;
  actions: Array<{ type: string; status: string; output: unknown }>;
}

export async function listRuns(db: Queryable, workflowId: string, options: { limit: number; afterSeq?: number }): Promise<{ items: RunView[]; next: number | null }> {
  const { rows } = await db.query<RunView>(
    `select r.id, r.lead_id, r.trigger, r.matched, r.at, r.seq,
       coalesce((select json_agg(json_build_object('type', a.type, 'status', a.status, 'output', a.output) order by a.position)
                 from workflow_actions a where a.run_id = r.id), '[]'::json) as actions
     from workflow_runs r where r.workflow_id = $1 and r.seq > $3 order by r.seq limit $2`,
    [workflowId, options.limit + 1, options.afterSeq ?? 0],
  );
  return pageOf(rows, options.limit, (last) => Number(last.seq));
}

export async function insertOutboxEmail(
  db: Queryable,
  email: { org_id: string; action_id: string; recipient: string; subject: string; body: string; status: 'outbox' | 'sent' },
): Promise<string> {
  const id = randomUUID();
  await db.query('insert into email_outbox (id, org_id, action_id, recipient, subject, body, status) values ($1, $2, $3, $4, $5, $6, $7)', [
    id,
    email.org_id,
    email.action_id,
    email.recipient,
    email.subject,
    email.body,
    email.status,
  ]);
  return id;
}

/** An organization's workflow emails, newest first, a page at a time (`beforeSeq`: the previous page's end). */
export async function listOutbox(db: Queryable, orgId: string, options: { limit: number; beforeSeq?: number }) {
  const { rows } = await db.query<{ id: string; recipient: string; subject: string; body: string; status: string; created_at: Date; seq: string }>(
    `select id, recipient, subject, body, status, created_at, seq from email_outbox
     where org_id = $1 and ($3::bigint is null or seq < $3) order by seq desc limit $2`,
    [orgId, options.limit + 1, options.beforeSeq ?? null],
  );
  return pageOf(rows, options.limit, (last) => Number(last.seq));
}
