/**
 * Crash recovery: `kill -9` of the embedded `leadsync start`, and of one of three `leadsync worker`
 * processes on PostgreSQL, while a batch is held at a known point — before its write reaches
 * Salesforce (held in the match query), and after the write committed but before LeadSync recorded
 * it (held in the write, which the sandbox commits after the process is gone). After a restart and an
 * update of every lead, Salesforce holds each lead exactly once, with the latest values.
 * The sandbox's LATENCY fault holds the batch. The restarted embedded `start` hands the killed
 * process's claims back at once (its lease is an hour here); on PostgreSQL a short lease
 * (LEADSYNC_SYNC_LEASE_SECONDS) lets the killed worker's claim lapse within the test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.ts';
import { createScratchDatabase, dropScratchDatabase, serverUrl } from '../helpers/database.ts';
import { eventually, freePort, run, waitFor, type Run } from '../helpers/cli.ts';
import { authorizeThroughSandbox, sandboxControl, sandboxToken, type ConnectedWorld, type Sandbox } from '../helpers/salesforce.ts';

type Call = (method: string, path: string, options?: { token?: string | null; body?: unknown }) => Promise<{ status: number; body: any; headers: Headers }>;

function client(base: string, defaultToken: string): Call {
  return async (method, path, options = {}) => {
    const token = options.token === undefined ? defaultToken : options.token;
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
}

// A batch makes two composite calls: its reads (matching), then its writes (with the read-back).
// Holding the first is "before the write"; letting the first through and holding the second is
// "after the write": the sandbox commits it once the held time is over, with nobody listening.
const COMPOSITE = { method: 'POST', path: '/composite$' };
const POINTS = { 'before the write': 1, 'after the write, before it is recorded': 2 } as const;
type Point = keyof typeof POINTS;
const HOLD_MS = 3000;
const LEADS = 12;

/** One organization on a running LeadSync: connected to the sandbox, pushing Leads with LastName and Company. */
async function prepareOrg(call: Call, sandbox: Sandbox, org: { id: string; apiKey: string }): Promise<void> {
  const { response } = await authorizeThroughSandbox({ api: { call }, sandbox } as unknown as ConnectedWorld, org);
  expect(response.status).toBe(302);
  const settings = await call('PUT', `/api/v1/orgs/${org.id}/integrations/salesforce/settings`, {
    token: org.apiKey,
    body: {
      push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: false, create_when_no_match: false } },
      mappings: { lead: [{ spara_field: 'email', salesforce_field: 'Email' }, { spara_field: 'last_name', salesforce_field: 'LastName' }, { spara_field: 'company', salesforce_field: 'Company' }], contact: [] },
    },
  });
  expect(settings.status).toBe(200);
}

/** Creates leads and resolves once their batch is held in its `point`th composite call. */
async function holdBatch(call: Call, sandbox: Sandbox, org: { id: string; apiKey: string }, point: Point, tag: string): Promise<string[]> {
  // Before the write, every composite is held (another push loop's batch too); after it, one at a time.
  const hold = async (ms: number, count: number) => sandboxControl(sandbox, 'POST', '/__sandbox/faults', { faults: [{ match: COMPOSITE, error: 'LATENCY', latency_ms: ms, count }] });
  // A request has arrived at the held point once the fault's count went down.
  const arrived = (count: number) =>
    eventually(async () => ((await sandboxControl(sandbox, 'GET', '/__sandbox/faults')).faults[0]?.count ?? 0) < count || undefined, 30_000, 'the batch to reach the held request', 20);
  await sandboxControl(sandbox, 'DELETE', '/__sandbox/faults');
  const first = POINTS[point] === 1 ? 100 : 1;
  await hold(POINTS[point] === 1 ? HOLD_MS : 1500, first);
  const emails = Array.from({ length: LEADS }, (_, i) => `${tag}-${i}@crash.example.com`);
  for (const email of emails) {
    const res = await call('POST', `/api/v1/orgs/${org.id}/leads`, { token: org.apiKey, body: { fields: { email, last_name: 'One', company: 'Crash Co' } } });
    expect(res.status).toBe(201);
  }
  await arrived(first);
  if (POINTS[point] === 2) {
    // The reads are held a moment: time to hold the writes that follow them.
    await hold(HOLD_MS, 1);
    await arrived(1);
  }
  return emails;
}

