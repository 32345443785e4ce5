/**
 * `npm run bench`, pull part (BENCH_PART=pull runs it alone): a Pull Rule pulling 10,000 and 100,000
 * sandbox Leads into LeadSync, on embedded PGlite (a data directory, as `start` keeps it) and on
 * PostgreSQL when one is reachable. Prints records per second, Salesforce API calls (the sandbox's
 * count) and the peak RSS above the RSS before the run. Each case runs in a fresh process (so RSS
 * is not inherited from the previous case) and the sandbox in another one (its records are not ours).
 * Asserts nothing: machines here are shared and noisy.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/config.ts';
import { openDatabase } from '../src/db/open.ts';
import { createOrg } from '../src/db/orgs.ts';
import { replacePullRules } from '../src/db/pull-rules.ts';
import { startRun } from '../src/db/pull-runs.ts';
import { saveSettingsDocument } from '../src/db/sync.ts';
import { createLogger } from '../src/logger.ts';
import { SalesforceClients } from '../src/salesforce/client.ts';
import { connectWithClientCredentials } from '../src/salesforce/oauth.ts';
import { pullOnce } from '../src/sync/pull.ts';
import { normalizeSettings } from '../src/sync/settings.ts';
import { benchServerUrl, postgresAvailable, withScratchDatabase } from './postgres.ts';

const SIZES = (process.env.BENCH_PULL_SIZES ?? '10000,100000').split(',').map(Number);
const SELF = fileURLToPath(import.meta.url);

interface Case {
  engine: 'pglite' | 'postgres';
  records: number;
  sandbox: { url: string; clientId: string; clientSecret: string };
  databaseUrl?: string;
}
interface Result {
  seconds: number;
  calls: number;
  byKind: Record<string, number>;
  rssGrowth: number;
  processed: number;
  created: number;
}

const control = async (url: string, method: string, p: string, body?: unknown) => {
  const res = await fetch(url + p, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
};

/** One case, in this (fresh) process. */
async function runCase(c: Case): Promise<Result> {
  const sb = c.sandbox;
  await control(sb.url, 'POST', '/__sandbox/reset', { seed: 'empty' });
  await control(sb.url, 'POST', '/__sandbox/generate/Lead', { count: c.records, template: { LeadSource: 'Web' } });
  const dataDir = c.databaseUrl ? undefined : await mkdtemp(path.join(tmpdir(), 'leadsync-pull-bench-'));
  const db = await openDatabase(c.databaseUrl ? { databaseUrl: c.databaseUrl } : { dataDir });
  const config = loadConfig({ LEADSYNC_SECRET_KEY: randomBytes(32).toString('base64'), SALESFORCE_CLIENT_ID: sb.clientId, SALESFORCE_CLIENT_SECRET: sb.clientSecret, SALESFORCE_LOGIN_URL: sb.url, LOG_LEVEL: 'silent', ...(c.databaseUrl ? { DATABASE_URL: c.databaseUrl } : {}) });
  try {
    const { org } = await createOrg(db, 'Pull bench');
    await connectWithClientCredentials({ db, config }, org.id, { login_url: sb.url, client_id: sb.clientId, client_secret: sb.clientSecret });
    const fields: Array<[string, string]> = [['first_name', 'FirstName'], ['last_name', 'LastName'], ['company', 'Company'], ['title', 'Title'], ['phone', 'Phone'], ['city', 'City'], ['country', 'Country'], ['lead_source', 'LeadSource']];
    const mappings = [{ spara_field: 'email', salesforce_field: 'Email' }, ...fields.map(([spara_field, salesforce_field]) => ({ spara_field, salesforce_field }))];
    await saveSettingsDocument(db, org.id, normalizeSettings({ push: { lead: { update_existing: false, create_when_no_match: false }, contact: { update_existing: false, create_when_no_match: false } }, mappings: { lead: mappings, contact: [mappings[0]] } }));
    const [rule] = await db.transaction((tx) => replacePullRules(tx, org.id, [{ name: 'Web leads', object: 'Lead', filter: "LeadSource = 'Web'", enabled: true, interval_minutes: 60 }]));
    const { run } = await startRun(db, rule, 'cli');
    const deps = { db, config, logger: createLogger('silent'), clients: new SalesforceClients({ db, config }), workerId: 'bench' };

    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage.rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 25);
    await control(sb.url, 'POST', '/__sandbox/stats/reset');
    const started = performance.now();
    for (;;) {
      await pullOnce(deps, run.id);
      const { rows } = await db.query<{ status: string; processed: number; created: number; error: unknown }>('select status, processed, created, error from pull_runs where id = $1', [run.id]);
      if (rows[0].status === 'failed') throw new Error(`run failed: ${JSON.stringify(rows[0].error)}`);
      if (rows[0].status === 'succeeded') {
        const seconds = (performance.now() - started) / 1000;
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage.rss());
        const stats = await control(sb.url, 'GET', '/__sandbox/stats');
        return { seconds, calls: stats.api_calls, byKind: stats.by_kind, rssGrowth: peak - before, processed: rows[0].processed, created: rows[0].created };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await db.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

function inChild(c: Case): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', SELF], { env: { ...process.env, BENCH_PULL_CASE: JSON.stringify(c) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as Result);
      else reject(new Error(`case ${c.engine} ${c.records} exited ${code}: ${out}`));
    });
  });
}

