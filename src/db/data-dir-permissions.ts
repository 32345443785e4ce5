/**
 * The embedded data directory holds leads, webhook signing secrets and the key of the stored
 * Salesforce tokens: only its owner may read it (runtime.md, "Safety at the edges"). Directories
 * are 0700 and files 0600 — PGlite's too, which it creates through Node's fs with the process umask.
 */
import { chmod, readdir } from 'node:fs/promises';
import path from 'node:path';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/**
 * Makes files this process creates from now on private to its user (umask 077). Process-wide: only
 * the embedded engine calls it, in the process that owns the data directory. A worker thread cannot
 * change the umask; there the directory is still tightened by `restrictTree`.
 */
export function restrictUmask(): void {
  try {
    process.umask(process.umask() | 0o077);
  } catch {
    // ERR_WORKER_UNSUPPORTED_OPERATION: leave it to restrictTree.
  }
}

/** Sets `dir` and everything under it to 0700 (directories) and 0600 (files); symbolic links are left alone. */
export async function restrictTree(dir: string): Promise<void> {
  await chmod(dir, DIR_MODE);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await restrictTree(full);
    else if (entry.isFile()) await chmod(full, FILE_MODE);
  }
}
