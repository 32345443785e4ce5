/**
 * The workflow runner: evaluates lead events against the organization's workflows (recording every
 * evaluation as a run), then executes due actions from the durable action table, in order within a
 * run, with retries and backoff. Runs in the worker loop, never inline in a request.
 */
import type { Logger } from 'pino';
import type { Transporter } from 'nodemailer';
import type { Database } from '../db/engine.ts';
import { getLead } from '../db/leads.ts';
import { claimDueActions, claimEvents, finishAction, insertRun, workflowsForTrigger, type WorkflowActionRow } from '../db/workflows.ts';
import { evaluateConditions, type Conditions } from './conditions.ts';
import { MAX_ATTEMPTS, runAction } from './actions.ts';

export interface RunnerDeps {
  db: Database;
  logger: Logger;
  allowedWebhookHosts: readonly string[];
  debounceMs: number;
  mailer?: Transporter;
  /** Base of the retry backoff (ms); tests shorten it. */
  retryBaseMs?: number;
}

/** Exponential backoff with full jitter: attempt 1 → up to base, 2 → up to 2×base, … */
export function retryDelayMs(attempt: number, baseMs: number): number {
  const cap = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.round(cap / 2 + Math.random() * (cap / 2));
}

/** One pass: evaluate pending events, then run due actions. Returns how much work it did. */
export async function runWorkflowsOnce(deps: RunnerDeps): Promise<number> {
  const evaluated = await evaluateEvents(deps);
  const executed = await executeActions(deps);
  return evaluated + executed;
}

async function evaluateEvents(deps: RunnerDeps): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const events = await claimEvents(tx, 100);
    for (const event of events) {
      const lead = await getLead(tx, event.org_id, event.lead_id);
      if (!lead) continue;
      const snapshot = { event: event.trigger, lead: { id: lead.id, source: lead.source, fields: lead.fields, created_at: lead.created_at, updated_at: lead.updated_at }, ...event.payload };
      for (const workflow of await workflowsForTrigger(tx, event.org_id, event.trigger)) {
        const matched = evaluateConditions(workflow.conditions as Conditions, lead.fields);
        await insertRun(tx, { workflow, lead_id: lead.id, trigger: event.trigger, matched, event: snapshot });
      }
    }
    return events.length;
  });
}

async function executeActions(deps: RunnerDeps): Promise<number> {
  const actions = await claimDueActions(deps.db, 20, 60);
  await Promise.all(actions.map((action) => executeOne(deps, action)));
  return actions.length;
}

async function executeOne(deps: RunnerDeps, action: WorkflowActionRow): Promise<void> {
  const { rows } = await deps.db.query<{ signing_secret: string }>(
    'select w.signing_secret from workflow_runs r join workflows w on w.id = r.workflow_id where r.id = $1',
    [action.run_id],
  );
  try {
    const outcome = await runAction(action, {
      db: deps.db,
      allowedWebhookHosts: deps.allowedWebhookHosts,
      debounceMs: deps.debounceMs,
      mailer: deps.mailer,
      signingSecret: rows[0]?.signing_secret ?? '',
    });
    const attempt = action.attempts + 1;
    if (outcome.status === 'retry') {
      const last = attempt >= MAX_ATTEMPTS;
      await finishAction(deps.db, action.id, {
        status: last ? 'failed' : 'retrying',
        output: { ...outcome.output, attempts: attempt },
        retryInMs: last ? undefined : retryDelayMs(attempt, deps.retryBaseMs ?? 2000),
      });
    } else {
      await finishAction(deps.db, action.id, { status: outcome.status, output: { ...outcome.output, attempts: attempt } });
    }
  } catch (error) {
    deps.logger.error({ err: error, action_id: action.id }, 'workflow action crashed');
    await finishAction(deps.db, action.id, { status: 'retrying', output: { error: 'internal error' }, retryInMs: retryDelayMs(action.attempts + 1, deps.retryBaseMs ?? 2000) });
  }
}
