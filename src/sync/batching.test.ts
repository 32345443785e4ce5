/**
 * Batching holds when leads arrive steadily (sync-semantics.md, Writing): 1,000 leads created one by
 * one by concurrent clients, while a worker runs with the default linger and debounce, reach
 * Salesforce in at most 40 API calls in all — describes, matching and Account reads, and writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineName } from '../../test/helpers/database.ts';
import { connectedOrg, sandboxControl, startWorld, type ConnectedWorld } from '../../test/helpers/salesforce.ts';
import { createLeadsConcurrently, engineDeps, waitUntilDrained } from '../../test/helpers/sync.ts';
import { syncOnce } from './engine.ts';
import { claimTurns } from './queue.ts';
import { startWorker } from './worker.ts';

const LEADS = 1000;

describe(`batching under steady arrival (${engineName})`, () => {
  let world: ConnectedWorld;
  beforeAll(async () => {
    // The defaults of runtime.md: 2 s debounce, 1 s linger.
    world = await startWorld({ env: { LEADSYNC_SYNC_DEBOUNCE_MS: '2000', LEADSYNC_SYNC_BATCH_LINGER_MS: '1000' } });
  });
  afterAll(() => world.close());

  // One push loop (a `leadsync worker`), and two sharing their claim turns (`leadsync start`'s default).
  it.each([1, 2])(`${LEADS} leads created one by one by 8 clients cost at most 40 Salesforce API calls (%i push loops)`, async (loops) => {
    const org = await connectedOrg(world, `Steady ${loops}`);
    const call = (method: string, path: string, body?: unknown) => world.api.call(method, `/api/v1/orgs/${org.id}${path}`, { token: org.apiKey, body });
    await call('PUT', '/integrations/salesforce/settings', {
      push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: true, create_when_no_match: false } },
      mappings: { lead: [{ spara_field: 'first_name', salesforce_field: 'FirstName' }, { spara_field: 'company', salesforce_field: 'Company' }], contact: [{ spara_field: 'title', salesforce_field: 'Title' }] },
    });
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/stats/reset');
    const deps = engineDeps(world, { claimTurn: claimTurns() });
    const workers = Array.from({ length: loops }, (_, i) => {
      const loop = { ...deps, workerId: `loop-${i}` };
      return startWorker({ db: deps.db, logger: deps.logger, pollMs: 50, tick: async (running) => { while (running() && (await syncOnce(loop)) > 0); } });
    });
    try {
      await createLeadsConcurrently(call, LEADS, (i) => ({ email: `steady${loops}.${i}@example.com`, first_name: `S${i}`, last_name: 'Steady', company: `Co ${i % 50}`, title: 'CTO' }));
      await waitUntilDrained(call, 60_000, 200);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const synced = await deps.db.query<{ n: number }>(`select count(*)::int as n from leads where org_id = $1 and sync_status = 'synced'`, [org.id]);
    expect(synced.rows[0].n).toBe(LEADS);
    const stats = await sandboxControl(world.sandbox, 'GET', '/__sandbox/stats');
    expect(stats.api_calls).toBeLessThanOrEqual(40);
    expect(stats.by_kind.collections).toBeLessThanOrEqual(LEADS / 200 + 2);
  }, 180_000);
});
