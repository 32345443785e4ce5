import type { Queryable } from './engine.ts';

/**
 * Hands back every claim in the database: leads being pushed (sync_queue), pull runs, workflow
 * actions. Only for the embedded engine at start-up: the data directory's lock makes the process
 * holding it the only one that opens the database, so a claim found then was made by a process that
 * died (`kill -9`, a power cut) and nobody will finish it. Handed back at once, its work resumes now
 * instead of when its lease runs out (LEADSYNC_SYNC_LEASE_SECONDS; docs/reliability.md). On
 * PostgreSQL other processes may be alive and working: there, leases decide.
 */
export async function releaseClaimsOfDeadProcesses(db: Queryable): Promise<{ leads: number; pullRuns: number; workflowActions: number }> {
  const leads = await db.query('update sync_queue set claimed_by = null, claimed_until = null where claimed_until is not null');
  const pullRuns = await db.query(`update pull_runs set claimed_by = null, claimed_until = null where status = 'running' and claimed_until is not null`);
  const workflowActions = await db.query('update workflow_actions set claimed_until = null where claimed_until is not null');
  return { leads: leads.rowCount, pullRuns: pullRuns.rowCount, workflowActions: workflowActions.rowCount };
}
