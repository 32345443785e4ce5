/**
 * The push queue seen from a worker (sync-semantics.md, Writing and Errors): which organization to
 * serve, lingering for a fuller batch, claiming due leads (`FOR UPDATE SKIP LOCKED`), and the retry
 * schedule. The rows themselves (due_at, change_seq, attempts, claims) live in src/db/sync.ts.
 */
import type { Queryable } from '../db/engine.ts';
import { claimBatch, countDue, extendClaims, type ClaimedRow } from '../db/sync.ts';
import { serial } from '../serial.ts';

/** At most this many leads a batch: one sObject Collections request per object and action. */
export const BATCH_SIZE = 200;
/** Transient failures are tried at most this many times in all, then the lead's sync is `error`. */
export const MAX_ATTEMPTS = 8;
/** A claim outlives a slow batch; a worker that died hands its leads back when the lease ends. */
export const LEASE_SECONDS = 300;

/** Exponential backoff with jitter (half fixed, half random), capped at 10 minutes. */
export function backoffMs(attempt: number, baseMs: number): number {
  const cap = Math.min(600_000, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + (Math.random() * cap) / 2);
}

/**
 * After a transient failure of try number `attemptsBefore + 1`: try again later, or give up.
 * `attemptsBefore` is what the queue row says (failed tries so far).
 */
export function afterTransientFailure(attemptsBefore: number): 'retry' | 'error' {
  return attemptsBefore + 1 < MAX_ATTEMPTS ? 'retry' : 'error';
}

/**
 * Waits while a partial batch may still fill: until 200 are due, until no new lead became due for
 * the linger time, or at the latest 10 × linger after it began (sync-semantics.md, Batching).
 */
export async function lingerForBatch(db: Queryable, orgId: string, lingerMs: number, isRunning: () => boolean = () => true): Promise<void> {
  const started = Date.now();
  let count = await countDue(db, orgId, BATCH_SIZE);
  let changedAt = started;
  const step = Math.max(10, Math.min(250, lingerMs / 4));
  while (isRunning() && count < BATCH_SIZE && Date.now() - changedAt < lingerMs && Date.now() - started < 10 * lingerMs) {
    await new Promise((r) => setTimeout(r, step));
    const next = await countDue(db, orgId, BATCH_SIZE);
    if (next !== count) changedAt = Date.now();
    count = next;
  }
}

/**
 * Lingers, then claims up to 200 due leads of the organization for this worker (others skip them).
 * Claims nothing once `isRunning` turns false (a stopping worker takes no new work).
 */
export async function claimDue(db: Queryable, orgId: string, workerId: string, lingerMs: number, leaseSeconds = LEASE_SECONDS, isRunning: () => boolean = () => true): Promise<ClaimedRow[]> {
  await lingerForBatch(db, orgId, lingerMs, isRunning);
  if (!isRunning()) return [];
  return claimBatch(db, orgId, workerId, BATCH_SIZE, leaseSeconds);
}

/**
 * The push loops of one process take turns at lingering and claiming (pushing runs concurrently):
 * a loop never claims the few leads that arrived while another loop was claiming a full batch, so
 * extra loops overlap work without splitting batches. Returns a function that runs its argument in turn.
 */
export function claimTurns(): <T>(claim: () => Promise<T>) => Promise<T> {
  return serial();
}

/**
 * Renews the claim every third of the lease while a batch is worked on, so a Salesforce that
 * answers slowly never hands leads whose write may still commit to another worker (which would
 * find nothing by email yet, and create a duplicate). Returns the function that stops renewing.
 */
export function keepClaimed(db: Queryable, leadIds: readonly string[], workerId: string, leaseSeconds: number, onError: (error: unknown) => void): () => void {
  const timer = setInterval(() => extendClaims(db, leadIds, workerId, leaseSeconds).catch(onError), (leaseSeconds * 1000) / 3);
  timer.unref();
  return () => clearInterval(timer);
}
