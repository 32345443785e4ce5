import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fromPackageRoot } from '../package-root.ts';
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
 * A data directory without a cluster gets one first from a short-lived child process, which also
 * runs `prepare` (the migrations) on it: initdb's memory, and what a first run of every migration
 * grows in PostgreSQL's caches and WebAssembly memory (~40 MB), leave with that process instead of
 * staying in this one for good (docs/benchmarks.md, "Memory").
 */
export async function openPglite(dataDir: string | undefined, options: { prepare?: (db: Database) => Promise<unknown> } = {}): Promise<Database> {
  const settings = [...PGLITE_SETTINGS];
  if (dataDir !== undefined && !existsSync(path.join(dataDir, 'PG_VERSION'))) {
    const child = await connect(childPort(dataDir, settings));
    try {
      await options.prepare?.(child);
    } finally {
      await child.close();
    }
    const code = await child.exited;
    if (code !== 0) throw new Error(`could not create the embedded database in ${dataDir}: ${child.stderr() || `its process exited with ${code}`}`);
  }
  return connect(threadPort(dataDir, settings));
}

/** One message to PGlite's side and its answer (src/db/pglite-thread.js). */
type Request = { id: number; type: 'query' | 'close'; text?: string; params?: unknown[] };
type Answer = { id?: number; type?: string; rows?: unknown[]; rowCount?: number; error?: Record<string, unknown> };

/** Where PGlite runs: the long-lived thread, or the short-lived child process that creates a cluster. */
interface Port {
  send(message: Request): void;
  onMessage(listener: (message: Answer) => void): void;
  /** The other side is gone: its exit code, or the error that stopped it. */
  onGone(listener: (error: Error) => void): void;
  /** Keep the process alive while a statement is in flight, not while idle. */
  busy(busy: boolean): void;
  stop(): Promise<void>;
  exited: Promise<number | null>;
  stderr(): string;
}

const THREAD = fromPackageRoot('src/db/pglite-thread.js');

function threadPort(dataDir: string | undefined, settings: string[]): Port {
  // PGlite's memory is WebAssembly memory; the thread's own JavaScript heap stays small (a young
  // generation of V8's default 16 MB semi-spaces would sit mostly empty and resident).
  const thread = new Worker(THREAD, { workerData: { dataDir, settings }, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  const exited = new Promise<number | null>((resolve) => thread.once('exit', resolve));
  return {
    send: (m) => thread.postMessage(m),
    onMessage: (listener) => thread.on('message', listener),
    onGone: (listener) => {
      thread.on('error', listener);
      thread.on('exit', (code) => listener(new Error(`the embedded database thread has stopped (${code})`)));
    },
    busy: (busy) => (busy ? thread.ref() : thread.unref()),
    stop: async () => void (await thread.terminate()),
    exited,
    stderr: () => '',
  };
}

function childPort(dataDir: string, settings: string[]): Port {
  const child = spawn(process.execPath, [THREAD, JSON.stringify({ dataDir, settings })], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4096)));
  // 'exit', not 'close': with an IPC channel, 'close' may never come.
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    send: (m) => void child.send(m),
    onMessage: (listener) => child.on('message', listener),
    onGone: (listener) => {
      child.on('error', listener);
      void exited.then((code) => listener(new Error(`the embedded database's set-up process has stopped (${code}): ${stderr.trim()}`)));
    },
    busy: () => {},
    stop: async () => {
      if (child.connected) child.disconnect();
      await exited;
    },
    exited,
    stderr: () => stderr.trim(),
  };
}

/** A Database over a port: waits until PGlite is ready on the other side; stops it when it cannot start. */
async function connect(port: Port): Promise<Database & { exited: Promise<number | null>; stderr(): string }> {
  const pending = new Map<number, { resolve: (r: QueryResult<any>) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let broken: Error | undefined;
  let ready: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const started = new Promise<void>((resolve, reject) => (ready = { resolve, reject }));

  const failAll = (error: Error) => {
    broken ??= error;
    ready?.reject(error);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  port.onMessage((m) => {
    if (m.type === 'ready') return ready?.resolve();
    if (m.type === 'failed') return ready?.reject(toError(m.error));
    const p = m.id === undefined ? undefined : pending.get(m.id);
    if (!p) return;
    pending.delete(m.id!);
    if (pending.size === 0) port.busy(false);
    if (m.error) p.reject(toError(m.error));
    else p.resolve({ rows: m.rows ?? [], rowCount: m.rowCount ?? 0 });
  });
  port.onGone(failAll);
  try {
    await started;
  } catch (error) {
    await port.stop();
    throw error;
  }
  ready = undefined;
  // An idle database never keeps the process alive; a statement in flight does.
  port.busy(false);

  const send = <R>(message: { type: 'query' | 'close'; text?: string; params?: unknown[] }): Promise<QueryResult<R>> =>
    new Promise((resolve, reject) => {
      if (broken) return reject(broken);
      const id = nextId++;
      if (pending.size === 0) port.busy(true);
      pending.set(id, { resolve, reject });
      port.send({ id, ...message });
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
        await port.stop();
      });
    },
    exited: port.exited,
    stderr: port.stderr,
  };
}

/** A PostgreSQL error from the thread, with its fields (`code`, `constraint`, …) as PGlite gives them. */
function toError(fields: Record<string, unknown> | undefined): Error {
  const error = new Error(String(fields?.message ?? 'embedded database error'));
  Object.assign(error, fields);
  return error;
}
