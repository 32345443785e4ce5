import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    public readonly dataDir: string,
    public readonly pid: number,
  ) {
    super(
      `The data directory ${path.resolve(dataDir)} is in use by another LeadSync process (pid ${pid}). ` +
        'Stop that process first, or give this one its own directory with --data-dir or LEADSYNC_DATA_DIR.',
    );
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

/**
 * Takes the data directory for this process, before anything opens PGlite or listens: PGlite is
 * single-writer and a second process would corrupt it. The lock is a pid file created exclusively;
 * one whose process no longer runs (kill -9, power loss) is taken over.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, 'leadsync.lock');
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return {
        async release() {
          const owner = await readPid(file);
          if (owner === process.pid) await rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = await readPid(file);
      if (owner !== undefined && owner !== process.pid && isRunning(owner)) throw new DataDirLockedError(dataDir, owner);
      // Stale (or half-written) lock: remove it and try again; `wx` settles a race between two takers.
      if (owner === undefined) await new Promise((r) => setTimeout(r, 50));
      await rm(file, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
