import type { Queryable } from './engine.ts';

/**
 * Marks a lead for sync, in the caller's transaction. A burst of changes moves `due_at` to the end of
 * the debounce window (trailing debounce), but never past 10 windows after the first unpushed change,
 * so a lead that changes constantly is still pushed. `change_seq` tells a worker that a change
 * arrived during its push (it then leaves the row for the next push instead of deleting it).
 */
export async function markLeadForSync(db: Queryable, orgId: string, leadId: string, debounceMs: number): Promise<void> {
  await db.query(
    `insert into sync_queue (lead_id, org_id, due_at, first_queued_at)
     values ($1, $2, now() + $3 * interval '1 millisecond', now())
     on conflict (lead_id) do update set
       change_seq = sync_queue.change_seq + 1,
       refresh_only = false,
       due_at = greatest(sync_queue.due_at,
                         least(now() + $3 * interval '1 millisecond',
                               sync_queue.first_queued_at + 10 * $3 * interval '1 millisecond'))`,
    [leadId, orgId, debounceMs],
  );
  await db.query(`update leads set sync_status = 'pending' where id = $1`, [leadId]);
}

/** "Sync now": the lead is due at once (no debounce, no retry wait left), as a push, not a refresh. */
export async function queueLeadNow(db: Queryable, orgId: string, leadId: string): Promise<void> {
  await db.query(
    `insert into sync_queue (lead_id, org_id, due_at, first_queued_at)
     values ($1, $2, now(), now())
     on conflict (lead_id) do update set due_at = now(), attempts = 0, refresh_only = false, change_seq = sync_queue.change_seq + 1`,
    [leadId, orgId],
  );
  await db.query(`update leads set sync_status = 'pending' where id = $1 and org_id = $2`, [leadId, orgId]);
}
