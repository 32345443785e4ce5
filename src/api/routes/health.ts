import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';

/** Liveness and readiness, without a token (runtime.md's Observability). */
export function healthRoutes(app: FastifyInstance, ctx: ApiContext): void {
  // The app is built only after the lock is held and migrations ran: answering at all means started.
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const problems: string[] = [];
    try {
      await ctx.db.query('select 1');
    } catch {
      problems.push('database');
    }
    if (ctx.workerRunning && !ctx.workerRunning()) problems.push('worker');
    return problems.length === 0 ? { status: 'ready' } : reply.code(503).send({ status: 'not_ready', problems });
  });
}
