/**
 * `npm run bench`: push throughput and Salesforce API calls, LeadSync's engine against the way most
 * integrations push (jsforce, one lookup and one write per lead), in the same run against the same
 * in-process sandbox. Prints figures and ratios; asserts nothing (machines here are shared and noisy).
 *
 * Part 1: 10,000 leads — half new, a quarter matching existing Leads, a quarter matching Contacts —
 * with 6 mapped fields including the conversation, pushed as `leadsync start` does (2 push loops)
 * on the embedded database, and on PostgreSQL when one is reachable.
 * Part 2 (needs PostgreSQL: BENCH_DATABASE_URL, or the machine's at 127.0.0.1:5432): 1 vs 3
 * `leadsync worker` processes with 50 ms of latency added to every Salesforce call.
 * Memory: the idle RSS of a fresh `leadsync start` (first start on an empty data directory, then a
 * restart on it), each a child process; every part-1 run pushes in a child process of its own, so
 * its peak RSS is that engine's alone (the sandbox — Salesforce — stays in the bench's process).
 * Part 1 ends with leads arriving one by one: 1,000 created through the API by 8 clients while
 * the push loops run with the default debounce and linger (the Salesforce calls they cost in all).
 * BENCH_PART=1 or 2 runs that part alone, BENCH_PART=memory the start-up measurement alone
 * (BENCH_PART=pull: only bench/pull.bench.ts, which `npm run bench` runs after this).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import jsforce from 'jsforce';
import { loadConfig, type Config } from '../src/config/config.ts';
import type { Database } from '../src/db/engine.ts';
import { openDatabase } from '../src/db/open.ts';
import { createOrg } from '../src/db/orgs.ts';
import { saveSettingsDocument } from '../src/db/sync.ts';
import { createLogger } from '../src/logger.ts';
import { SalesforceClients } from '../src/salesforce/client.ts';
import { connectWithClientCredentials } from '../src/salesforce/oauth.ts';
import { startSandbox, type RunningSandbox } from '../src/sandbox/server.ts';
import { startSandboxThread } from './sandbox-thread.ts';
import { postgresAvailable, withScratchDatabase } from './postgres.ts';
import { buildServer } from '../scripts/build-server.mjs';
import { buildApi } from '../src/api/server.ts';
import { syncOnce } from '../src/sync/engine.ts';
import { startWorker } from '../src/sync/worker.ts';
import { claimTurns } from '../src/sync/queue.ts';
import { normalizeSettings } from '../src/sync/settings.ts';

const LEADS = Number(process.env.BENCH_LEADS ?? 10_000);
const BASELINE_LEADS = Number(process.env.BENCH_BASELINE_LEADS ?? 1_000);
/** Push loops, as `leadsync start --concurrency` (default 2). */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
type Sandbox = RunningSandbox;

const control = async (sb: Sandbox, method: string, path: string, body?: unknown) => {
  const res = await fetch(sb.url + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
};

const email = (i: number) => `bench.person.${i}@example.com`;
/** Lead i: 0..½ new, ½..¾ an existing Salesforce Lead, ¾..1 an existing Contact. */
const kind = (i: number, n: number) => (i < n / 2 ? 'new' : i < (3 * n) / 4 ? 'lead' : 'contact');

async function seedSalesforce(sb: Sandbox, n: number): Promise<void> {
  await control(sb, 'POST', '/__sandbox/reset', { seed: 'empty' });
  const jobs: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const k = kind(i, n);
    if (k === 'lead') jobs.push(control(sb, 'POST', '/__sandbox/records/Lead', { LastName: `Existing ${i}`, Company: 'Old Co', Email: email(i) }));
    if (k === 'contact') jobs.push(control(sb, 'POST', '/__sandbox/records/Contact', { LastName: `Contact ${i}`, Email: email(i) }));
    if (jobs.length >= 50) await Promise.all(jobs.splice(0));
  }
  await Promise.all(jobs);
}

const settings = normalizeSettings({
  push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: true, create_when_no_match: false } },
  mappings: {
    lead: [
      { spara_field: 'first_name', salesforce_field: 'FirstName' },
      { spara_field: 'last_name', salesforce_field: 'LastName' },
      { spara_field: 'company', salesforce_field: 'Company' },
      { spara_field: 'title', salesforce_field: 'Title' },
      { spara_field: 'conversation', salesforce_field: 'Description' },
    ],
    contact: [
      { spara_field: 'first_name', salesforce_field: 'FirstName' },
      { spara_field: 'last_name', salesforce_field: 'LastName' },
      { spara_field: 'title', salesforce_field: 'Title' },
      { spara_field: 'phone', salesforce_field: 'Phone' },
      { spara_field: 'conversation', salesforce_field: 'Description' },
    ],
  },
});

