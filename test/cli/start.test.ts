/**
 * The `leadsync` command as a person runs it: real processes on a real data directory.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, waitFor, type Run } from '../helpers/cli.ts';
import { createScratchDatabase, dropScratchDatabase, serverUrl } from '../helpers/database.ts';

describe('leadsync start', () => {
  let dir: string;
  let first: Run;
  let url: string;
  let apiKey: string;
  let orgId: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'leadsync-cli-'));
    first = run(['start', '--no-sandbox', '--port', '0', '--data-dir', dir]);
    url = (await waitFor(first, /Web UI:\s+(http:\/\/\S+?)\/\s/))[1];
    apiKey = (await waitFor(first, /Demo API key:\s+(\S+)/))[1];
    orgId = (await waitFor(first, /Demo organization:.*id (\S+)/))[1];
  });

  afterAll(async () => {
    first.child.kill('SIGTERM');
    await first.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the API with the printed demo organization and key', async () => {
    const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(await me.json()).toEqual({ kind: 'org', org: { id: orgId, name: 'Demo Company' } });
    const lead = await fetch(`${url}/api/v1/orgs/${orgId}/leads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fields: { email: 'cli@example.com' } }),
    });
    expect(lead.status).toBe(201);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('prints the staff token on first start and keeps secrets in the data dir, mode 0600', async () => {
    const secrets = JSON.parse(await readFile(path.join(dir, 'secrets.json'), 'utf8'));
    expect(first.output()).toContain(secrets.staffToken);
    expect(Buffer.from(secrets.secretKey, 'base64')).toHaveLength(32);
    const { stat } = await import('node:fs/promises');
    expect((await stat(path.join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600);
  });

  it('a second start on the same data dir refuses with a clear message and never listens', async () => {
    const second = run(['start', '--no-sandbox', '--port', '0', '--data-dir', dir]);
    const code = await second.exited;
    expect(code).not.toBe(0);
    expect(second.output()).toMatch(/data directory .* is in use by another LeadSync process \(pid \d+\)/);
    expect(second.output()).not.toContain('LeadSync is running');
  });

  it('a bad configuration value stops start-up naming the variable', async () => {
    const bad = run(['start', '--no-sandbox', '--port', '0', '--data-dir', dir], { LEADSYNC_API_BUDGET_PERCENT: 'lots' });
    expect(await bad.exited).not.toBe(0);
    expect(bad.output()).toContain('LEADSYNC_API_BUDGET_PERCENT');
  });
});

describe('leadsync CLI arguments', () => {
  it('--help lists the commands', async () => {
    const r = run(['--help']);
    expect(await r.exited).toBe(0);
    for (const cmd of ['start', 'serve', 'worker', 'migrate', 'org', 'sandbox']) expect(r.output()).toContain(cmd);
  });

  it('bad arguments say what is wrong and exit non-zero', async () => {
    const r = run(['start', '--port', 'abc']);
    expect(await r.exited).not.toBe(0);
    expect(r.output()).toMatch(/port/i);
    const unknown = run(['frobnicate']);
    expect(await unknown.exited).not.toBe(0);
    expect(unknown.output()).toMatch(/unknown command/i);
  });

  it('serve and worker refuse to run without DATABASE_URL', async () => {
    for (const cmd of ['serve', 'worker']) {
      const r = run([cmd]);
      expect(await r.exited).not.toBe(0);
      expect(r.output()).toContain('DATABASE_URL');
    }
  });

  it('org create prints an id and a key that the database accepts', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'leadsync-org-'));
    try {
      const r = run(['org', 'create', 'Initech', '--data-dir', dir]);
      expect(await r.exited).toBe(0);
      expect(r.output()).toMatch(/id:\s+[0-9a-f-]{36}/);
      expect(r.output()).toMatch(/API key: lsk_\S+/);
      const m = run(['migrate', '--data-dir', dir]);
      expect(await m.exited).toBe(0);
      expect(m.output()).toContain('001_foundation.sql');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe.runIf(serverUrl)('leadsync serve and worker on PostgreSQL', () => {
  it('one serve and two workers share a database; each refuses to start without LEADSYNC_SECRET_KEY', async () => {
    const url = await createScratchDatabase();
    const env = { DATABASE_URL: url, LEADSYNC_SECRET_KEY: Buffer.alloc(32, 3).toString('base64'), LEADSYNC_STAFF_TOKEN: 'staff-token-for-cli-test', LOG_LEVEL: 'info' };
    const procs: Run[] = [];
    try {
      const noKey = run(['serve', '--port', '0'], { DATABASE_URL: url });
      expect(await noKey.exited).not.toBe(0);
      expect(noKey.output()).toContain('LEADSYNC_SECRET_KEY');
      // Started together: migrations run once under the advisory lock.
      procs.push(run(['worker'], env), run(['worker'], env), run(['serve', '--port', '0'], env));
      const port = (await waitFor(procs[2], /"port":(\d+)/))[1];
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/orgs`, {
        method: 'POST',
        headers: { authorization: 'Bearer staff-token-for-cli-test', 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Scaled' }),
      });
      expect(res.status).toBe(201);
      await waitFor(procs[0], /worker started/);
      await waitFor(procs[1], /worker started/);
      for (const p of procs) p.child.kill('SIGTERM');
      expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0, 0]);
    } finally {
      for (const p of procs) p.child.kill('SIGKILL');
      await dropScratchDatabase(url);
    }
  });
});
