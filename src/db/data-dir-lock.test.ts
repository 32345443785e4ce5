import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir, processStartTime } from './data-dir-lock.ts';

describe('lockDataDir', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'leadsync-lock-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it('refuses a directory held by a running process, naming it', async () => {
    const dir = await tempDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await writeFile(path.join(dir, 'leadsync.lock'), String(holder.pid));
      const error = await lockDataDir(dir).catch((e) => e);
      expect(error).toBeInstanceOf(DataDirLockedError);
      expect(error.message).toContain(String(holder.pid));
      expect(error.message).toContain(path.resolve(dir));
    } finally {
      holder.kill();
    }
  });

  it('takes over a lock whose process no longer runs', async () => {
    const dir = await tempDir();
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => gone.on('exit', r));
    await writeFile(path.join(dir, 'leadsync.lock'), String(gone.pid));
    const lock = await lockDataDir(dir);
    expect(JSON.parse(await readFile(path.join(dir, 'leadsync.lock'), 'utf8'))).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  it.runIf(process.platform === 'linux')('records the process start time beside the pid', async () => {
    const dir = await tempDir();
    const lock = await lockDataDir(dir);
    const recorded = JSON.parse(await readFile(path.join(dir, 'leadsync.lock'), 'utf8'));
    expect(recorded).toEqual({ pid: process.pid, started: await processStartTime(process.pid) });
    expect(recorded.started).toMatch(/^\d+$/);
    await lock.release();
  });

  it.runIf(process.platform === 'linux')('takes over a stale lock whose pid now belongs to an unrelated running process', async () => {
    const dir = await tempDir();
    const unrelated = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      await new Promise((r) => unrelated.once('spawn', r));
      const started = await processStartTime(unrelated.pid!);
      // The lock's owner had this pid, but started at another time: the pid was reused.
      await writeFile(path.join(dir, 'leadsync.lock'), JSON.stringify({ pid: unrelated.pid, started: String(Number(started) - 1000) }));
      const lock = await lockDataDir(dir);
      expect(JSON.parse(await readFile(path.join(dir, 'leadsync.lock'), 'utf8')).pid).toBe(process.pid);
      await lock.release();
      // The same pid with its real start time is the owner: refused.
      await writeFile(path.join(dir, 'leadsync.lock'), JSON.stringify({ pid: unrelated.pid, started }));
      await expect(lockDataDir(dir)).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      unrelated.kill();
    }
  });

  it('releases on request so the next process can take it', async () => {
    const dir = await tempDir();
    const first = await lockDataDir(dir);
    await first.release();
    const second = await lockDataDir(dir);
    await second.release();
  });
});
