import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { serial } from '../serial.ts';
import type { Database, Queryable, QueryResult } from './engine.ts';

/**
 * PostgreSQL settings of the embedded engine, sized for one LeadSync process (docs/benchmarks.md,
 * "Memory"). PostgreSQL's defaults are a server's: 128 MB of shared buffers alone make PGlite's
 * WebAssembly memory grow past its initial 128 MB, and WebAssembly memory never shrinks. LeadSync's
 * working set (a batch's leads, messages and log rows) fits a fraction of that; what does not is
 * read back from the operating system's file cache.
 */
export const PGLITE_SETTINGS: readonly string[] = [
  'shared_buffers=16MB',
  // Single-user mode: one backend. Lock and process tables are sized from this.
  'max_connections=4',
  // CREATE INDEX in a migration; PostgreSQL's default is 64 MB.
  'maintenance_work_mem=16MB',
];

/** The database thread's young generation (V8's default is 48 MB: three 16 MB semi-spaces). */
const YOUNG_GENERATION_MB = 6;

/**
 * Embedded engine: PGlite in its own thread (src/db/pglite-thread.js), so that its WebAssembly work
 * runs beside the main thread's — the API stays responsive while a batch's results are stored, and
 * a push's Salesforce calls overlap another batch's database work.
 *
 * PGlite is one connection. A transaction holds it exclusively, which is what PostgreSQL's row locks
 * would give one process anyway: other statements wait until it ends, so a transaction's callback
 * uses its `tx` only (a statement on the database from inside it would wait for itself).
 * `dataDir` undefined keeps everything in memory (tests).
 *
 * A data directory without a cluster gets one first from a short-lived child process
 * (createCluster): initdb's memory leaves with it instead of staying in this process for good.
 */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const settings = [...PGLITE_SETTINGS];
  if (dataDir !== undefined && !existsSync(path.join(dataDir, 'PG_VERSION'))) await createCluster(dataDir, settings);
  const thread = await startThread(dataDir, settings);
  const pending = new Map<number, { resolve: (r: QueryResult<any>) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let broken: Error | undefined;

  const failAll = (error: Error) => {
    broken ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
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

const THREAD = fileURLToPath(new URL('./pglite-thread.js', import.meta.url));

/** Runs initdb in the data directory in a child process (pglite-thread.js), whose memory leaves with it. */
async function createCluster(dataDir: string, settings: string[]): Promise<void> {
  const child = spawn(process.execPath, [THREAD, JSON.stringify({ dataDir, settings })], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4096)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`could not create the embedded database in ${dataDir}: ${stderr.trim() || `initdb exited with ${code}`}`);
}

/** Starts pglite-thread.js and waits until PGlite is ready in it; stops it again when PGlite cannot start. */
async function startThread(dataDir: string | undefined, settings: string[]): Promise<Worker> {
  // PGlite's memory is WebAssembly memory; the thread's own JavaScript heap stays small (a young
  // generation of V8's default 16 MB semi-spaces would sit mostly empty and resident).
  const thread = new Worker(THREAD, { workerData: { dataDir, settings }, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  try {
    await new Promise<void>((resolve, reject) => {
      thread.once('message', (m: { type: string; error?: Record<string, unknown> }) => (m.type === 'ready' ? resolve() : reject(toError(m.error))));
      thread.once('error', reject);
      thread.once('exit', (code) => reject(new Error(`the embedded database thread exited (${code}) before it was ready`)));
    });
  } catch (error) {
    await thread.terminate();
    throw error;
  }
  return thread;
}

/** A PostgreSQL error from the thread, with its fields (`code`, `constraint`, …) as PGlite gives them. */
function toError(fields: Record<string, unknown> | undefined): Error {
  const error = new Error(String(fields?.message ?? 'embedded database error'));
  Object.assign(error, fields);
  return error;
}
