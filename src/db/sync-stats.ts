/**
 * Sync Health's figures (`GET .../sync/stats?hours=`): per hour, from the sync log and the hourly
 * count of Salesforce API calls (migration 007). How each figure is counted — docs/sync.md, "Stats":
 * - pushed: records written — log entries `create`/`update` with status `success`;
 * - pulled: leads created or updated by Pull Rule runs (`pull_runs.created + updated`), in the hour
 *   the run finished — a run still going counts what it has done so far in the current hour;
 * - failed: log entries with status `error` (a push or pull that ended in error; retries are not);
 * - skipped: log entries `skip` (converted Leads, creates held back by "one person, one record");
 * - api_calls: REST calls made to the organization's Salesforce (src/salesforce/client counts them).
 */
import type { Queryable } from './engine.ts';

export interface StatsBucket {
  start: string;
  pushed: number;
  pulled: number;
  failed: number;
  skipped: number;
  api_calls: number;
}

export interface ErrorCount {
  code: string;
  count: number;
  example_message: string | null;
}

/** One bucket per hour for the last `hours` hours (the current one included), oldest first. */
export async function hourlyStats(db: Queryable, orgId: string, hours: number): Promise<StatsBucket[]> {
  const { rows } = await db.query<{ buckets: StatsBucket[] }>(
    `with hours as (
       select generate_series(date_trunc('hour', now()) - ($2::int - 1) * interval '1 hour', date_trunc('hour', now()), interval '1 hour') as start),
     log as (
       select date_trunc('hour', at) as start,
         count(*) filter (where status = 'success' and operation in ('create', 'update'))::int as pushed,
         count(*) filter (where status = 'error')::int as failed,
         count(*) filter (where operation = 'skip')::int as skipped
       from sync_log where org_id = $1 and at >= date_trunc('hour', now()) - ($2::int - 1) * interval '1 hour'
       group by 1),
     pulls as (
       select date_trunc('hour', coalesce(finished_at, now())) as start, sum(created + updated)::int as pulled
       from pull_runs where org_id = $1 and coalesce(finished_at, now()) >= date_trunc('hour', now()) - ($2::int - 1) * interval '1 hour'
       group by 1),
     calls as (
       select hour as start, calls from salesforce_api_calls
       where org_id = $1 and hour >= date_trunc('hour', now()) - ($2::int - 1) * interval '1 hour')
     select coalesce(json_agg(json_build_object(
         'start', to_char(h.start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.000"Z"'),
         'pushed', coalesce(l.pushed, 0), 'pulled', coalesce(p.pulled, 0), 'failed', coalesce(l.failed, 0),
         'skipped', coalesce(l.skipped, 0), 'api_calls', coalesce(c.calls, 0)) order by h.start), '[]') as buckets
     from hours h left join log l on l.start = h.start left join pulls p on p.start = h.start left join calls c on c.start = h.start`,
    [orgId, hours],
  );
  return rows[0].buckets;
}

/** Errors of the last `hours` hours by Salesforce's (or LeadSync's) code, most frequent first, with the latest message. */
export async function errorsByCode(db: Queryable, orgId: string, hours: number): Promise<ErrorCount[]> {
  const { rows } = await db.query<ErrorCount>(
    `select coalesce(error_code, 'UNKNOWN') as code, count(*)::int as count,
       (array_agg(message order by id desc))[1] as example_message
     from sync_log where org_id = $1 and status = 'error' and at >= date_trunc('hour', now()) - ($2::int - 1) * interval '1 hour'
     group by 1 order by 2 desc, 1`,
    [orgId, hours],
  );
  return rows;
}
