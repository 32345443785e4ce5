/** `leadsync start | serve | worker`: the long-running shapes of runtime.md. */
import { buildApi } from '../api/server.ts';
import type { Config } from '../config/config.ts';
import { saveSecrets, type DataDirSecrets } from '../config/data-dir-secrets.ts';
import { createOrg, getOrg } from '../db/orgs.ts';
import { startWorker, stopWithin, type Worker } from '../sync/worker.ts';
import { handBackClaims } from '../db/sync.ts';
import { releaseClaimsOfDeadProcesses } from '../db/claims.ts';
import { newWorkerId, queueEnrichmentRefresh, syncOnce } from '../sync/engine.ts';
import { claimTurns } from '../sync/queue.ts';
import { startPullScheduler } from '../sync/pull-scheduler.ts';
import { SalesforceClients } from '../salesforce/client.ts';
import { createMailer } from '../workflows/actions.ts';
import { runWorkflowsOnce } from '../workflows/runner.ts';
import { startSandbox } from '../sandbox/server.ts';
import { boot, type Booted } from './boot.ts';
import { localUrl, removeServerFile, writeServerFile } from './server-file.ts';

/** SIGTERM/SIGINT: stop claiming, finish or hand back in-flight work, exit within 10 s. */
function onShutdown(booted: Booted, stops: Array<() => Promise<void>>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    booted.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    for (const s of stops) await s().catch((err) => booted.logger.error({ err }, 'error while stopping'));
    await booted.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

async function listen(booted: Booted, worker: Worker | undefined, salesforce?: SalesforceClients) {
  const app = await buildApi({ db: booted.db, config: booted.config, logger: booted.logger, salesforce, workerRunning: worker ? () => worker.isRunning() : undefined });
  await app.listen({ port: booted.config.port, host: booted.config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : booted.config.port;
  return { app, port };
}

export async function startCommand(options: { port?: string; dataDir?: string; sandbox: boolean; sandboxPort?: string; concurrency: number }): Promise<void> {
  const booted = await boot({ overrides: { PORT: options.port, LEADSYNC_DATA_DIR: options.dataDir } });
  const stops: Array<() => Promise<void>> = [];
  const lines: string[] = [];
  try {
    if (!booted.config.databaseUrl) {
      // This process holds the data directory's lock: any claim in it belongs to a process that died.
      const released = await releaseClaimsOfDeadProcesses(booted.db);
      if (released.leads + released.pullRuns + released.workflowActions > 0) booted.logger.warn(released, 'resuming the work of a LeadSync process that stopped without finishing it');
    }
    if (options.sandbox && !booted.config.salesforce.clientId) {
      const sandbox = await startSandboxOnFreePort(options.sandboxPort === undefined ? 4010 : Number(options.sandboxPort));
      stops.push(() => sandbox.close());
      booted.config = withSandbox(booted.config, sandbox);
      lines.push(`  Salesforce sandbox: ${sandbox.url}  (log in as ${sandbox.username} / ${sandbox.password})`);
    }
    const salesforce = new SalesforceClients({ db: booted.db, config: booted.config, logger: booted.logger });
    const worker = startPushLoops(booted, salesforce, options.concurrency);
    // Before the embedded sandbox closes: a batch in flight gets to finish against it.
    stops.unshift(() => worker.stop());
    const pulls = startPulls(booted, salesforce);
    stops.unshift(() => pulls.stop());
    const workflows = startWorkflowRunner(booted);
    stops.push(() => workflows.stop());
    const { app, port } = await listen(booted, worker, salesforce);
    stops.unshift(() => app.close());
    if (!booted.config.databaseUrl) {
      // Admin commands on this data directory ask this process (it alone may open the database).
      await writeServerFile(booted.config.dataDir, { url: localUrl(booted.config.host, port), pid: process.pid, started_at: new Date().toISOString() });
      stops.unshift(() => removeServerFile(booted.config.dataDir));
    }
    const base = booted.config.publicUrl.includes(`:${booted.config.port}`) ? booted.config.publicUrl.replace(`:${booted.config.port}`, `:${port}`) : booted.config.publicUrl;
    // With --port 0 the real port is known only now; the OAuth callback URL is built from this.
    booted.config.publicUrl = base;
    const demo = booted.secrets ? await ensureDemoOrg({ ...booted, secrets: booted.secrets }) : undefined;
    console.log(
      [
        'LeadSync is running.',
        `  Web UI:             ${base}/`,
        `  API:                ${base}/api/v1  (docs: ${base}/api/v1/docs)`,
        ...(demo
          ? [
              `  Demo organization:  ${demo.name}  id ${demo.id}`,
              `  Demo API key:       ${demo.apiKey}`,
              booted.secretsCreated
                ? `  Staff token:        ${booted.config.staffToken}  (shown on first start; kept in ${booted.config.dataDir}/secrets.json)`
                : `  Staff token:        in ${booted.config.dataDir}/secrets.json`,
            ]
          : ['  Organizations:      create one with `leadsync org create NAME` or POST /api/v1/orgs (staff token)']),
        ...lines,
        booted.config.databaseUrl ? '  Database:           PostgreSQL (DATABASE_URL)' : `  Database:           embedded, in ${booted.config.dataDir}`,
      ].join('\n'),
    );
  } catch (error) {
    for (const s of stops) await s().catch(() => {});
    await booted.shutdown();
    throw error;
  }
  onShutdown(booted, stops);
}

export async function serveCommand(options: { port?: string }): Promise<void> {
  const booted = await boot({ overrides: { PORT: options.port }, requirePostgres: 'leadsync serve' });
  const { app, port } = await listen(booted, undefined);
  booted.logger.info({ port }, 'serving the API');
  onShutdown(booted, [() => app.close()]);
}

export async function workerCommand(options: { concurrency: number }): Promise<void> {
  const booted = await boot({ requirePostgres: 'leadsync worker' });
  const salesforce = new SalesforceClients({ db: booted.db, config: booted.config, logger: booted.logger });
  const pushers = startPushLoops(booted, salesforce, options.concurrency);
  const workflows = startWorkflowRunner(booted);
  const pulls = startPulls(booted, salesforce);
  booted.logger.info({ concurrency: options.concurrency }, 'worker started');
  onShutdown(booted, [() => pushers.stop(), () => pulls.stop(), () => workflows.stop()]);
}

/**
 * --concurrency N: N push loops, each claiming its own batches (of one organization or several) and
 * taking turns at claiming, so that one batch's Salesforce calls overlap another's database work.
 */
function startPushLoops(booted: Booted, salesforce: SalesforceClients, concurrency: number): Worker {
  const claimTurn = claimTurns();
  const loops = Array.from({ length: concurrency }, () => startSyncWorker(booted, salesforce, claimTurn));
  return { isRunning: () => loops.some((l) => l.isRunning()), stop: () => Promise.all(loops.map((l) => l.stop())).then(() => undefined) };
}

/**
 * The push engine in the worker loop: batch after batch while there is due work, then a short poll.
 * Stopping waits up to 6 s for a batch in flight, then hands its leads back (due again in a minute).
 */
function startSyncWorker(booted: Booted, salesforce: SalesforceClients, claimTurn: ReturnType<typeof claimTurns>): Worker {
  const deps = { db: booted.db, config: booted.config, logger: booted.logger, clients: salesforce, workerId: newWorkerId(), claimTurn, leaseSeconds: booted.config.sync.leaseSeconds };
  let lastRefresh = 0;
  const worker = startWorker({
    db: booted.db,
    logger: booted.logger,
    pollMs: 200,
    tick: async (isRunning) => {
      // The daily refresh of Salesforce data is queued at most once a minute per process.
      if (Date.now() - lastRefresh > 60_000) {
        lastRefresh = Date.now();
        await queueEnrichmentRefresh(deps);
      }
      // Batch after batch while work is due; stop between batches on shutdown.
      while (isRunning() && (await syncOnce(deps, isRunning)) > 0);
    },
  });
  return { isRunning: () => worker.isRunning(), stop: () => stopWithin(worker, 6_000, () => handBackClaims(booted.db, deps.workerId, 60_000)) };
}

/** Pull Rules: due rules start runs; runs are worked (and resumed) one at a time per process. */
function startPulls(booted: Booted, salesforce: SalesforceClients): Worker {
  return startPullScheduler({ db: booted.db, config: booted.config, logger: booted.logger, clients: salesforce, workerId: newWorkerId() });
}

/** Workflow events and actions, from the durable tables, in the worker loop. */
function startWorkflowRunner(booted: Booted): Worker {
  const deps = {
    db: booted.db,
    logger: booted.logger,
    allowedWebhookHosts: booted.config.webhookAllowedHosts,
    debounceMs: booted.config.sync.debounceMs,
    mailer: createMailer(booted.config.smtpUrl),
  };
  return startWorker({ db: booted.db, logger: booted.logger, pollMs: 500, tick: () => runWorkflowsOnce(deps).then(() => undefined) });
}

/** The sandbox on its port (--sandbox-port, default 4010), or any free port when that one is taken. */
async function startSandboxOnFreePort(port: number) {
  try {
    return await startSandbox({ port, seed: 'demo' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    return startSandbox({ port: 0, seed: 'demo' });
  }
}

function withSandbox(config: Config, sandbox: { url: string; clientId: string; clientSecret: string }): Config {
  return { ...config, salesforce: { ...config.salesforce, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, loginUrl: config.salesforce.loginUrl ?? sandbox.url } };
}

/** The demo organization of the embedded start, created once; its key is kept in the data dir to print. */
async function ensureDemoOrg(booted: Booted & { secrets: DataDirSecrets }): Promise<{ id: string; name: string; apiKey: string }> {
  const secrets = booted.secrets;
  if (secrets.demoOrg && (await getOrg(booted.db, secrets.demoOrg.id))) {
    return { id: secrets.demoOrg.id, name: 'Demo Company', apiKey: secrets.demoOrg.apiKey };
  }
  const { org, apiKey } = await createOrg(booted.db, 'Demo Company');
  await saveSecrets(booted.config.dataDir, { ...secrets, demoOrg: { id: org.id, apiKey } });
  return { id: org.id, name: org.name, apiKey };
}
