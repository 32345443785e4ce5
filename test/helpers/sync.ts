/** Drives the push engine in-process, the way the worker loop does, for tests. */
import { createLogger } from '../../src/logger.ts';
import { SalesforceClients } from '../../src/salesforce/client.ts';
import { syncOnce, type EngineDeps } from '../../src/sync/engine.ts';
import type { ConnectedWorld } from './salesforce.ts';

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
