/** Data access of Pull Rules: the stored list per organization, the schedule, the incremental state. */
import { randomUUID } from 'node:crypto';
import type { Queryable } from './engine.ts';

export type PullObject = 'Lead' | 'Contact';

export interface PullRuleRow {
  id: string;
  org_id: string;
  position: number;
  name: string;
  object: PullObject;
  filter: string;
  enabled: boolean;
  interval_minutes: number;
  next_run_at: Date | null;
  watermark: string | null;
}

export interface PullRuleInput {
  id?: string;
  name: string;
  object: PullObject;
  filter: string;
  enabled: boolean;
  interval_minutes: number;
}

export async function listPullRules(db: Queryable, orgId: string): Promise<PullRuleRow[]> {
  const { rows } = await db.query<PullRuleRow>('select * from pull_rules where org_id = $1 order by position', [orgId]);
  return rows;
}

export async function getPullRule(db: Queryable, orgId: string, id: string): Promise<PullRuleRow | undefined> {
  const { rows } = await db.query<PullRuleRow>('select * from pull_rules where org_id = $1 and id = $2', [orgId, id]);
  return rows[0];
}

/**
 * Replaces the organization's rules (call inside a transaction). A rule keeps its schedule and
 * incremental state unless its object or filter changed — then the next run reads everything the
 * new filter selects. New and re-enabled rules are first due one interval from now.
 */
export async function replacePullRules(db: Queryable, orgId: string, rules: readonly PullRuleInput[]): Promise<PullRuleRow[]> {
  const previous = new Map((await listPullRules(db, orgId)).map((r) => [r.id, r]));
  const kept = rules.map((r) => r.id).filter((id): id is string => id !== undefined && previous.has(id));
  await db.query('delete from pull_rules where org_id = $1 and not (id = any($2::uuid[]))', [orgId, kept]);
  for (const [position, rule] of rules.entries()) {
    const before = rule.id ? previous.get(rule.id) : undefined;
    const id = before ? before.id : (rule.id ?? randomUUID());
    if (!before) {
      await db.query(
        `insert into pull_rules (id, org_id, position, name, object, filter, enabled, interval_minutes, next_run_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8::integer, now() + $8::integer * interval '1 minute')`,
        [id, orgId, position, rule.name, rule.object, rule.filter, rule.enabled, rule.interval_minutes],
      );
      continue;
    }
    const reset = before.object !== rule.object || before.filter !== rule.filter;
    const reschedule = before.interval_minutes !== rule.interval_minutes || (rule.enabled && !before.enabled);
    await db.query(
      `update pull_rules set position = $3, name = $4, object = $5, filter = $6, enabled = $7, interval_minutes = $8::integer,
         next_run_at = case when $9::boolean then now() + $8::integer * interval '1 minute' else next_run_at end,
         watermark = case when $10::boolean then null else watermark end, updated_at = now()
       where org_id = $1 and id = $2`,
      [orgId, id, position, rule.name, rule.object, rule.filter, rule.enabled, rule.interval_minutes, reschedule, reset],
    );
    if (reset) await db.query('delete from pull_seen where rule_id = $1', [id]);
  }
  return listPullRules(db, orgId);
}

/** Whether a rule id is used by another organization (ids are global; a PUT may not take one over). */
export async function pullRuleIdsElsewhere(db: Queryable, orgId: string, ids: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('select id from pull_rules where id = any($1::uuid[]) and org_id <> $2', [ids, orgId]);
  return rows.map((r) => r.id);
}

/** Which of `ids` (Salesforce ids at the watermark's instant) this rule has taken already. */
export async function seenIds(db: Queryable, ruleId: string, ids: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ salesforce_id: string }>('select salesforce_id from pull_seen where rule_id = $1 and salesforce_id = any($2::text[])', [ruleId, ids]);
  return new Set(rows.map((r) => r.salesforce_id));
}

export async function countSeen(db: Queryable, ruleId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from pull_seen where rule_id = $1', [ruleId]);
  return rows[0].n;
}
