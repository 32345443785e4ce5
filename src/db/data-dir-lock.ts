import { chmod, mkdir, open, readFile, rm } from 'node:fs/promises';
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

/** What the lock file records: the owner's pid and, on Linux, when that process started. */
interface LockOwner {
  pid: number;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat); absent where unknown. */
  started?: string;
}

/**
 * Takes the data directory for this process, before anything opens PGlite or listens: PGlite is
 * single-writer and a second process would corrupt it. The lock file is created exclusively and
 * records the pid and the process's start time. A lock whose process no longer runs (kill -9, power
 * loss) is taken over — also when its pid now belongs to another process, which started at another time.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  // Created 0700 (it will hold leads and secrets); an existing one is made private too.
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  const file = path.join(dataDir, 'leadsync.lock');
  const me: LockOwner = { pid: process.pid, started: await processStartTime(process.pid) };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(JSON.stringify(me));
      await handle.close();
      return {
        async release() {
          const owner = await readOwner(file);
          if (owner?.pid === process.pid) await rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = await readOwner(file);
      if (owner !== undefined && owner.pid !== process.pid && (await isRunning(owner))) throw new DataDirLockedError(dataDir, owner.pid);
      // Stale (or half-written) lock: remove it and try again; `wx` settles a race between two takers.
      if (owner === undefined) await new Promise((r) => setTimeout(r, 50));
      await rm(file, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}

/** The lock's owner: JSON `{pid, started}`, or a bare pid (locks of earlier versions). */
async function readOwner(file: string): Promise<LockOwner | undefined> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).trim();
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value === 'number') value = { pid: value };
  const { pid, started } = (value ?? {}) as Partial<LockOwner>;
  if (!Number.isInteger(pid) || (pid as number) <= 0) return undefined;
  return { pid: pid as number, started: typeof started === 'string' ? started : undefined };
}

/**
 * When a process started, in clock ticks since boot: field 22 of /proc/<pid>/stat (after the
 * command name, which may hold spaces and parentheses). Undefined where there is no /proc.
 */
export async function processStartTime(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state), so field 22 is fields[19].
    return /^\d+$/.test(fields[19] ?? '') ? fields[19] : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the lock's owner still runs: its pid is alive and, when both are known, started when it did. */
async function isRunning(owner: LockOwner): Promise<boolean> {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.started === undefined) return true;
  const started = await processStartTime(owner.pid);
  return started === undefined || started === owner.started;
}
