import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { notFound, validationFailed } from '../../errors.ts';
import { getLead, listLeads } from '../../db/leads.ts';
import { patchLead, upsertLead } from '../../leads/service.ts';
import { isUuid, orgFromPath } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { decodeCursor, encodeCursor, isPosition, Page, PageQuery, pageLimit } from '../pagination.ts';
import { ErrorBody, Lead, LeadParams, LeadWriteBody, OrgParams, toLead } from '../schemas.ts';

const ListQuery = Type.Object(
  {
    email: Type.Optional(Type.String({ description: 'Only the lead with this email (case-insensitive).' })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Leads whose email, name or company contains this text (case-insensitive).' })),
    sync_status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('synced'), Type.Literal('error'), Type.Literal('not_synced')], { description: 'Only leads in this sync status.' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody };

export function leadRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const options = { debounceMs: ctx.config.sync.debounceMs };

  app.post<{ Params: Static<typeof OrgParams>; Body: LeadWriteBody }>(
    '/api/v1/orgs/:org/leads',
    { schema: { tags: ['leads'], summary: 'Create a lead, or update the one with the same email', params: OrgParams, body: LeadWriteBody, response: { 200: Lead, 201: Lead, ...errors } } },
    async (request, reply) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      const result = await upsertLead(ctx.db, org.id, request.body.fields, options);
      return reply.code(result.created ? 201 : 200).send(toLead(result.lead));
    },
  );

  app.patch<{ Params: Static<typeof LeadParams>; Body: LeadWriteBody }>(
    '/api/v1/orgs/:org/leads/:id',
    { schema: { tags: ['leads'], summary: 'Change some fields of a lead', params: LeadParams, body: LeadWriteBody, response: { 200: Lead, ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      if (!isUuid(request.params.id)) throw notFound('Lead');
      return toLead((await patchLead(ctx.db, org.id, request.params.id, request.body.fields, options)).lead);
    },
  );

  app.get<{ Params: Static<typeof LeadParams> }>(
    '/api/v1/orgs/:org/leads/:id',
    { schema: { tags: ['leads'], summary: 'A lead', params: LeadParams, response: { 200: Lead, ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      const lead = isUuid(request.params.id) ? await getLead(ctx.db, org.id, request.params.id) : undefined;
      if (!lead) throw notFound('Lead');
      return toLead(lead);
    },
  );

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/leads',
    { schema: { tags: ['leads'], summary: 'List leads: by email, by a search (q) in email, name and company, by sync status', params: OrgParams, querystring: ListQuery, response: { 200: Page(Lead), ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      // PostgreSQL text cannot hold NUL: such a search matches nothing a lead can hold, say so instead of failing.
      if (request.query.q?.includes('\u0000')) throw validationFailed({ 'query.q': 'must not contain NUL characters' });
      const page = await listLeads(ctx.db, org.id, {
        email: request.query.email,
        q: request.query.q,
        syncStatus: request.query.sync_status,
        limit: pageLimit(request.query.limit),
        afterSeq: decodeCursor(request.query.cursor, isPosition),
      });
      return { items: page.items.map(toLead), next_cursor: page.next === null ? null : encodeCursor(page.next) };
    },
  );
}
