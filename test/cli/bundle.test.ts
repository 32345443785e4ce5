/**
 * `leadsync` runs the server's bundle (dist/server/leadsync.mjs) while it is current and the
 * TypeScript sources otherwise (scripts/build-server.mjs, bin/leadsync.js). The other CLI tests run
 * whichever the bin picks; these pin the choice and the staleness rule it rests on.
 */
import { mkdtempSync, mkdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_BUNDLE, buildServer, serverBuildIsStale } from '../../scripts/build-server.mjs';
import { isStale } from '../../scripts/stale.mjs';
import { runToEnd } from '../helpers/cli.ts';

describe('the staleness rule (scripts/stale.mjs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leadsync-stale-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

  it('is stale without a build, current after one, stale again when a source below a folder is newer', () => {
    mkdirSync(join(dir, 'src/deep'), { recursive: true });
    writeFileSync(join(dir, 'src/deep/a.ts'), '1');
    at(join(dir, 'src/deep/a.ts'), 1_000);
    at(join(dir, 'src/deep'), 1_000);
    at(join(dir, 'src'), 1_000);
    const stamp = join(dir, 'out.mjs');
    expect(isStale(stamp, [join(dir, 'src')])).toBe(true);
    writeFileSync(stamp, '');
    at(stamp, 2_000);
    expect(isStale(stamp, [join(dir, 'src')])).toBe(false);
    at(join(dir, 'src/deep/a.ts'), 3_000);
    expect(isStale(stamp, [join(dir, 'src')])).toBe(true);
    // A pruned path does not count (tests, the web app).
    expect(isStale(stamp, [join(dir, 'src')], (p: string) => p.endsWith('a.ts'))).toBe(false);
    // Sources that do not exist do not count either.
    expect(isStale(stamp, [join(dir, 'nowhere')])).toBe(false);
  });
});

describe('bin/leadsync.js', () => {
  beforeAll(async () => {
    await buildServer();
  });

  it('runs the bundle while it is current', async () => {
    expect(serverBuildIsStale()).toBe(false);
    const { code, output } = await runToEnd(['--version']);
    expect(code).toBe(0);
    expect(output).toMatch(/^\d+\.\d+\.\d+ \(bundle: dist\/server\/leadsync\.mjs\)/);
  });

  it('runs the sources when asked to (LEADSYNC_FROM_SOURCE=1)', async () => {
    const { code, output } = await runToEnd(['--version'], { LEADSYNC_FROM_SOURCE: '1' });
    expect(code).toBe(0);
    expect(output).toMatch(/\(sources: src\/, through tsx\)/);
  });

  it('runs the sources, never a stale bundle, when a source is newer than the bundle', async () => {
    const built = statSync(SERVER_BUNDLE).mtime;
    try {
      utimesSync(SERVER_BUNDLE, new Date(0), new Date(0));
      expect(serverBuildIsStale()).toBe(true);
      const { code, output } = await runToEnd(['--version']);
      expect(code).toBe(0);
      expect(output).toMatch(/\(sources: src\/, through tsx\)/);
    } finally {
      utimesSync(SERVER_BUNDLE, built, built);
    }
  });

  it('the bundle and the sources offer the same commands', async () => {
    const bundle = await runToEnd(['--help']);
    const sources = await runToEnd(['--help'], { LEADSYNC_FROM_SOURCE: '1' });
    expect(bundle.code).toBe(0);
    expect(bundle.output).toContain('start');
    expect(bundle.output).toBe(sources.output);
  });
});