/** After the restart: every lead updated, then the queue drained. */
async function updateAndDrain(call: Call, org: { id: string; apiKey: string }, emails: string[]): Promise<void> {
  for (const email of emails) {
    const found = await call('GET', `/api/v1/orgs/${org.id}/leads?email=${encodeURIComponent(email)}`, { token: org.apiKey });
    expect(found.body.items, email).toHaveLength(1);
    const res = await call('PATCH', `/api/v1/orgs/${org.id}/leads/${found.body.items[0].id}`, { token: org.apiKey, body: { fields: { last_name: 'Two' } } });
    expect(res.status).toBe(200);
  }
  await eventually(
    async () => {
      const s = (await call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/sync`, { token: org.apiKey })).body;
      return s.pending === 0 && s.in_flight === 0 ? true : undefined;
    },
    90_000,
    'the queue to drain',
    250,
  );
}

/** Salesforce's Leads with these emails: each exactly once, with the latest LastName. */
async function expectExactlyOnce(sandbox: Sandbox, emails: string[]): Promise<{ duplicates: number; lost: number; stale: number }> {
  const token = await sandboxToken(sandbox);
  const soql = `SELECT Id, Email, LastName FROM Lead WHERE Email IN (${emails.map((e) => `'${e}'`).join(',')})`;
  const res = await fetch(`${sandbox.url}/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, { headers: { authorization: `Bearer ${token}` } });
  const records = ((await res.json()) as { records: { Email: string; LastName: string }[] }).records;
  const byEmail = new Map<string, string[]>();
  for (const r of records) byEmail.set(r.Email.toLowerCase(), [...(byEmail.get(r.Email.toLowerCase()) ?? []), r.LastName]);
  const figures = {
    duplicates: [...byEmail.values()].reduce((n, names) => n + names.length - 1, 0),
    lost: emails.filter((e) => !byEmail.has(e)).length,
    stale: [...byEmail.values()].filter((names) => names.some((n) => n !== 'Two')).length,
  };
  expect(figures).toEqual({ duplicates: 0, lost: 0, stale: 0 });
  return figures;
}

async function recordsFor(sandbox: Sandbox, emails: string[]): Promise<number> {
  const token = await sandboxToken(sandbox);
  const soql = `SELECT Id FROM Lead WHERE Email IN (${emails.map((e) => `'${e}'`).join(',')})`;
  const res = await fetch(`${sandbox.url}/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { totalSize: number }).totalSize;
}

const kill9 = async (r: Run) => {
  r.child.kill('SIGKILL');
  await r.exited;
};

describe('crash recovery: kill -9 mid-batch, then exactly once', () => {
  let sandbox: Sandbox;
  let syncEnv: Record<string, string>;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'empty' });
    syncEnv = {
      SALESFORCE_CLIENT_ID: sandbox.clientId,
      SALESFORCE_CLIENT_SECRET: sandbox.clientSecret,
      SALESFORCE_LOGIN_URL: sandbox.url,
      // The leads of a case arrive within a second: one batch.
      LEADSYNC_SYNC_DEBOUNCE_MS: '200',
      LEADSYNC_SYNC_BATCH_LINGER_MS: '1500',
      LEADSYNC_SYNC_LEASE_SECONDS: '4',
    };
  });
  afterAll(() => sandbox.close());

  describe('the embedded leadsync start', () => {
    let dir: string;
    afterAll(() => rm(dir, { recursive: true, force: true }));

    for (const point of Object.keys(POINTS) as Point[]) {
      it(`killed ${point}`, async () => {
        dir ??= await mkdtemp(path.join(tmpdir(), 'leadsync-crash-'));
        // A lease far longer than the test: the restart must hand the killed process's claims back itself
        // (src/db/claims.ts), as only the embedded engine can know that their holder is gone.
        const start = () => run(['start', '--no-sandbox', '--port', '0', '--data-dir', dir], { ...syncEnv, LEADSYNC_SYNC_LEASE_SECONDS: '3600' });
        let first: Run | undefined = start();
        let second: Run | undefined;
        try {
          const url = (await waitFor(first, /Web UI:\s+(http:\/\/\S+?)\/\s/))[1];
          const org = { id: (await waitFor(first, /Demo organization:.*id (\S+)/))[1], apiKey: (await waitFor(first, /Demo API key:\s+(\S+)/))[1] };
          const call = client(url, org.apiKey);
          await prepareOrg(call, sandbox, org);
          const emails = await holdBatch(call, sandbox, org, point, `embedded-${point.split(' ')[0]}`);
          await kill9(first);
          first = undefined;
          // Before the write, nothing reaches Salesforce; after it, the held write still commits there.
          await new Promise((r) => setTimeout(r, HOLD_MS + 500));
          const committed = await recordsFor(sandbox, emails);
          if (point === 'before the write') expect(committed).toBe(0);
          else expect(committed).toBeGreaterThan(0);
          await sandboxControl(sandbox, 'DELETE', '/__sandbox/faults');
          // The lock of the killed process is taken over; the same data directory, the same key.
          second = start();
          const again = (await waitFor(second, /Web UI:\s+(http:\/\/\S+?)\/\s/))[1];
          const callAgain = client(again, org.apiKey);
          await updateAndDrain(callAgain, org, emails);
          await expectExactlyOnce(sandbox, emails);
        } finally {
          if (first) await kill9(first);
          if (second) {
            second.child.kill('SIGTERM');
            await second.exited;
          }
        }
        // Two starts of the embedded engine on a busy machine.
      }, 240_000);
    }
  });

  describe.runIf(serverUrl)('three leadsync worker processes on PostgreSQL', () => {
    let databaseUrl: string;
    let serve: Run;
    let workers: Run[] = [];
    let call: Call;
    let org: { id: string; apiKey: string };
    const staffToken = 'lss_crash_test_staff_token_0123456789';
    let env: Record<string, string>;

    beforeAll(async () => {
      databaseUrl = await createScratchDatabase();
      const port = await freePort();
      env = { ...syncEnv, DATABASE_URL: databaseUrl, LEADSYNC_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'), LEADSYNC_STAFF_TOKEN: staffToken, PUBLIC_URL: `http://127.0.0.1:${port}` };
      serve = run(['serve', '--port', String(port)], { ...env, LOG_LEVEL: 'info' });
      await waitFor(serve, /serving the API/);
      workers = [0, 1, 2].map(() => run(['worker'], env));
      call = client(`http://127.0.0.1:${port}`, staffToken);
      const created = await call('POST', '/api/v1/orgs', { body: { name: 'Crash Workers' } });
      org = { id: created.body.id, apiKey: created.body.api_key };
      await prepareOrg(call, sandbox, org);
    });
    afterAll(async () => {
      for (const r of [serve, ...workers]) {
        r?.child.kill('SIGTERM');
        await r?.exited;
      }
      if (databaseUrl) await dropScratchDatabase(databaseUrl);
    });

    for (const point of Object.keys(POINTS) as Point[]) {
      it(`one worker killed ${point}; the others and its restart finish exactly once`, async () => {
        const emails = await holdBatch(call, sandbox, org, point, `workers-${point.split(' ')[0]}`);
        // The worker holding the batch: its id carries its pid.
        const db = new pg.Client({ connectionString: databaseUrl });
        await db.connect();
        const holder = await eventually(
          async () => (await db.query<{ claimed_by: string }>('select claimed_by from sync_queue where claimed_by is not null limit 1')).rows[0]?.claimed_by,
          10_000,
          'a claimed batch',
        ).finally(() => db.end());
        const pid = Number(/^worker-(\d+)-/.exec(holder)?.[1]);
        const index = workers.findIndex((w) => w.child.pid === pid);
        expect(index, `${holder} is one of our three workers`).toBeGreaterThanOrEqual(0);
        await kill9(workers[index]);
        await new Promise((r) => setTimeout(r, HOLD_MS + 500));
        const committed = await recordsFor(sandbox, emails);
        if (point === 'before the write') expect(committed).toBe(0);
        else expect(committed).toBeGreaterThan(0);
        await sandboxControl(sandbox, 'DELETE', '/__sandbox/faults');
        workers[index] = run(['worker'], env);
        await updateAndDrain(call, org, emails);
        await expectExactlyOnce(sandbox, emails);
      }, 180_000);
    }
  });
});
