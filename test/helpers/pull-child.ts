/**
 * A process that works one pull run and prints its progress (`processed N`), for tests that kill it
 * with SIGKILL half-way. Configured by the environment like LeadSync itself, plus PULL_RUN_ID.
 */
import { loadConfig } from '../../src/config/config.ts';
import { openDatabase } from '../../src/db/open.ts';
import { createLogger } from '../../src/logger.ts';
import { SalesforceClients } from '../../src/salesforce/client.ts';
import { pullOnce } from '../../src/sync/pull.ts';

const config = loadConfig(process.env);
const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
const deps = {
  db,
  config,
  logger: createLogger('silent'),
  clients: new SalesforceClients({ db, config }),
  workerId: `child-${process.pid}`,
  leaseMs: Number(process.env.PULL_LEASE_MS ?? 1500),
  pageSize: 200,
  batchSize: 200,
  onProgress: (p: { processed: number }) => void process.stdout.write(`processed ${p.processed}\n`),
};
for (;;) {
  const run = await pullOnce(deps, process.env.PULL_RUN_ID);
  if (!run) await new Promise((r) => setTimeout(r, 100));
  const { rows } = await db.query<{ status: string }>('select status from pull_runs where id = $1', [process.env.PULL_RUN_ID]);
  if (rows[0]?.status !== 'running') break;
}
process.stdout.write('finished\n');
await db.close();
