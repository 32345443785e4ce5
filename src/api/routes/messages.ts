import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { notFound, validationFailed } from '../../errors.ts';
import { getLead } from '../../db/leads.ts';
import { listMessages } from '../../db/messages.ts';
import { normalizeValue } from '../../leads/data-model.ts';
import { addMessage } from '../../leads/service.ts';
import { isUuid, orgFromPath } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { decodeCursor, encodeCursor, Page, PageQuery, pageLimit } from '../pagination.ts';
import { ErrorBody, LeadParams, Message, MessageBody, toMessage } from '../schemas.ts';

const ListQuery = Type.Object(PageQuery, { additionalProperties: false });
type Position = { sent_at: string; seq: number };
const isPosition = (v: unknown): v is Position =>
  typeof v === 'object' && v !== null && typeof (v as Position).sent_at === 'string' && !Number.isNaN(Date.parse((v as Position).sent_at)) && Number.isSafeInteger((v as Position).seq);
/** The earliest `sent_at` a message may have (docs/api.md). */
export const EARLIEST_SENT_AT = '1900-01-01T00:00:00.000Z';
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 413: ErrorBody };

export function messageRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Params: Static<typeof LeadParams>; Body: MessageBody }>(
    '/api/v1/orgs/:org/leads/:id/messages',
    { schema: { tags: ['leads'], summary: 'Add a conversation message to a lead', params: LeadParams, body: MessageBody, response: { 201: Message, ...errors } } },
    async (request, reply) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      if (!isUuid(request.params.id)) throw notFound('Lead');
      let sentAt: string | undefined;
      if (request.body.sent_at !== undefined) {
        const checked = normalizeValue({ key: 'sent_at', label: 'Sent at', type: 'datetime', builtin: true, read_only: false }, request.body.sent_at);
        if ('problem' in checked) throw validationFailed({ sent_at: checked.problem });
        sentAt = checked.value as string;
        // Years 0001-0099 would not read back exactly from PGlite (its parser reads 0001 as 2001): refused.
        if (sentAt < EARLIEST_SENT_AT) throw validationFailed({ sent_at: `must be ${EARLIEST_SENT_AT.slice(0, 10)} or later` });
      }
      const row = await addMessage(ctx.db, org.id, request.params.id, { ...request.body, sent_at: sentAt }, { debounceMs: ctx.config.sync.debounceMs });
      return reply.code(201).send(toMessage(row));
    },
  );

  app.get<{ Params: Static<typeof LeadParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/leads/:id/messages',
    { schema: { tags: ['leads'], summary: "A lead's messages, oldest first", params: LeadParams, querystring: ListQuery, response: { 200: Page(Message), ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      const lead = isUuid(request.params.id) ? await getLead(ctx.db, org.id, request.params.id) : undefined;
      if (!lead) throw notFound('Lead');
      const page = await listMessages(ctx.db, lead.id, { limit: pageLimit(request.query.limit), after: decodeCursor(request.query.cursor, isPosition) });
      return { items: page.items.map(toMessage), next_cursor: page.next === null ? null : encodeCursor(page.next) };
    },
  );
}
