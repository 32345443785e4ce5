/**
 * The background worker: the process-side loop that claims due sync work (sync_queue) per
 * organization. It owns start/stop and readiness so that `start` and `worker` behave alike.
 */
import type { Logger } from 'pino';
import type { Database } from '../db/engine.ts';

export interface Worker {
  isRunning(): boolean;
  /** Stops claiming work and waits for the current tick to finish. */
  stop(): Promise<void>;
}

export interface WorkerOptions {
  db: Database;
  logger: Logger;
  pollMs?: number;
  /** One pass over due work; resolves when done. The sync engine plugs in here. */
  tick?: (isRunning: () => boolean) => Promise<void>;
}

export function startWorker(options: WorkerOptions): Worker {
  const pollMs = options.pollMs ?? 1000;
  let running = true;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const loop = () => {
    if (!running) return;
    current = (options.tick ? options.tick(() => running) : Promise.resolve())
      .catch((error) => options.logger.error({ err: error }, 'worker tick failed'))
      .finally(() => {
        if (running) timer = setTimeout(loop, pollMs);
      });
  };
  loop();
  options.logger.debug('worker started');
  return {
    isRunning: () => running,
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}

/**
 * Stops the worker, waiting at most `graceMs` for its current pass (runtime.md: exit within 10 s).
 * A pass still running then — Salesforce slow to answer — has its work handed back by `handBack`.
 */
export async function stopWithin(worker: Worker, graceMs: number, handBack: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const finished = await Promise.race([worker.stop().then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)))]);
  clearTimeout(timer);
  if (!finished) await handBack();
}
