import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.ts';
import { queueDepth, registry } from '../../metrics.ts';
import { bearerToken } from '../auth.ts';
import type { ApiContext } from '../context.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** `GET /metrics` for Prometheus: staff token, or open with LEADSYNC_METRICS_OPEN=true. */
export function metricsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (!ctx.config.metricsOpen) {
      const token = bearerToken(request);
      const staff = ctx.config.staffToken;
      if (!token || !staff || !timingSafeEqual(digest(token), digest(staff))) {
        throw new AppError(401, 'unauthorized', '/metrics needs the staff token (or LEADSYNC_METRICS_OPEN=true).');
      }
    }
    const { rows } = await ctx.db.query<{ org_id: string; n: number }>('select org_id, count(*)::int as n from sync_queue group by org_id');
    queueDepth.reset();
    for (const row of rows) queueDepth.set({ org: row.org_id }, row.n);
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
