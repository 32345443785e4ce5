/** Drives the push engine in-process, the way the worker loop does, for tests. */
import { createLogger } from '../../src/logger.ts';
import { SalesforceClients } from '../../src/salesforce/client.ts';
import { syncOnce, type EngineDeps } from '../../src/sync/engine.ts';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { connectedOrg, sandboxControl, startWorld, type ConnectedWorld } from './salesforce.ts';

export function engineDeps(world: ConnectedWorld, overrides: Partial<EngineDeps> = {}): EngineDeps {
  return {
    db: world.api.database.db,
    config: world.api.config,
    logger: createLogger('silent'),
    clients: new SalesforceClients({ db: world.api.database.db, config: world.api.config }),
    workerId: 'test-worker',
    retryBaseMs: 5,
    pauseMs: 200,
    ...overrides,
  };
}

/** Runs batches until the organization's queue is empty (waiting out retries), or gives up. */
export async function drain(deps: EngineDeps, orgId: string, maxMs = 20_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const done = await syncOnce(deps);
    if (done > 0) continue;
    const { rows } = await deps.db.query<{ n: number }>('select count(*)::int as n from sync_queue where org_id = $1', [orgId]);
    if (rows[0].n === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the sync queue did not drain');
}

type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/**
 * The world of a push integration suite: LeadSync and the sandbox started once (no debounce, a
 * 10 ms linger); before each test a clean sandbox without faults and a newly connected
 * organization named `name …`. Registers its own hooks (a suite's own `beforeEach` runs after
 * these); read `world`, `deps` and `org` inside tests.
 */
export function syncSuite(name: string) {
  let world: ConnectedWorld;
  let deps: EngineDeps;
  let org: { id: string; apiKey: string };
  const sb = (method: string, path: string, body?: unknown) => sandboxControl(world.sandbox, method, path, body);
  const call: Call = (method, path, body) => world.api.call(method, `/api/v1/orgs/${org.id}${path}`, { token: org.apiKey, body });
  beforeAll(async () => {
    world = await startWorld({ env: { LEADSYNC_SYNC_DEBOUNCE_MS: '0', LEADSYNC_SYNC_BATCH_LINGER_MS: '10' } });
    deps = engineDeps(world);
  });
  afterAll(() => world.close());
  beforeEach(async () => {
    await sb('POST', '/__sandbox/reset', { seed: 'empty' });
    await sb('DELETE', '/__sandbox/faults');
    org = await connectedOrg(world, `${name} ${Math.random()}`);
  });
  return {
    get world() {
      return world;
    },
    get deps() {
      return deps;
    },
    get org() {
      return org;
    },
    sb,
    call,
    /** SOQL as the organization's connection runs it. */
    soql: (q: string) => deps.clients.forOrg(org.id).query<Record<string, any>>(q),
    /** Creates a lead through the API, pushes the queue empty, and reads the lead back. */
    push: async (fields: Record<string, unknown>) => {
      const lead = (await call('POST', '/leads', { fields })).body;
      await drain(deps, org.id);
      return (await call('GET', `/leads/${lead.id}`)).body;
    },
  };
}

/** `count` leads created one by one by 8 concurrent API clients (steady arrival); `fields(i)` is lead i. */
export async function createLeadsConcurrently(call: Call, count: number, fields: (i: number) => Record<string, unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const res = await call('POST', '/leads', { fields: fields(next++) });
        if (res.status !== 201) throw new Error(JSON.stringify(res.body));
      }
    }),
  );
}

/** Waits until the organization's sync status shows nothing pending and nothing in flight. */
export async function waitUntilDrained(call: Call, maxMs: number, pollMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const s = (await call('GET', '/integrations/salesforce/sync')).body;
    if (s.pending === 0 && s.in_flight === 0) return;
    if (Date.now() > deadline) throw new Error(`not drained: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