const leadFields = (i: number) => ({ email: email(i), first_name: `First${i}`, last_name: `Last${i}`, company: `Company ${i % 500}`, title: 'Head of Things', phone: '+1 555 0100' });

/** Inserts n leads with two messages each, all due now, in bulk (setup, not measured). */
async function seedLeads(db: Database, orgId: string, n: number): Promise<void> {
  for (let start = 0; start < n; start += 1000) {
    const ids: string[] = [];
    const fields: string[] = [];
    const emails: string[] = [];
    for (let i = start; i < Math.min(n, start + 1000); i++) {
      ids.push(randomUUID());
      fields.push(JSON.stringify(leadFields(i)));
      emails.push(email(i));
    }
    await db.query(`insert into leads (id, org_id, email_normalized, fields, sync_status) select unnest($2::uuid[]), $1, unnest($3::text[]), unnest($4::jsonb[]), 'pending'`, [orgId, ids, emails, fields]);
    for (const [role, minute] of [['lead', 0], ['agent', 1]] as const) {
      await db.query(
        `insert into messages (id, org_id, lead_id, role, channel, text, sent_at)
         select gen_random_uuid(), $1, id, $2, 'chat', $3, now() - interval '1 hour' + $4 * interval '1 minute' from unnest($5::uuid[]) as id`,
        [orgId, role, role === 'lead' ? 'Hi, I would like a demo of your product next week.' : 'Happy to help! Sam from our team will reach out.', minute, ids],
      );
    }
    await db.query(`insert into sync_queue (lead_id, org_id, due_at) select unnest($2::uuid[]), $1, now()`, [orgId, ids]);
  }
}

async function connectOrg(db: Database, config: Config, sb: Sandbox): Promise<{ orgId: string; apiKey: string }> {
  const { org, apiKey } = await createOrg(db, 'Bench');
  await connectWithClientCredentials({ db, config }, org.id, { login_url: sb.url, client_id: sb.clientId, client_secret: sb.clientSecret });
  await saveSettingsDocument(db, org.id, settings);
  return { orgId: org.id, apiKey };
}

function benchConfig(sb: Sandbox, databaseUrl?: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    LEADSYNC_SECRET_KEY: randomBytes(32).toString('base64'),
    SALESFORCE_CLIENT_ID: sb.clientId,
    SALESFORCE_CLIENT_SECRET: sb.clientSecret,
    SALESFORCE_LOGIN_URL: sb.url,
    LEADSYNC_SYNC_DEBOUNCE_MS: '0',
    LEADSYNC_SYNC_BATCH_LINGER_MS: '50',
    LOG_LEVEL: 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
}

interface LeadSyncRun {
  seconds: number;
  calls: number;
  peakRss: number;
  /** The main thread's event-loop delay while pushing (p99, ms): how long an API request could wait. */
  loopDelayP99: number;
}

/**
 * Pushes LEADS leads the way `leadsync start` does: BENCH_CONCURRENCY push loops (default 2, as
 * `start`) taking turns at claiming. `databaseUrl` selects PostgreSQL; else embedded PGlite.
 */
