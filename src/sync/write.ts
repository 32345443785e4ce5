/**
 * Writing a batch to Salesforce (sync-semantics.md, Writing and Errors): sObject Collections of up
 * to 200 records (`allOrNone: false`) folded into Composite requests (one API call each, through
 * salesforce/client), per-record results sorted into done / retry / error, and what a failed
 * request or subrequest means for the batch.
 */
import { COLLECTION_SIZE, compositeChunks, SalesforceNotConnected, SalesforceReconnectionRequired, salesforceErrorCode, type CompositePart, type OrgClient, type SaveResult } from '../salesforce/client.ts';
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

/** Items whose request or subrequest failed without per-record results: they may or may not have been written. */
export interface FailedGroup<K> {
  failure: unknown;
  items: ReadonlyArray<WriteItem<K>>;
}

/**
 * Writing stopped short of per-record answers for some items: a composite that got no answer (all
 * its items and every later one), or subrequests that failed as a whole (theirs). Each group keeps
 * its own failure. `failure` and `unanswered` are the first group's failure and every group's items.
 */
export class WriteInterrupted<K> extends Error {
  readonly failure: unknown;
  readonly unanswered: ReadonlyArray<WriteItem<K>>;
  constructor(readonly groups: ReadonlyArray<FailedGroup<K>>) {
    const failure = groups[0]?.failure;
    super(failure instanceof Error ? failure.message : String(failure));
    this.failure = failure;
    this.unanswered = groups.flatMap((g) => g.items);
  }
}

/** A read in the same composite as the writes, right after the Lead creates: the read-back of the Leads they create. */
export interface ReadBack<K> {
  /** The queries, given the Lead create items; none: no read-back. */
  queries(creates: ReadonlyArray<WriteItem<K>>): string[];
  /** Its records, or its failure (the writes' results stand either way). */
  done(outcome: { records: Record<string, unknown>[] } | { error: unknown }): void;
}

type Part<K> = CompositePart & { items: ReadonlyArray<WriteItem<K>> };

/** Collection parts of `items`, Lead before Contact, creates before updates, up to COLLECTION_SIZE records each; the read-back after the Lead creates. */
function collectionParts<K>(items: ReadonlyArray<WriteItem<K>>, readBack?: ReadBack<K>): Array<Part<K>> {
  const parts: Array<Part<K>> = [];
  for (const object of ['Lead', 'Contact'] as const) {
    for (const action of ['create', 'update'] as const) {
      const group = items.filter((i) => i.object === object && i.action === action);
      for (let n = 0; n < group.length; n += COLLECTION_SIZE) {
        const chunk = group.slice(n, n + COLLECTION_SIZE);
        parts.push({ kind: action, object, records: chunk.map((i) => (action === 'create' ? { ...i.values } : { ...i.values, Id: i.id! })), items: chunk });
      }
      if (object === 'Lead' && action === 'create' && readBack && group.length > 0) for (const soql of readBack.queries(group)) parts.push({ kind: 'query', soql, items: [] });
    }
  }
  return parts;
}

/**
 * Writes the items as sObject Collections subrequests folded into Composite requests (five
 * collections or queries each, so a batch of 200 leads is one call), Lead before Contact, creates
 * before updates; `onResult` sees every answered record in order. A lead with both a Lead and a
 * Contact write has its Contact written in a second round, after its Lead's result is known:
 * `stillWanted` (asked then) leaves out a Contact whose lead was refused on its Lead.
 * Throws WriteInterrupted when a composite or a subrequest gets no per-record answer.
 */
export async function writeItems<K>(
  client: OrgClient,
  items: ReadonlyArray<WriteItem<K>>,
  onResult: (item: WriteItem<K>, result: SaveResult) => void,
  stillWanted: (item: WriteItem<K>) => boolean = () => true,
  readBack?: ReadBack<K>,
): Promise<void> {
  const withLead = new Set(items.filter((i) => i.object === 'Lead').map((i) => i.key));
  const later = items.filter((i) => i.object === 'Contact' && withLead.has(i.key));
  const first = items.filter((i) => !later.includes(i));
  const failed: Array<FailedGroup<K>> = [];
  for (const round of [first, later]) {
    const wanted = round === first ? round : round.filter((i) => stillWanted(i));
    const chunks = compositeChunks(collectionParts(wanted, round === first ? readBack : undefined));
    for (const [c, parts] of chunks.entries()) {
      let answers;
      try {
        answers = await client.composite(parts);
      } catch (error) {
        // No answer: this composite's items, and every one not sent yet, may or may not be written.
        const unsent = [...chunks.slice(c).flat().flatMap((p) => p.items), ...(round === first ? later.filter((i) => stillWanted(i)) : [])];
        if (parts.some((p) => p.kind === 'query')) readBack?.done({ error });
        throw new WriteInterrupted([...failed, { failure: error, items: unsent }]);
      }
      answers.forEach((answer, n) => {
        const part = parts[n];
        if (part.kind === 'query') readBack?.done('error' in answer ? { error: answer.error } : { records: (answer as { records: Record<string, unknown>[] }).records });
        else if ('error' in answer) failed.push({ failure: answer.error, items: part.items });
        else (answer as { results: SaveResult[] }).results.forEach((result, r) => onResult(part.items[r], result));
      });
    }
  }
  if (failed.length > 0) throw new WriteInterrupted(failed);
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
