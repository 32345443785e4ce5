/**
 * The Pull Rules scheduler, in every `start` and `worker` process: starts the runs of rules that
 * are due (each rule by one process, `FOR UPDATE SKIP LOCKED`, next run time kept in the database),
 * then works runs that are waiting — new, resumable after a pause, or left by a process that died —
 * one at a time. A stopping process hands its run back between two batches.
 */
import { startDueRuns } from '../db/pull-runs.ts';
import { pullOnce, type PullDeps } from './pull.ts';
import { startWorker, type Worker } from './worker.ts';

export function startPullScheduler(deps: PullDeps, pollMs = 1000): Worker {
  let running = true;
  const worker = startWorker({
    db: deps.db,
    logger: deps.logger,
    pollMs,
    tick: async (isRunning) => {
      await startDueRuns(deps.db);
      const loopDeps = { ...deps, shouldStop: () => !isRunning() || !running };
      while (isRunning() && (await pullOnce(loopDeps)));
    },
  });
  return {
    isRunning: () => worker.isRunning(),
    async stop() {
      running = false;
      await worker.stop();
    },
  };
}
