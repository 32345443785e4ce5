// The embedded engine's own thread: PGlite (PostgreSQL compiled to WebAssembly) runs here, so its
// work leaves the main thread free for the API, the push engine and Salesforce's answers, and a
// second core can do both at once. src/db/pglite.ts is the other side; it owns transactions and
// ordering, this side only runs one statement per message.
//
// Run as a program (`node pglite-thread.js '{"dataDir": ...}'`, with an IPC channel), the same file
// serves a short-lived child process that creates a cluster in a data directory that has none and
// is given the migrations to run on it: initdb needs a second WebAssembly instance, and the first
// run of every migration grows PostgreSQL's caches; neither WebAssembly (its memory never shrinks)
// nor the allocator give that back, a process that exits gives it all back. The long-lived thread
// then opens a finished cluster. (In memory — tests — the thread runs initdb itself.)
// Plain JavaScript: a worker thread or child process starts without the TypeScript loader.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const data = isMainThread ? JSON.parse(process.argv[2]) : workerData;

/** What the main thread needs of a PostgreSQL error: its message and fields such as `code`. */
function describeError(error) {
  if (!(error instanceof Error)) return { message: String(error), name: 'Error' };
  const out = { message: error.message, name: error.name };
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === 'function' || typeof value === 'object') continue;
    out[key] = value;
  }
  return out;
}

/** PGlite's options: its start parameters plus ours (src/db/pglite.ts sizes them). */
function options() {
  return { dataDir: data.dataDir, startParams: [...PGlite.defaultStartParams, ...data.settings.flatMap((s) => ['-c', s])] };
}

// The thread talks to its parent through parentPort, the child process through its IPC channel.
const port = isMainThread
  ? { post: (m) => process.send(m), on: (fn) => process.on('message', fn), close: () => process.disconnect() }
  : { post: (m) => parentPort.postMessage(m), on: (fn) => parentPort.on('message', fn), close: () => parentPort.close() };

let pg;
try {
  pg = new PGlite(options());
  await pg.waitReady;
  port.post({ type: 'ready' });
} catch (error) {
  port.post({ type: 'failed', error: describeError(error) });
  if (isMainThread) {
    process.exitCode = 1;
    process.stderr.write(String(error?.message ?? error));
  }
}

port.on(async (message) => {
  if (message.type === 'close') {
    await pg?.close().catch(() => {});
    port.post({ id: message.id, rows: [], rowCount: 0 });
    port.close();
    return;
  }
  try {
    const result = await pg.query(message.text, message.params);
    port.post({ id: message.id, rows: result.rows, rowCount: result.affectedRows || result.rows.length });
  } catch (error) {
    port.post({ id: message.id, error: describeError(error) });
  }
});
