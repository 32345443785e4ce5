/**
 * Admin commands while `leadsync start` holds the embedded data directory (runtime.md): they ask
 * the running process over its HTTP API instead of failing on the lock. Real processes, a real data
 * directory, the embedded sandbox as Salesforce.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run, runToEnd, waitFor, type Run } from '../helpers/cli.ts';
import { createScratchDatabase, dropScratchDatabase, serverUrl } from '../helpers/database.ts';

// Each test spawns `leadsync` processes (several seconds each on a busy 2-core machine).
vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

describe('admin commands while leadsync start runs on the same data directory', () => {
  let dir: string;
  let start: Run;
  let url: string;
  let orgId: string;
  let apiKey: string;
  const api = async (method: string, apiPath: string, body?: unknown, token = apiKey) => {
    const res = await fetch(url + apiPath, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const sf = (p = '') => `/api/v1/orgs/${orgId}/integrations/salesforce${p}`;

  let busy: Server;
  let sandboxUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'leadsync-admin-'));
    // The sandbox's port is taken: start must pick a free one and say which.
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const busyPort = (busy.address() as AddressInfo).port;
    start = run(['start', '--port', '0', '--sandbox-port', String(busyPort), '--data-dir', dir], { LEADSYNC_SYNC_DEBOUNCE_MS: '0', LEADSYNC_SYNC_BATCH_LINGER_MS: '50' });
    url = (await waitFor(start, /Web UI:\s+(http:\/\/\S+?)\/\s/, 200_000))[1];
    orgId = (await waitFor(start, /Demo organization:.*id (\S+)/))[1];
    apiKey = (await waitFor(start, /Demo API key:\s+(\S+)/))[1];
    sandboxUrl = (await waitFor(start, /Salesforce sandbox:\s+(http:\/\/\S+)/))[1];
    // The demo organization connects to the embedded sandbox through its own connected app.
    const connected = await api('POST', sf('/connect'), { login_url: sandboxUrl, client_id: 'leadsync-sandbox-client', client_secret: 'leadsync-sandbox-secret' });
    expect(connected.body.status).toBe('connected');
    const settings = await api('PUT', sf('/settings'), {
      push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: true, create_when_no_match: false } },
      mappings: { lead: [{ spara_field: 'title', salesforce_field: 'Title' }], contact: [] },
    });
    expect(settings.status).toBe(200);
  });

  afterAll(async () => {
    start.child.kill('SIGTERM');
    await start.exited;
    // Stopped: the URL file is gone with it.
    await expect(stat(path.join(dir, 'server.json'))).rejects.toThrow();
    busy.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('--sandbox-port taken: the sandbox runs on a free port, printed', async () => {
    const port = Number(new URL(sandboxUrl).port);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe((busy.address() as AddressInfo).port);
    expect((await fetch(`${sandboxUrl}/services/data`)).status).toBe(200);
  });

  it('the running process records its URL in the data directory, mode 0600', async () => {
    const file = path.join(dir, 'server.json');
    const info = JSON.parse(await readFile(file, 'utf8'));
    expect(info).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), pid: start.child.pid });
    expect(url).toContain(new URL(info.url).port);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('org create succeeds through the running process; the key works there at once', async () => {
    const r = await runToEnd(['org', 'create', 'Initech', '--data-dir', dir]);
    expect(r.code, r.output).toBe(0);
    const id = r.output.match(/id:\s+([0-9a-f-]{36})/)![1];
    const key = r.output.match(/API key: (lsk_\S+)/)![1];
    expect((await api('GET', '/api/v1/me', undefined, key)).body).toEqual({ kind: 'org', org: { id, name: 'Initech' } });
    expect(r.output).not.toContain('in use');
  });

  it('sync backfill queues every lead and shows a progress bar until they are pushed', async () => {
    for (let i = 0; i < 30; i++) expect((await api('POST', `/api/v1/orgs/${orgId}/leads`, { fields: { email: `cli.backfill${i}@example.com`, title: 'T', last_name: 'B', company: 'C' } })).status).toBe(201);
    const r = await runToEnd(['sync', 'backfill', '--org', orgId, '--data-dir', dir]);
    expect(r.code, r.output).toBe(0);
    const queued = Number(r.output.match(/Queued (\d+) leads/)![1]);
    expect(queued).toBeGreaterThanOrEqual(30);
    // The bar's last state is the end: every queued lead pushed.
    expect(r.output).toContain(`${queued}/${queued} leads`);
    expect(r.output).toMatch(/Done: \d+ leads queued, nothing left to push/);
    const status = (await api('GET', sf('/sync'))).body;
    expect(status).toMatchObject({ pending: 0, in_flight: 0 });
    const lead = (await api('GET', `/api/v1/orgs/${orgId}/leads?email=cli.backfill7@example.com`)).body.items[0];
    expect(lead.sync.status).toBe('synced');
    expect(lead.fields.salesforce_lead_id).toMatch(/^00Q/);
  });

  it('sync backfill --no-wait returns at once', async () => {
    const r = await runToEnd(['sync', 'backfill', '--org', orgId, '--data-dir', dir, '--no-wait']);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/Queued \d+ leads for push\./);
    expect(r.output).not.toContain('Pushing');
  });

  it('sync status shows the connection, the queue and API usage', async () => {
    const r = await runToEnd(['sync', 'status', '--org', orgId, '--data-dir', dir]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/Salesforce:\s+connected/);
    expect(r.output).toMatch(/Pending:\s+\d+/);
    expect(r.output).toMatch(/API usage:\s+\d+ \/ \d+/);
    expect(r.output).not.toContain('not running');
  });

  it('bad arguments and unknown organizations: a clear message, non-zero exit', async () => {
    const unknown = await runToEnd(['sync', 'status', '--org', '00000000-0000-4000-8000-000000000000', '--data-dir', dir]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.output).toMatch(/not found|No organization/i);
    const missing = await runToEnd(['sync', 'backfill', '--data-dir', dir]);
    expect(missing.code).not.toBe(0);
    expect(missing.output).toContain('--org');
  });
});

describe('admin commands with nothing running', () => {
  it('open the data directory themselves and say that pushes happen when LeadSync runs', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'leadsync-admin-idle-'));
    try {
      const created = await runToEnd(['org', 'create', 'Idle Co', '--data-dir', dir]);
      expect(created.code, created.output).toBe(0);
      const id = created.output.match(/id:\s+([0-9a-f-]{36})/)![1];
      const status = await runToEnd(['sync', 'status', '--org', id, '--data-dir', dir]);
      expect(status.code, status.output).toBe(0);
      expect(status.output).toMatch(/Salesforce:\s+not_connected/);
      expect(status.output).toMatch(/Paused:\s+not_connected/);
      expect(status.output).toContain('pushed when it runs');
      const backfill = await runToEnd(['sync', 'backfill', '--org', id, '--data-dir', dir]);
      expect(backfill.code, backfill.output).toBe(0);
      expect(backfill.output).toContain('Queued 0 leads');
      expect(backfill.output).toContain('pushed when it runs');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(serverUrl)('admin commands with DATABASE_URL', () => {
  it('use PostgreSQL directly: org create, sync status, backfill', async () => {
    const db = await createScratchDatabase();
    const env = { DATABASE_URL: db, LEADSYNC_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') };
    try {
      const created = await runToEnd(['org', 'create', 'Scaled Co'], env);
      expect(created.code, created.output).toBe(0);
      const id = created.output.match(/id:\s+([0-9a-f-]{36})/)![1];
      const status = await runToEnd(['sync', 'status', '--org', id], env);
      expect(status.code, status.output).toBe(0);
      expect(status.output).toMatch(/Pending:\s+0/);
      expect(status.output).not.toContain('pushed when it runs');
      const backfill = await runToEnd(['sync', 'backfill', '--org', id], env);
      expect(backfill.code, backfill.output).toBe(0);
      expect(backfill.output).toContain('Queued 0 leads');
    } finally {
      await dropScratchDatabase(db);
    }
  });
});