async function runLeadSync(sb: Sandbox, latencyMs = 0, databaseUrl?: string): Promise<LeadSyncRun> {
  await seedSalesforce(sb, LEADS);
  // PGlite in a data directory, as `leadsync start` keeps it (in memory would flatter it by ~10%).
  const dataDir = databaseUrl ? undefined : await mkdtemp(path.join(tmpdir(), 'leadsync-bench-'));
  const db = await openDatabase(databaseUrl ? { databaseUrl } : { dataDir });
  const config = benchConfig(sb, databaseUrl);
  const { orgId } = await connectOrg(db, config, sb);
  await seedLeads(db, orgId, LEADS);
  await setLatency(sb, latencyMs);
  await control(sb, 'POST', '/__sandbox/stats/reset');
  const deps = { db, config, logger: createLogger('silent'), clients: new SalesforceClients({ db, config }), claimTurn: claimTurns() };
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, i) => {
      const loop = { ...deps, workerId: `bench-${i}` };
      while ((await syncOnce(loop)) > 0);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  clearInterval(sampler);
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from leads where sync_status = 'synced'`);
  if (rows[0].n !== LEADS) throw new Error(`only ${rows[0].n} of ${LEADS} leads synced`);
  const stats = await control(sb, 'GET', '/__sandbox/stats');
  await setLatency(sb, 0);
  await db.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  return { seconds, calls: stats.api_calls, peakRss, loopDelayP99: delay.percentile(99) / 1e6 };
}

const STEADY_LEADS = 1000;
const STEADY_CLIENTS = 8;

/**
 * Leads arriving one by one, as agents talk to people: STEADY_CLIENTS clients create STEADY_LEADS
 * leads through the API (POST /leads, one lead a request, same mix of new and existing people as
 * part 1) while CONCURRENCY push loops run with runtime.md's default debounce (2 s) and linger (1 s),
 * as `leadsync start` does. Counts every Salesforce call until the last lead is synced.
 */
async function runSteadyArrival(sb: Sandbox, databaseUrl?: string): Promise<{ calls: number; seconds: number }> {
  await seedSalesforce(sb, STEADY_LEADS);
  const dataDir = databaseUrl ? undefined : await mkdtemp(path.join(tmpdir(), 'leadsync-bench-'));
  const db = await openDatabase(databaseUrl ? { databaseUrl } : { dataDir });
  const config = benchConfig(sb, databaseUrl, { LEADSYNC_SYNC_DEBOUNCE_MS: '2000', LEADSYNC_SYNC_BATCH_LINGER_MS: '1000' });
  const { orgId, apiKey } = await connectOrg(db, config, sb);
  const logger = createLogger('silent');
  const clients = new SalesforceClients({ db, config });
  const app = await buildApi({ db, config, logger, salesforce: clients });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const leadsUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/v1/orgs/${orgId}/leads`;
  await control(sb, 'POST', '/__sandbox/stats/reset');
  const deps = { db, config, logger, clients, claimTurn: claimTurns() };
  const loops = Array.from({ length: CONCURRENCY }, (_, i) => {
    const loop = { ...deps, workerId: `steady-${i}` };
    return startWorker({ db, logger, pollMs: 50, tick: async (running) => { while (running() && (await syncOnce(loop)) > 0); } });
  });
  const started = performance.now();
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: STEADY_CLIENTS }, async () => {
        while (next < STEADY_LEADS) {
          const res = await fetch(leadsUrl, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ fields: leadFields(next++) }) });
          if (res.status !== 201) throw new Error(`POST /leads: ${res.status} ${await res.text()}`);
        }
      }),
    );
    for (const deadline = Date.now() + 120_000; ; ) {
      const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from leads where sync_status = 'synced'`);
      if (rows[0].n === STEADY_LEADS) break;
      if (Date.now() > deadline) throw new Error(`only ${rows[0].n} of ${STEADY_LEADS} leads synced`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await Promise.all(loops.map((l) => l.stop()));
    await app.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const stats = await control(sb, 'GET', '/__sandbox/stats');
  await db.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  return { calls: stats.api_calls, seconds };
}

/**
 * The V8 flags `npm start` gives node (package.json's `start` script; bin/leadsync.js's shebang has
 * the same): every LeadSync process the bench starts runs with them, as users run it.
 */
const NODE_FLAGS: string[] = (() => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const command = pkg.scripts.start.split('&&').find((c) => c.includes('bin/leadsync.js')) ?? '';
  return command.trim().split(/\s+/).filter((t, i, all) => t.startsWith('--') && i < all.indexOf('bin/leadsync.js'));
})();

/** What a child process needs to reach the bench's sandbox. */
type SandboxAddress = Pick<Sandbox, 'url' | 'clientId' | 'clientSecret'>;

/**
 * runLeadSync in a child process of its own (`BENCH_CHILD`), so that its peak RSS is the pushing
 * process's alone: not the sandbox's (Salesforce's servers), nor an earlier run's leftovers.
 */
function runLeadSyncInChild(sb: Sandbox, latencyMs: number, databaseUrl?: string): Promise<LeadSyncRun> {
  const address: SandboxAddress = { url: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret };
  const child = spawn(process.execPath, [...process.execArgv, ...NODE_FLAGS, fileURLToPath(import.meta.url)], {
    env: { ...process.env, BENCH_CHILD: JSON.stringify({ sandbox: address, latencyMs, databaseUrl }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice('BENCH_RESULT '.length)));
      else reject(new Error(`bench child exited with ${code}: ${out.slice(-2000)}`));
    });
  });
}

/** RSS of a process in bytes, and its peak so far (VmHWM), from /proc. */
function procRss(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

interface StartMemory {
  bootSeconds: number;
  /** Median RSS over the idle window after start-up. */
  idleRss: number;
  /** Highest RSS sampled in that window. */
  idleMaxRss: number;
  /** VmHWM: the peak of the whole run, start-up included. */
  peakRss: number;
}

/**
 * `leadsync start` as a user runs it (`node bin/leadsync.js start`, the embedded database, the demo
 * sandbox), as a child process on `dataDir`: once it prints that it runs, RSS is sampled for
 * BENCH_IDLE_SECONDS (default 10), then it is stopped with SIGTERM.
 */
async function measureStart(dataDir: string): Promise<StartMemory> {
  const bin = fileURLToPath(new URL('../bin/leadsync.js', import.meta.url));
  const env: Record<string, string | undefined> = { ...process.env, LOG_LEVEL: 'warn' };
  for (const key of ['DATABASE_URL', 'SALESFORCE_CLIENT_ID', 'SALESFORCE_CLIENT_SECRET', 'SALESFORCE_LOGIN_URL', 'LEADSYNC_DATA_DIR', 'LEADSYNC_FROM_SOURCE', 'BENCH_CHILD']) delete env[key];
  const started = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, bin, 'start', '--port', '0', '--data-dir', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (chunk: Buffer) => (out = (out + chunk.toString()).slice(-4096)));
  const exited = new Promise((resolve) => child.once('close', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        out = (out + chunk.toString()).slice(-4096);
        if (out.includes('LeadSync is running')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`leadsync start exited with ${code}: ${out}`)));
    });
    const bootSeconds = (performance.now() - started) / 1000;
    const samples: number[] = [];
    const until = performance.now() + Number(process.env.BENCH_IDLE_SECONDS ?? 10) * 1000;
    while (performance.now() < until) {
      samples.push(procRss(child.pid!).rss);
      await new Promise((r) => setTimeout(r, 250));
    }
    const peakRss = procRss(child.pid!).peak;
    samples.sort((a, b) => a - b);
    return { bootSeconds, idleRss: samples[Math.floor(samples.length / 2)], idleMaxRss: samples[samples.length - 1], peakRss };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

async function memoryPart(): Promise<void> {
  // What `npm start` runs: the server's bundle, built first when a source is newer (bin/leadsync.js).
  await buildServer();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'leadsync-bench-start-'));
  try {
    const first = await measureStart(dataDir);
    const restart = await measureStart(dataDir);
    console.log(`\nIdle RSS of \`leadsync start\` (a child process running the server's bundle: embedded database, demo sandbox; sampled for ${process.env.BENCH_IDLE_SECONDS ?? 10} s once it runs):`);
    console.log('| | start-up | idle RSS (median) | idle RSS (max) | peak RSS (start-up included) |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [name, m] of [['first start (empty data directory)', first], ['restart (same directory)', restart]] as const) {
      console.log(`| ${name} | ${fmt(m.bootSeconds)} s | ${mib(m.idleRss)} MiB | ${mib(m.idleMaxRss)} MiB | ${mib(m.peakRss)} MiB |`);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const mib = (bytes: number) => fmt(bytes / 1024 / 1024, 0);

/** The common way: per lead, look it up by email, then one write (jsforce, sequential). */
async function runBaseline(sb: Sandbox, latencyMs = 0, leads = BASELINE_LEADS): Promise<{ seconds: number; calls: number; leads: number }> {
  await seedSalesforce(sb, leads);
  const conn = new jsforce.Connection({ oauth2: { loginUrl: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret }, version: '62.0' });
  await conn.login(sb.username, sb.password);
  await setLatency(sb, latencyMs);
  await control(sb, 'POST', '/__sandbox/stats/reset');
  const started = performance.now();
  for (let i = 0; i < leads; i++) {
    const f = leadFields(i);
    const description = '[chat] Hi, I would like a demo of your product next week.\n[chat] Happy to help! Sam from our team will reach out.';
    const found = await conn.query<{ Id: string }>(`SELECT Id FROM Lead WHERE Email = '${f.email}' AND IsConverted = false LIMIT 1`);
    if (found.records[0]) {
      await conn.sobject('Lead').update({ Id: found.records[0].Id, FirstName: f.first_name, LastName: f.last_name, Company: f.company, Title: f.title, Description: description });
      continue;
    }
    const contact = await conn.query<{ Id: string }>(`SELECT Id FROM Contact WHERE Email = '${f.email}' LIMIT 1`);
    if (contact.records[0]) await conn.sobject('Contact').update({ Id: contact.records[0].Id, FirstName: f.first_name, LastName: f.last_name, Title: f.title, Phone: f.phone, Description: description });
    else await conn.sobject('Lead').create({ Email: f.email, FirstName: f.first_name, LastName: f.last_name, Company: f.company, Title: f.title, Description: description });
  }
  const seconds = (performance.now() - started) / 1000;
  const stats = await control(sb, 'GET', '/__sandbox/stats');
  await setLatency(sb, 0);
  return { seconds, calls: stats.api_calls, leads };
}

/** Part 2: N `leadsync worker` processes, 50 ms latency per Salesforce call. Returns seconds to drain. */
function runWorkers(sb: Sandbox, serverUrl: string, workers: number, leads: number): Promise<number> {
  return withScratchDatabase(serverUrl, async (url) => {
    const db = await openDatabase({ databaseUrl: url });
    try {
      await seedSalesforce(sb, leads);
      const config = benchConfig(sb, url);
      const { orgId } = await connectOrg(db, config, sb);
      await setLatency(sb, 50);
      const env = { ...process.env, DATABASE_URL: url, LEADSYNC_SECRET_KEY: config.secretKey!.toString('base64'), SALESFORCE_CLIENT_ID: sb.clientId, SALESFORCE_CLIENT_SECRET: sb.clientSecret, SALESFORCE_LOGIN_URL: sb.url, LEADSYNC_SYNC_DEBOUNCE_MS: '0', LEADSYNC_SYNC_BATCH_LINGER_MS: '50', LOG_LEVEL: 'info' };
      const bin = fileURLToPath(new URL('../bin/leadsync.js', import.meta.url));
      const procs = Array.from({ length: workers }, () => spawn(process.execPath, [...NODE_FLAGS, bin, 'worker'], { env, stdio: ['ignore', 'pipe', 'ignore'] }));
      // Work appears only once every worker has booted (a fixed wait is too short on a busy machine),
      // so both runs measure pushing, not start-up.
      await Promise.all(procs.map((p) => workerBooted(p)));
      await seedLeads(db, orgId, leads);
      const started = performance.now();
      for (;;) {
        const { rows } = await db.query<{ n: number }>('select count(*)::int as n from sync_queue');
        if (rows[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const seconds = (performance.now() - started) / 1000;
      for (const p of procs) p.kill('SIGTERM');
      await setLatency(sb, 0);
      return seconds;
    } finally {
      await db.close();
    }
  });
}

/** Resolves when a `leadsync worker` logs that it started (its output keeps being drained). */
function workerBooted(proc: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4096);
      if (seen.includes('worker started')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`worker exited with ${code} before it started`)));
  });
}

