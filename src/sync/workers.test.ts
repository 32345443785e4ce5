/**
 * Scale-out: three `leadsync worker` processes on one PostgreSQL push 2,000 leads into the sandbox,
 * each exactly once. Runs when TEST_DATABASE_URL (or DATABASE_URL) names a PostgreSQL server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, dropScratchDatabase, serverUrl } from '../../test/helpers/database.ts';
import { connectedOrg, sandboxControl, sandboxToken, startWorld, type ConnectedWorld } from '../../test/helpers/salesforce.ts';
import { createLeadsConcurrently, waitUntilDrained } from '../../test/helpers/sync.ts';
import { openDatabase } from '../db/open.ts';

const BIN = fileURLToPath(new URL('../../bin/leadsync.js', import.meta.url));
const LEADS = 2000;

describe.runIf(serverUrl)('three worker processes on PostgreSQL', () => {
  let world: ConnectedWorld;
  let url: string;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    url = await createScratchDatabase();
    const db = await openDatabase({ databaseUrl: url });
    world = await startWorld({ database: { db, url, drop: () => db.close() }, env: { LEADSYNC_SYNC_DEBOUNCE_MS: '0' } });
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await world?.close();
    await dropScratchDatabase(url);
  });

  it(`push ${LEADS} leads exactly once each`, async () => {
    const org = await connectedOrg(world, 'Scale');
    const call = (method: string, path: string, body?: unknown) => world.api.call(method, `/api/v1/orgs/${org.id}${path}`, { token: org.apiKey, body });
    await call('PUT', '/integrations/salesforce/settings', {
      push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: false, create_when_no_match: false } },
      mappings: { lead: [{ spara_field: 'first_name', salesforce_field: 'FirstName' }], contact: [] },
    });
    // Leads arrive from 8 concurrent clients while the workers run.
    const env = {
      ...process.env,
      DATABASE_URL: url,
      LEADSYNC_SECRET_KEY: world.api.config.secretKey!.toString('base64'),
      SALESFORCE_CLIENT_ID: world.sandbox.clientId,
      SALESFORCE_CLIENT_SECRET: world.sandbox.clientSecret,
      SALESFORCE_LOGIN_URL: world.sandbox.url,
      LEADSYNC_SYNC_DEBOUNCE_MS: '0',
      LEADSYNC_SYNC_BATCH_LINGER_MS: '200',
      LOG_LEVEL: 'warn',
    };
    // One of them runs two push loops (--concurrency 2): claims stay disjoint inside a process too.
    for (let i = 0; i < 3; i++) workers.push(spawn(process.execPath, [BIN, 'worker', ...(i === 0 ? ['--concurrency', '2'] : [])], { env, stdio: 'ignore' }));
    await createLeadsConcurrently(call, LEADS, (i) => ({ email: `w${i}@example.com`, first_name: `W${i}`, last_name: 'Worker', company: 'Scale' }));
    await waitUntilDrained(call, 120_000, 250);
    const db = world.api.database.db;
    const synced = await db.query<{ n: number }>(`select count(*)::int as n from leads where org_id = $1 and sync_status = 'synced' and fields ->> 'salesforce_lead_id' is not null`, [org.id]);
    expect(synced.rows[0].n).toBe(LEADS);
    const creates = await db.query<{ lead_id: string; n: number }>(`select lead_id, count(*)::int as n from sync_log where org_id = $1 and operation = 'create' and status = 'success' group by lead_id`, [org.id]);
    expect(creates.rows).toHaveLength(LEADS);
    expect(creates.rows.every((r) => r.n === 1)).toBe(true);
    // Salesforce's side: one record per email, no duplicates.
    const res = await fetch(`${world.sandbox.url}/services/data/v62.0/query?q=${encodeURIComponent("SELECT COUNT() FROM Lead WHERE Email LIKE 'w%@example.com'")}`, {
      headers: { authorization: `Bearer ${(await sandboxToken(world.sandbox))}` },
    });
    expect((await res.json()).totalSize).toBe(LEADS);
    const stats = await sandboxControl(world.sandbox, 'GET', '/__sandbox/stats');
    // Batched: far fewer calls than leads.
    expect(stats.by_kind.collections).toBeLessThan(LEADS / 20);
  }, 180_000);
});
