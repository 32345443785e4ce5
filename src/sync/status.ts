/**
 * An organization's sync status as api-v1.md answers it (`GET .../integrations/salesforce/sync`),
 * shared by the API route and the CLI (`leadsync sync status` without a running process).
 */
import type { Queryable } from '../db/engine.ts';
import { getConnection } from '../db/salesforce-connections.ts';
import { orgSyncStatus } from '../db/sync.ts';

export type PauseReason = 'api_budget' | 'request_limit' | 'reconnection_required' | 'not_connected';

export interface SyncStatus {
  pending: number;
  in_flight: number;
  errors: number;
  last_run_at: string | null;
  /** Until when a timed pause (API budget or limit) lasts; null when not paused or paused with no end known. */
  paused_until: string | null;
  pause_reason: PauseReason | null;
  api_usage: { used: number; max: number } | null;
}

/**
 * Why nothing is pushed now: no connection (`not_connected`), authorization lost
 * (`reconnection_required`) — both until an admin authorizes, so `paused_until` is null — or a
 * timed pause at the API budget or Salesforce's request limit.
 */
export async function syncStatus(db: Queryable, orgId: string, now = new Date()): Promise<SyncStatus> {
  const s = await orgSyncStatus(db, orgId);
  const c = await getConnection(db, orgId);
  const timed = s.paused_until && s.paused_until > now ? s.paused_until : null;
  let pause: Pick<SyncStatus, 'paused_until' | 'pause_reason'> = { paused_until: null, pause_reason: null };
  if (!c || c.status === 'not_connected') pause = { paused_until: null, pause_reason: 'not_connected' };
  else if (c.status === 'reconnection_required') pause = { paused_until: null, pause_reason: 'reconnection_required' };
  else if (timed) pause = { paused_until: timed.toISOString(), pause_reason: s.pause_reason === 'api_budget' ? 'api_budget' : 'request_limit' };
  return {
    pending: s.pending,
    in_flight: s.in_flight,
    errors: s.errors,
    last_run_at: s.last_run_at ? s.last_run_at.toISOString() : null,
    ...pause,
    api_usage: c?.api_used != null && c.api_max != null ? { used: c.api_used, max: c.api_max } : null,
  };
}