/** Every Salesforce REST call answered `ms` later (the sandbox's LATENCY fault); 0 removes it. */
async function setLatency(sb: Sandbox, ms: number): Promise<void> {
  await control(sb, 'DELETE', '/__sandbox/faults');
  if (ms > 0) await control(sb, 'POST', '/__sandbox/faults', { faults: [{ match: { path: '/services/data/' }, error: 'LATENCY', latency_ms: ms }] });
}

function table(title: string, runs: Array<[string, LeadSyncRun]>, base: { seconds: number; calls: number; leads: number }): void {
  const baseRate = base.leads / base.seconds;
  console.log(`\n${title}`);
  console.log('| | leads pushed | Salesforce API calls per 1,000 leads | leads per second | vs baseline | event-loop delay p99 | peak RSS of the pushing process |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, run] of runs) {
    const rate = LEADS / run.seconds;
    console.log(`| LeadSync, ${name} | ${LEADS} | ${fmt((run.calls * 1000) / LEADS)} (${fmt(base.calls / base.leads / (run.calls / LEADS))}× fewer) | ${fmt(rate, 0)} | **${fmt(rate / baseRate)}×** | ${fmt(run.loopDelayP99)} ms | ${fmt(run.peakRss / 1024 / 1024, 0)} MiB |`);
  }
  console.log(`| baseline (jsforce, per lead) | ${base.leads} | ${fmt((base.calls * 1000) / base.leads)} | ${fmt(baseRate, 0)} | 1× | | |`);
}

