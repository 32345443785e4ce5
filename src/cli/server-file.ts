/**
 * `server.json` in the embedded data directory: where the running `leadsync start` listens, so that
 * admin commands (`org create`, `sync ...`, `pull`) can ask it instead of failing on the lock
 * (runtime.md). A file of its own, beside the lock (whose format is the lock's business), mode 0600.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface ServerFile {
  /** Base URL a local client reaches the API at (`http://127.0.0.1:PORT`). */
  url: string;
  pid: number;
  started_at: string;
}

const fileOf = (dataDir: string) => path.join(dataDir, 'server.json');

/** The URL a local client uses for a server listening on `host`:`port`. */
export function localUrl(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '127.0.0.1' || host === 'localhost' || host === '') return `http://127.0.0.1:${port}`;
  if (host === '::' || host === '::1') return `http://[::1]:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Written once the API listens (atomically: a reader never sees half a file). */
export async function writeServerFile(dataDir: string, info: ServerFile): Promise<void> {
  const tmp = `${fileOf(dataDir)}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, fileOf(dataDir));
}

export async function readServerFile(dataDir: string): Promise<ServerFile | undefined> {
  try {
    const info = JSON.parse(await readFile(fileOf(dataDir), 'utf8')) as Partial<ServerFile>;
    return typeof info.url === 'string' && Number.isInteger(info.pid) ? (info as ServerFile) : undefined;
  } catch {
    return undefined;
  }
}

/** Removed on shutdown, only by the process that wrote it. */
export async function removeServerFile(dataDir: string, pid = process.pid): Promise<void> {
  if ((await readServerFile(dataDir))?.pid === pid) await rm(fileOf(dataDir), { force: true });
}
