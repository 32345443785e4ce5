/**
 * Writing a batch to Salesforce (sync-semantics.md, Writing and Errors): sObject Collections of up
 * to 200 records (`allOrNone: false`, through salesforce/client), per-record results sorted into
 * done / retry / error, and what a failed request means for the whole batch.
 */
import { SalesforceNotConnected, SalesforceReconnectionRequired, salesforceErrorCode, type OrgClient, type SaveResult } from '../salesforce/client.ts';
import { afterTransientFailure } from './queue.ts';

/** Codes Salesforce answers when trying again later can succeed. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'REQUEST_RUNNING_TOO_LONG', 'QUERY_TIMEOUT']);

/** A request that got no Salesforce answer (closed, reset, timed out): it may have been committed. */
export const NO_ANSWER = 'CONNECTION_ERROR';

export interface WriteItem<K> {
  key: K;
  object: 'Lead' | 'Contact';
  action: 'create' | 'update';
  /** The record to update (update only). */
  id?: string;
  values: Record<string, unknown>;
}

export type RecordOutcome = { status: 'success'; id: string | undefined } | { status: 'retrying' | 'error'; code: string; message: string };

/** One record's result: success, a transient error with tries left (retrying), or an error. */
export function recordOutcome(result: SaveResult, attemptsBefore: number): RecordOutcome {
  if (result.success) return { status: 'success', id: result.id };
  const e = result.errors[0] ?? { statusCode: 'UNKNOWN', message: 'Salesforce gave no reason' };
  const retry = TRANSIENT_CODES.has(e.statusCode) && afterTransientFailure(attemptsBefore) === 'retry';
  return { status: retry ? 'retrying' : 'error', code: e.statusCode, message: e.message };
}

/** A request failed part-way: `unanswered` items may or may not have been written. */
export class WriteInterrupted<K> extends Error {
  constructor(
    readonly failure: unknown,
    readonly unanswered: ReadonlyArray<WriteItem<K>>,
  ) {
    super(failure instanceof Error ? failure.message : String(failure));
  }
}

/**
 * Writes the items, Lead before Contact, creates before updates, one Collections request per
 * object and action (the client splits past 200); `onResult` sees every answered record in order.
 * Throws WriteInterrupted when a request gets no per-record answer.
 */
export async function writeItems<K>(
  client: OrgClient,
  items: ReadonlyArray<WriteItem<K>>,
  onResult: (item: WriteItem<K>, result: SaveResult) => void,
  /** Asked just before each request: false leaves the item out (its lead failed on an earlier object). */
  stillWanted: (item: WriteItem<K>) => boolean = () => true,
): Promise<void> {
  const answered = new Set<WriteItem<K>>();
  const dropped = new Set<WriteItem<K>>();
  try {
    for (const object of ['Lead', 'Contact'] as const) {
      for (const action of ['create', 'update'] as const) {
        const group: Array<WriteItem<K>> = [];
        for (const item of items) {
          if (item.object !== object || item.action !== action) continue;
          if (stillWanted(item)) group.push(item);
          else dropped.add(item);
        }
        if (group.length === 0) continue;
        const results =
          action === 'create'
            ? await client.create(object, group.map((i) => ({ ...i.values })))
            : await client.update(object, group.map((i) => ({ ...i.values, Id: i.id! })));
        results.forEach((result, n) => {
          answered.add(group[n]);
          onResult(group[n], result);
        });
      }
    }
  } catch (error) {
    throw new WriteInterrupted(error, items.filter((i) => !answered.has(i) && !dropped.has(i)));
  }
}

/**
 * What a failed request (a read or a write) means for the batch: `hold` — authorization lost or
 * absent, keep the leads queued untouched; `pause` — the API limit, pause the organization; `retry`
 * — anything else, each lead retried with backoff while it has tries left.
 */
export function requestFailure(error: unknown): { kind: 'hold' | 'pause' | 'retry'; code: string; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof SalesforceReconnectionRequired || error instanceof SalesforceNotConnected) return { kind: 'hold', code: 'NOT_CONNECTED', message };
  const code = salesforceErrorCode(error);
  if (code === 'REQUEST_LIMIT_EXCEEDED') return { kind: 'pause', code, message };
  return { kind: 'retry', code: code ?? NO_ANSWER, message };
}