const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  // BENCH_PART=pull runs bench/pull.bench.ts alone.
  if (process.env.BENCH_PART === 'pull') return;
  // Salesforce works on its own servers: by default the sandbox gets a thread of its own (BENCH_SANDBOX=inline shares the bench's).
  const inline = process.env.BENCH_SANDBOX === 'inline';
  const options = { port: 0, seed: 'empty' as const, dailyApiRequests: 10_000_000 };
  const sb = inline ? await startSandbox(options) : await startSandboxThread(options);
  try {
    console.log(`LeadSync push benchmark — Node ${process.version}, ${LEADS} leads (½ new, ¼ existing Leads, ¼ existing Contacts), 6 mapped fields incl. the conversation; the sandbox ${inline ? 'on the bench\'s own thread' : 'in a thread of its own'}\n`);
    if (!process.env.BENCH_PART || process.env.BENCH_PART === 'memory') await memoryPart();
    const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const postgres = await postgresAvailable(serverUrl);
    if (process.env.BENCH_PART === 'memory') return;
    if (process.env.BENCH_PART !== '2') {
      const latency = Number(process.env.BENCH_LATENCY_MS ?? 20);
      for (const ms of [0, latency]) {
        const runs: Array<[string, LeadSyncRun]> = [[`embedded PGlite (data dir), ${CONCURRENCY} push loops`, await runLeadSyncInChild(sb, ms)]];
        if (postgres) runs.push([`PostgreSQL, ${CONCURRENCY} push loops`, await withScratchDatabase(serverUrl, (url) => runLeadSyncInChild(sb, ms, url))]);
        const base = ms === 0 ? await runBaseline(sb) : await runBaseline(sb, ms, Number(process.env.BENCH_BASELINE_LATENCY_LEADS ?? 300));
        table(ms === 0 ? 'No latency (the sandbox answers at once, in this process; the baseline is at its fastest):' : `${ms} ms per Salesforce call (a nearby org; real ones answer in 50–300 ms):`, runs, base);
      }
      const steady: Array<[string, { calls: number; seconds: number }]> = [['embedded PGlite (data dir)', await runSteadyArrival(sb)]];
      if (postgres) steady.push(['PostgreSQL', await withScratchDatabase(serverUrl, (url) => runSteadyArrival(sb, url))]);
      console.log(`\n${fmt(STEADY_LEADS, 0)} leads arriving one by one (${STEADY_CLIENTS} clients, POST /leads; ${CONCURRENCY} push loops, debounce 2 s, linger 1 s):`);
      console.log('| | Salesforce API calls in all | seconds from the first lead to the last synced |');
      console.log('| --- | --- | --- |');
      for (const [label, r] of steady) console.log(`| LeadSync, ${label} | ${r.calls} | ${fmt(r.seconds)} |`);
    }

    if (process.env.BENCH_PART === '1') {
      // Part 1 alone.
    } else if (postgres) {
      const n = Number(process.env.BENCH_WORKER_LEADS ?? 4000);
      const one = await runWorkers(sb, serverUrl, 1, n);
      const three = await runWorkers(sb, serverUrl, 3, n);
      console.log(`\nScale-out on PostgreSQL, ${n} leads, 50 ms latency added to every Salesforce call:`);
      console.log('| workers | seconds | leads per second |');
      console.log('| --- | --- | --- |');
      console.log(`| 1 | ${fmt(one)} | ${fmt(n / one, 0)} |`);
      console.log(`| 3 | ${fmt(three)} | ${fmt(n / three, 0)} |`);
      console.log(`3 workers vs 1: ${fmt(one / three, 2)}×`);
    } else {
      console.log('\n(Scale-out part skipped: no PostgreSQL at BENCH_DATABASE_URL / DATABASE_URL / 127.0.0.1:5432.)');
    }
  } finally {
    await sb.close();
  }
}

/** A part-1 run in this process on behalf of the parent bench (runLeadSyncInChild). */
async function childMain(spec: { sandbox: SandboxAddress; latencyMs: number; databaseUrl?: string }): Promise<void> {
  const run = await runLeadSync(spec.sandbox as Sandbox, spec.latencyMs, spec.databaseUrl);
  console.log(`BENCH_RESULT ${JSON.stringify(run)}`);
}

if (process.env.BENCH_CHILD) await childMain(JSON.parse(process.env.BENCH_CHILD));
else await main();
