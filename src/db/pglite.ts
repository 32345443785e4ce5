import { Worker } from 'node:worker_threads';
import { serial } from '../serial.ts';
import type { Database, Queryable, QueryResult } from './engine.ts';

/**
 * Embedded engine: PGlite in its own thread (src/db/pglite-thread.js), so that its WebAssembly work
 * runs beside the main thread's — the API stays responsive while a batch's results are stored, and
 * a push's Salesforce calls overlap another batch's database work.
 *
 * PGlite is one connection. A transaction holds it exclusively, which is what PostgreSQL's row locks
 * would give one process anyway: other statements wait until it ends, so a transaction's callback
 * uses its `tx` only (a statement on the database from inside it would wait for itself).
 * `dataDir` undefined keeps everything in memory (tests).
 */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const thread = new Worker(new URL('./pglite-thread.js', import.meta.url), { workerData: { dataDir } });
  const pending = new Map<number, { resolve: (r: QueryResult<any>) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let broken: Error | undefined;

  const failAll = (error: Error) => {
    broken ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      thread.once('message', (m: { type: string; error?: Record<string, unknown> }) => (m.type === 'ready' ? resolve() : reject(toError(m.error))));
      thread.once('error', reject);
    });
  } catch (error) {
    await thread.terminate();
    throw error;
  }
  thread.on('message', (m: { id: number; rows?: unknown[]; rowCount?: number; error?: Record<string, unknown> }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) thread.unref();
    if (m.error) p.reject(toError(m.error));
    else p.resolve({ rows: m.rows ?? [], rowCount: m.rowCount ?? 0 });
  });
  thread.on('error', (error) => failAll(error));
  thread.on('exit', () => failAll(new Error('the embedded database thread has stopped')));
  // An idle database never keeps the process alive; a statement in flight does.
  thread.unref();

  const send = <R>(message: { type: 'query' | 'close'; text?: string; params?: unknown[] }): Promise<QueryResult<R>> =>
    new Promise((resolve, reject) => {
      if (broken) return reject(broken);
      const id = nextId++;
      if (pending.size === 0) thread.ref();
      pending.set(id, { resolve, reject });
      thread.postMessage({ id, ...message });
    });
  const run = <R>(text: string, params?: unknown[]) => send<R>({ type: 'query', text, params: params ?? [] });

  // One holder at a time: a transaction, or a single statement.
  const exclusive = serial();

  const tx: Queryable = { query: run };
  return {
    engine: 'pglite',
    query<R>(text: string, params?: unknown[]) {
      return exclusive(() => run<R>(text, params));
    },
    transaction(fn) {
      return exclusive(async () => {
        await run('begin');
        try {
          const result = await fn(tx);
          await run('commit');
          return result;
        } catch (error) {
          await run('rollback').catch(() => {});
          throw error;
        }
      });
    },
    async close() {
      await exclusive(async () => {
        if (!broken) await send({ type: 'close' }).catch(() => {});
        await thread.terminate();
      });
    },
  };
}

/** A PostgreSQL error from the thread, with its fields (`code`, `constraint`, …) as PGlite gives them. */
function toError(fields: Record<string, unknown> | undefined): Error {
  const error = new Error(String(fields?.message ?? 'embedded database error'));
  Object.assign(error, fields);
  return error;
}
