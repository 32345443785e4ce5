import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';

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
    expect(await readFile(path.join(dir, 'leadsync.lock'), 'utf8')).toBe(String(process.pid));
    await lock.release();
  });

  it('releases on request so the next process can take it', async () => {
    const dir = await tempDir();
    const first = await lockDataDir(dir);
    await first.release();
    const second = await lockDataDir(dir);
    await second.release();
  });
});
