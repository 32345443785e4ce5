/**
 * The embedded data directory holds leads, webhook signing secrets and the token key: it is created
 * 0700 and every file in it is 0600, PGlite's own files included (runtime.md, "Safety at the edges").
 */
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateSecrets, saveSecrets } from '../../src/config/data-dir-secrets.ts';
import { lockDataDir } from '../../src/db/data-dir-lock.ts';
import { openDatabase } from '../../src/db/open.ts';
import { createOrg } from '../../src/db/orgs.ts';

/** Every entry under `dir` with its permission bits, as `relative path → octal mode`. */
async function modes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = { '.': ((await stat(dir)).mode & 0o777).toString(8) };
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full)] = ((await stat(full)).mode & 0o777).toString(8);
  }
  return out;
}

/** The entries whose mode is not 0700 (directories) or 0600 (files). */
async function openEntries(dir: string): Promise<string[]> {
  const wrong: string[] = [];
  for (const [p, mode] of Object.entries(await modes(dir))) {
    const isDir = (await stat(path.join(dir, p))).isDirectory();
    if (mode !== (isDir ? '700' : '600')) wrong.push(`${p} ${mode}`);
  }
  return wrong;
}

/** What `leadsync start` does to its data directory, up to a first write. */
async function startOn(dataDir: string): Promise<void> {
  const lock = await lockDataDir(dataDir);
  const { secrets } = await loadOrCreateSecrets(dataDir);
  const db = await openDatabase({ dataDir });
  const { org, apiKey } = await createOrg(db, 'Private');
  await saveSecrets(dataDir, { ...secrets, demoOrg: { id: org.id, apiKey } });
  await db.close();
  await lock.release();
}

describe('data directory permissions', () => {
  const roots: string[] = [];
  afterAll(async () => {
    for (const root of roots) await rm(root, { recursive: true, force: true });
  });
  const tempRoot = async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'leadsync-perm-'));
    roots.push(root);
    return root;
  };

  it('a new data directory is 0700 and every file in it 0600, PGlite files included, whatever the umask', async () => {
    const previous = process.umask(0o000);
    try {
      const dataDir = path.join(await tempRoot(), 'nested', '.leadsync');
      await startOn(dataDir);
      const found = await modes(dataDir);
      expect(Object.keys(found).length).toBeGreaterThan(20);
      expect(found['secrets.json']).toBe('600');
      expect(await openEntries(dataDir)).toEqual([]);
    } finally {
      process.umask(previous);
    }
  });

  it('an existing directory left open by an older version is tightened on start', async () => {
    const dataDir = path.join(await tempRoot(), 'old');
    await mkdir(path.join(dataDir, 'pgdata'), { recursive: true, mode: 0o777 });
    await chmod(dataDir, 0o755);
    await chmod(path.join(dataDir, 'pgdata'), 0o777);
    await writeFile(path.join(dataDir, 'secrets.json'), JSON.stringify({ secretKey: Buffer.alloc(32, 1).toString('base64'), staffToken: 'lss_old' }), { mode: 0o644 });
    await chmod(path.join(dataDir, 'secrets.json'), 0o644);
    await startOn(dataDir);
    const found = await modes(dataDir);
    expect(found['.']).toBe('700');
    expect(found['pgdata']).toBe('700');
    expect(found['secrets.json']).toBe('600');
    expect(await openEntries(dataDir)).toEqual([]);
  });
});
