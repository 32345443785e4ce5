import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engineName, type TestDatabase } from '../../test/helpers/database.ts';
import { releaseClaimsOfDeadProcesses } from './claims.ts';
import { createOrg } from './orgs.ts';

// The crash test (test/reliability/crash.test.ts) shows a restarted embedded `start` resuming a
// killed one's push at once; this covers every kind of claim the function hands back.
describe(`claims of dead processes (${engineName})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it('hands back claimed leads, pull runs and workflow actions; touches nothing else', async () => {
    const db = t.db;
    const { org } = await createOrg(db, 'Crashed');
    const lead = (await db.query<{ id: string }>("insert into leads (id, org_id, email_normalized, fields) values (gen_random_uuid(), $1, 'a@example.com', '{}') returning id", [org.id])).rows[0].id;
    const other = (await db.query<{ id: string }>("insert into leads (id, org_id, email_normalized, fields) values (gen_random_uuid(), $1, 'b@example.com', '{}') returning id", [org.id])).rows[0].id;
    await db.query("insert into sync_queue (lead_id, org_id, due_at, claimed_by, claimed_until) values ($1, $2, now(), 'dead-worker', now() + interval '1 hour')", [lead, org.id]);
    await db.query('insert into sync_queue (lead_id, org_id, due_at) values ($1, $2, now())', [other, org.id]);
    const rule = (await db.query<{ id: string }>("insert into pull_rules (id, org_id, position, name, object, filter, enabled, interval_minutes) values (gen_random_uuid(), $1, 0, 'r', 'Lead', 'Id != null', true, 60) returning id", [org.id])).rows[0].id;
    await db.query("insert into pull_runs (id, org_id, rule_id, trigger, claimed_by, claimed_until) values (gen_random_uuid(), $1, $2, 'api', 'dead-worker', now() + interval '1 hour')", [org.id, rule]);
    const workflow = (await db.query<{ id: string }>("insert into workflows (id, org_id, name, trigger, conditions, actions, signing_secret) values (gen_random_uuid(), $1, 'w', 'lead.created', '{}', '[]', 's') returning id", [org.id])).rows[0].id;
    const run = (await db.query<{ id: string }>("insert into workflow_runs (id, workflow_id, org_id, lead_id, trigger, matched) values (gen_random_uuid(), $1, $2, $3, 'lead.created', true) returning id", [workflow, org.id, lead])).rows[0].id;
    await db.query("insert into workflow_actions (id, run_id, org_id, lead_id, position, type, spec, event, claimed_until) values (gen_random_uuid(), $1, $2, $3, 0, 'email', '{}', '{}', now() + interval '1 hour')", [run, org.id, lead]);

    expect(await releaseClaimsOfDeadProcesses(db)).toEqual({ leads: 1, pullRuns: 1, workflowActions: 1 });

    const queue = await db.query<{ lead_id: string; claimed_by: string | null; claimed_until: Date | null }>('select lead_id, claimed_by, claimed_until from sync_queue order by lead_id');
    expect(queue.rows).toHaveLength(2);
    for (const row of queue.rows) expect([row.claimed_by, row.claimed_until]).toEqual([null, null]);
    expect((await db.query('select 1 from pull_runs where claimed_by is not null or claimed_until is not null')).rowCount).toBe(0);
    expect((await db.query("select 1 from pull_runs where status = 'running'")).rowCount).toBe(1);
    expect((await db.query('select 1 from workflow_actions where claimed_until is not null')).rowCount).toBe(0);
    // Nothing left to hand back the second time.
    expect(await releaseClaimsOfDeadProcesses(db)).toEqual({ leads: 0, pullRuns: 0, workflowActions: 0 });
  });
});
