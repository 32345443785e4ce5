// The embedded engine's own thread: PGlite (PostgreSQL compiled to WebAssembly) runs here, so its
// work leaves the main thread free for the API, the push engine and Salesforce's answers, and a
// second core can do both at once. src/db/pglite.ts is the other side; it owns transactions and
// ordering, this side only runs one statement per message.
// Plain JavaScript: a worker thread starts without the TypeScript loader of its parent.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

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

let pg;
try {
  pg = workerData.dataDir === undefined ? new PGlite() : new PGlite(workerData.dataDir);
  await pg.waitReady;
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  parentPort.postMessage({ type: 'failed', error: describeError(error) });
}

parentPort.on('message', async (message) => {
  if (message.type === 'close') {
    await pg?.close().catch(() => {});
    parentPort.postMessage({ id: message.id, rows: [], rowCount: 0 });
    parentPort.close();
    return;
  }
  try {
    const result = await pg.query(message.text, message.params);
    parentPort.postMessage({ id: message.id, rows: result.rows, rowCount: result.affectedRows || result.rows.length });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: describeError(error) });
  }
});
