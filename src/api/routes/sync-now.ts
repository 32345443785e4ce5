/** "Sync now" on a lead's page: push this one lead at once (api-v1.md has retry and backfill for many). */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { notFound } from '../../errors.ts';
import { getLead } from '../../db/leads.ts';
import { queueLeadNow } from '../../db/sync-queue.ts';
import { isUuid, orgFromPath } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ErrorBody } from '../schemas.ts';

const Params = Type.Object({ org: Type.String(), lead: Type.String() });

export function syncNowRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Params: Static<typeof Params> }>(
    '/api/v1/orgs/:org/integrations/salesforce/sync/push/:lead',
    {
      schema: {
        tags: ['salesforce'],
        summary: 'Sync now: queue one lead for an immediate push (no debounce, no retry wait)',
        params: Params,
        response: { 202: Type.Object({ queued: Type.Number() }), 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      const lead = isUuid(request.params.lead) ? await getLead(ctx.db, org.id, request.params.lead) : undefined;
      if (!lead) throw notFound('Lead');
      await queueLeadNow(ctx.db, org.id, lead.id);
      return reply.code(202).send({ queued: 1 });
    },
  );
}
