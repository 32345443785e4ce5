/**
 * The scheduler: a due rule fires exactly once with two schedulers running (on PostgreSQL each with
 * its own connection pool, as two `leadsync worker` processes), and the schedule is kept in the
 * database across restarts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/engine.ts';
import { openDatabase } from '../db/open.ts';
import { engineName } from '../../test/helpers/database.ts';
import { connectedOrg, sandboxControl, startWorld, type ConnectedWorld } from '../../test/helpers/salesforce.ts';
import { createLogger } from '../logger.ts';
import { SalesforceClients } from '../salesforce/client.ts';
import { startPullScheduler } from './pull-scheduler.ts';
import type { PullDeps } from './pull.ts';

describe(`pull scheduler (${engineName})`, () => {
  let world: ConnectedWorld;
  let second: Database;
  let org: { id: string; apiKey: string };
  const deps = (db: Database, workerId: string): PullDeps => ({
    db,
    config: world.api.config,
    logger: createLogger('silent'),
    clients: new SalesforceClients({ db, config: world.api.config }),
    workerId,
    pageSize: 200,
    batchSize: 50,
  });
  const runsOf = async (ruleId: string) => (await world.api.database.db.query<{ id: string; status: string; trigger: string; created: number }>('select id, status, trigger, created from pull_runs where rule_id = $1', [ruleId])).rows;
  const waitFor = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 300; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('timed out');
  };

  beforeAll(async () => {
    world = await startWorld();
    // A second process's own connections (PostgreSQL); PGlite serves one process, so both share it.
    second = world.api.database.url ? await openDatabase({ databaseUrl: world.api.database.url }) : world.api.database.db;
    org = await connectedOrg(world, 'Scheduled');
    const records = Array.from({ length: 300 }, (_, i) => ({ LastName: `S${i}`, Company: 'Sched Co', Email: `s${i}@sched.example`, LeadSource: 'Web' }));
    for (const r of records) await sandboxControl(world.sandbox, 'POST', '/__sandbox/records/Lead', r);
  });
  afterAll(async () => {
    if (second !== world.api.database.db) await second.close();
    await world.close();
  });

  it('a due rule fires once with two schedulers running; the next run time is kept in the database', async () => {
    const put = await world.api.call('PUT', `/api/v1/orgs/${org.id}/integrations/salesforce/pull-rules`, { body: { rules: [{ name: 'Every minute', object: 'Lead', filter: "LeadSource = 'Web'", enabled: true, interval_minutes: 1 }] } });
    const ruleId = put.body.rules[0].id;
    // Not due yet: the first scheduled run is one interval after the rule is saved.
    const [{ due }] = (await world.api.database.db.query<{ due: boolean }>('select next_run_at > now() + interval \'50 seconds\' as due from pull_rules where id = $1', [ruleId])).rows;
    expect(due).toBe(true);

    const a = startPullScheduler(deps(world.api.database.db, 'worker-a'), 20);
    const b = startPullScheduler(deps(second, 'worker-b'), 20);
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(await runsOf(ruleId)).toEqual([]);
      await world.api.database.db.query('update pull_rules set next_run_at = now() where id = $1', [ruleId]);
      await waitFor(async () => (await runsOf(ruleId)).some((r) => r.status === 'succeeded'));
      // Both keep ticking; the rule is not due again for a minute.
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    const runs = await runsOf(ruleId);
    expect(runs).toEqual([{ id: expect.any(String), status: 'succeeded', trigger: 'schedule', created: 300 }]);
    const { rows } = await world.api.database.db.query<{ n: number }>('select count(*)::int as n from leads where org_id = $1', [org.id]);
    expect(rows[0].n).toBe(300);

    // A restarted scheduler reads the schedule from the database: nothing until the rule is due again.
    const c = startPullScheduler(deps(second, 'worker-c'), 20);
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(await runsOf(ruleId)).toHaveLength(1);
      await world.api.database.db.query('update pull_rules set next_run_at = now() where id = $1', [ruleId]);
      await waitFor(async () => (await runsOf(ruleId)).filter((r) => r.status === 'succeeded').length === 2);
    } finally {
      await c.stop();
    }
    expect((await runsOf(ruleId)).map((r) => r.created).sort()).toEqual([0, 300]);
  });
});