const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mib = (bytes: number) => bytes / 1024 / 1024;

async function main(): Promise<void> {
  const sandboxProcess = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./sandbox-process.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const sandbox = await new Promise<Case['sandbox']>((resolve) => createInterface({ input: sandboxProcess.stdout! }).once('line', (line) => resolve(JSON.parse(line))));
  try {
    const serverUrl = (await postgresAvailable(benchServerUrl())) ? benchServerUrl() : undefined;
    console.log(`\nLeadSync pull benchmark — Node ${process.version}; Leads generated in the sandbox (its own process), 9 mapped fields, Account/Owner data read per batch`);
    console.log('| engine | records | seconds | records / s | Salesforce API calls | peak RSS above start |');
    console.log('| --- | --- | --- | --- | --- | --- |');
    const growth: Record<string, number[]> = {};
    for (const engine of ['pglite', 'postgres'] as const) {
      if (engine === 'postgres' && !serverUrl) {
        console.log('| PostgreSQL | skipped: none at BENCH_DATABASE_URL / DATABASE_URL / 127.0.0.1:5432 | | | | |');
        continue;
      }
      for (const records of SIZES) {
        const c: Case = { engine, records, sandbox };
        const r = engine === 'postgres' ? await withScratchDatabase(serverUrl!, (databaseUrl) => inChild({ ...c, databaseUrl })) : await inChild(c);
        if (r.created !== records) throw new Error(`expected ${records} leads, the run created ${r.created}`);
        (growth[engine] ??= []).push(r.rssGrowth);
        const kinds = Object.entries(r.byKind).filter(([k, n]) => n > 0 && k !== 'oauth').map(([k, n]) => `${k} ${n}`).join(', ');
        console.log(`| ${engine === 'pglite' ? 'embedded PGlite (data dir)' : 'PostgreSQL'} | ${records.toLocaleString('en-US')} | ${fmt(r.seconds)} | ${fmt(r.processed / r.seconds, 0)} | ${r.calls} (${kinds}) | ${fmt(mib(r.rssGrowth), 0)} MiB |`);
      }
    }
    for (const [engine, g] of Object.entries(growth)) if (g.length === 2) console.log(`${engine}: RSS growth ${SIZES[1].toLocaleString('en-US')} vs ${SIZES[0].toLocaleString('en-US')} records: ${fmt(g[1] / g[0], 2)}×`);
  } finally {
    sandboxProcess.stdin!.end();
  }
}

if (process.env.BENCH_PULL_CASE) {
  const result = await runCase(JSON.parse(process.env.BENCH_PULL_CASE) as Case);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} else if (!process.env.BENCH_PART || process.env.BENCH_PART === 'pull') {
  await main();
}
