/**
 * Everything the browser tests and `npm run screenshots` drive: LeadSync's API and UI, its push loop,
 * workflow runner and Pull Rules scheduler (as `leadsync start` runs them), the Salesforce sandbox with demo data, and
 * Debian's Chromium. Short debounce and linger so a lead is pushed within a second or so.
 */
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../src/logger.ts';
import { newWorkerId, syncOnce } from '../../src/sync/engine.ts';
import { startPullScheduler } from '../../src/sync/pull-scheduler.ts';
import { startWorker } from '../../src/sync/worker.ts';
import { createMailer } from '../../src/workflows/actions.ts';
import { runWorkflowsOnce } from '../../src/workflows/runner.ts';
import { launchBrowser } from './browser.ts';
import { sandboxToken, startWorld, type ConnectedWorld } from './salesforce.ts';

export interface UiWorld extends ConnectedWorld {
  browser: Browser;
  url: string;
  /** Holds pushes (the push loop stops between batches) until `resumePush`: a lead stays Pending for as long as a test needs. */
  pausePush(): Promise<void>;
  resumePush(): void;
}

export async function startUiWorld(): Promise<UiWorld> {
  const world = await startWorld({ seed: 'demo', env: { LEADSYNC_SYNC_DEBOUNCE_MS: '150', LEADSYNC_SYNC_BATCH_LINGER_MS: '50' } });
  const { db, config } = { db: world.api.database.db, config: world.api.config };
  const logger = createLogger('silent');
  const deps = { db, config, logger, clients: world.api.salesforce, workerId: newWorkerId(), retryBaseMs: 200, pauseMs: 1000 };
  const startPush = () =>
    startWorker({
      db,
      logger,
      pollMs: 100,
      tick: async (isRunning) => {
        while (isRunning() && (await syncOnce(deps, isRunning)) > 0);
      },
    });
  let push = startPush();
  const runnerDeps = { db, logger, allowedWebhookHosts: [], debounceMs: config.sync.debounceMs, mailer: createMailer(undefined) };
  const workflows = startWorker({ db, logger, pollMs: 200, tick: () => runWorkflowsOnce(runnerDeps).then(() => undefined) });
  const pull = startPullScheduler({ db, config, logger, clients: world.api.salesforce, workerId: newWorkerId(), batchSize: 50 }, 200);
  const browser = await launchBrowser();
  return {
    ...world,
    browser,
    url: world.api.url,
    pausePush: () => push.stop(),
    resumePush() {
      if (!push.isRunning()) push = startPush();
    },
    async close() {
      await browser.close().catch(() => undefined);
      await push.stop();
      await workflows.stop();
      await pull.stop();
      await world.close();
    },
  };
}

/** Signs in through the form on whatever page is showing it. */
export async function signInWith(page: Page, token: string): Promise<void> {
  await page.getByLabel('API key or staff token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** An Account name from the sandbox's demo data (a lead with it as company gets that Account). */
export async function sandboxAccount(world: ConnectedWorld): Promise<{ Id: string; Name: string; Website: string }> {
  const token = await sandboxToken(world.sandbox);
  const q = await fetch(`${world.sandbox.url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id, Name, Website FROM Account ORDER BY Name LIMIT 1')}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await q.json()) as { records: { Id: string; Name: string; Website: string }[] }).records[0];
}
