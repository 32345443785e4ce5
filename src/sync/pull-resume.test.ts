/**
 * A pull run whose process is killed half-way (SIGKILL) resumes from its checkpoint in another
 * process: no record read into two leads, none missed, nothing counted twice.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/engine.ts';
import { openDatabase } from '../db/open.ts';
import { createScratchDatabase, dropScratchDatabase, engineName, serverUrl } from '../../test/helpers/database.ts';
import { connectedOrg, sandboxControl, startWorld, type ConnectedWorld } from '../../test/helpers/salesforce.ts';
import { createLogger } from '../logger.ts';
import { SalesforceClients } from '../salesforce/client.ts';
import { pullOnce } from './pull.ts';

const CHILD = fileURLToPath(new URL('../../test/helpers/pull-child.ts', import.meta.url));
const RECORDS = 2000;

describe(`a pull run killed half-way resumes from its checkpoint (${engineName})`, () => {
  let world: ConnectedWorld;
  let dir: string | undefined;
  let url: string | undefined;
  const open = () => openDatabase(url ? { databaseUrl: url } : { dataDir: dir });

  beforeAll(async () => {
    if (serverUrl) url = await createScratchDatabase();
    else dir = await mkdtemp(path.join(tmpdir(), 'leadsync-pull-'));
    const db = await open();
    // The test API's database is closed (not dropped) when the API closes: the child opens it next.
    world = await startWorld({ database: { db, url, drop: () => db.close() }, env: { LEADSYNC_SECRET_KEY: randomBytes(32).toString('base64') } });
  });
  afterAll(async () => {
    await world.sandbox.close();
    if (url) await dropScratchDatabase(url);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('kill -9 of the process working a run: another process finishes it with no duplicate and no gap', async () => {
    const org = await connectedOrg(world, 'Resume');
    const sb = (method: string, p: string, body?: unknown) => sandboxControl(world.sandbox, method, p, body);
    await sb('POST', '/__sandbox/generate/Lead', { count: RECORDS, template: { LeadSource: 'Web' } });
    const put = await world.api.call('PUT', `/api/v1/orgs/${org.id}/integrations/salesforce/pull-rules`, { body: { rules: [{ name: 'All web', object: 'Lead', filter: "LeadSource = 'Web'", enabled: true, interval_minutes: 60 }] } });
    const runId = (await world.api.call('POST', `/api/v1/orgs/${org.id}/integrations/salesforce/pull-rules/${put.body.rules[0].id}/run`)).body.run_id as string;
    const config = world.api.config;
    await world.api.close();

    // Salesforce answers slowly, so the child is surely half-way when it is killed.
    await sb('POST', '/__sandbox/faults', { faults: [{ match: { path: 'query' }, error: 'LATENCY', latency_ms: 150 }] });
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: {
        ...process.env,
        DATABASE_URL: url ?? '',
        LEADSYNC_DATA_DIR: dir ?? '',
        LEADSYNC_SECRET_KEY: config.secretKey!.toString('base64'),
        SALESFORCE_CLIENT_ID: world.sandbox.clientId,
        SALESFORCE_CLIENT_SECRET: world.sandbox.clientSecret,
        SALESFORCE_LOGIN_URL: world.sandbox.url,
        LOG_LEVEL: 'silent',
        PULL_RUN_ID: runId,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    for (let i = 0; i < 1200 && !/processed ([6-9]\d\d|1[0-3]\d\d)\b/.test(out); i++) {
      if (child.exitCode !== null) throw new Error(`the child exited early:\n${out}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    await exited;
    expect(out).not.toContain('finished');
    await sb('DELETE', '/__sandbox/faults');

    const db: Database = await open();
    try {
      const before = (await db.query<{ processed: number; status: string }>('select processed, status from pull_runs where id = $1', [runId])).rows[0];
      expect(before.status).toBe('running');
      expect(before.processed).toBeGreaterThan(0);
      expect(before.processed).toBeLessThan(RECORDS);
      const deps = { db, config, logger: createLogger('silent'), clients: new SalesforceClients({ db, config }), workerId: 'resumer', pageSize: 200, batchSize: 200 };
      // The dead process's lease runs out (1.5 s), then this process takes the run over.
      for (let i = 0; i < 400; i++) {
        await pullOnce(deps, runId);
        if ((await db.query<{ status: string }>('select status from pull_runs where id = $1', [runId])).rows[0].status !== 'running') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const after = (await db.query<{ status: string; processed: number; created: number; updated: number; total: number }>('select status, processed, created, updated, total from pull_runs where id = $1', [runId])).rows[0];
      // Every record once: created exactly once each, none re-read as an update.
      expect(after).toEqual({ status: 'succeeded', processed: RECORDS, created: RECORDS, updated: 0, total: RECORDS });
      const leads = (await db.query<{ n: number; ids: number; emails: number }>(
        `select count(*)::int as n, count(distinct fields ->> 'salesforce_lead_id')::int as ids, count(distinct email_normalized)::int as emails from leads where org_id = $1`,
        [org.id],
      )).rows[0];
      expect(leads).toEqual({ n: RECORDS, ids: RECORDS, emails: RECORDS });
    } finally {
      await db.close();
    }
  });
});
