import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError, notFound, validationFailed } from '../../errors.ts';
import { getLead } from '../../db/leads.ts';
import { getConnection } from '../../db/salesforce-connections.ts';
import { listLog, requeueLeads, saveSettingsDocument } from '../../db/sync.ts';
import { errorsByCode, hourlyStats } from '../../db/sync-stats.ts';
import { syncStatus } from '../../sync/status.ts';
import { orgDataModel } from '../../leads/service.ts';
import { SalesforceNotConnected, SalesforceReconnectionRequired, salesforceErrorCode } from '../../salesforce/client.ts';
import { loadSettings, readAndPlan } from '../../sync/engine.ts';
import { normalizeSettings, PUSH_OBJECTS, settingsProblems, type DescribedField, type PushObject } from '../../sync/settings.ts';
import { isUuid, orgFromPath } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { decodeCursor, encodeCursor, isPosition, PageQuery, pageLimit } from '../pagination.ts';
import { ErrorBody, OrgParams } from '../schemas.ts';
import { salesforceFailure } from './salesforce.ts';

const WriteRule = Type.Union([Type.Literal('overwrite'), Type.Literal('if_empty')]);
const Row = Type.Object(
  { spara_field: Type.String({ minLength: 1 }), salesforce_field: Type.String({ minLength: 1, maxLength: 255 }), write_rule: Type.Optional(WriteRule), flagged: Type.Optional(Type.String()) },
  { additionalProperties: false },
);
const Rule = Type.Object({ update_existing: Type.Boolean(), create_when_no_match: Type.Boolean() }, { additionalProperties: false });
const SettingsBody = Type.Object(
  {
    push: Type.Object({ lead: Rule, contact: Rule }, { additionalProperties: false }),
    mappings: Type.Object({ lead: Type.Array(Row, { maxItems: 200 }), contact: Type.Array(Row, { maxItems: 200 }) }, { additionalProperties: false }),
    required_field_placeholder: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
  },
  { additionalProperties: false },
);
const SettingsResponse = Type.Object({
  push: Type.Object({ lead: Rule, contact: Rule }),
  mappings: Type.Object({ lead: Type.Array(Row), contact: Type.Array(Row) }),
  required_field_placeholder: Type.String(),
});
const SyncStatus = Type.Object({
  pending: Type.Number(),
  in_flight: Type.Number(),
  errors: Type.Number(),
  last_run_at: Type.Union([Type.String(), Type.Null()]),
  paused_until: Type.Union([Type.String(), Type.Null()], { description: 'end of a timed pause (api_budget, request_limit); null otherwise' }),
  pause_reason: Type.Union([Type.Literal('api_budget'), Type.Literal('request_limit'), Type.Literal('reconnection_required'), Type.Literal('not_connected'), Type.Null()]),
  api_usage: Type.Union([Type.Object({ used: Type.Number(), max: Type.Number() }), Type.Null()]),
});
const LogQuery = Type.Object({ lead_id: Type.Optional(Type.String()), status: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('error'), Type.Literal('retrying')])), ...PageQuery }, { additionalProperties: false });
const LogItem = Type.Object({
  id: Type.String(),
  lead_id: Type.Union([Type.String(), Type.Null()]),
  object: Type.String(),
  operation: Type.String(),
  salesforce_id: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  error_code: Type.Union([Type.String(), Type.Null()]),
  message: Type.Union([Type.String(), Type.Null()]),
  at: Type.String(),
});
const StatsQuery = Type.Object({ hours: Type.Optional(Type.String({ description: 'Hours back, the current one included: 1 to 168 (default 24).' })) }, { additionalProperties: false });
const MAX_STATS_HOURS = 168;
const Stats = Type.Object({
  buckets: Type.Array(Type.Object({ start: Type.String(), pushed: Type.Number(), pulled: Type.Number(), failed: Type.Number(), skipped: Type.Number(), api_calls: Type.Number() })),
  errors_by_code: Type.Array(Type.Object({ code: Type.String(), count: Type.Number(), example_message: Type.Union([Type.String(), Type.Null()]) })),
});
const PreviewParams = Type.Object({ org: Type.String(), lead: Type.String() });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Preview = Type.Object({
  lead_id: Type.String(),
  objects: Type.Array(
    Type.Object({
      object: Type.Union([Type.Literal('Lead'), Type.Literal('Contact')]),
      match: Type.Union([Type.Object({ id: Type.String(), by: Type.Union([Type.String({ description: 'id, email or converted_lead' }), Type.Null()]) }), Type.Null()]),
      action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('none')]),
      changes: Type.Record(Type.String(), Type.Object({ from: Type.Optional(Type.Unknown()), to: Type.Optional(Type.Unknown()) }), { description: 'Salesforce field → {from, to}' }),
      reason: NullableString,
      reason_code: Type.Union([Type.Literal('exists_as_contact'), Type.Literal('exists_as_lead'), Type.Null()], { description: 'a create held back by "one person, one Salesforce record"' }),
      error: NullableString,
    }),
  ),
  salesforce_data: Type.Union([Type.Object({}, { additionalProperties: true, description: "the lead's salesforce_* fields as Salesforce has them now" }), Type.Null()]),
});
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody, 502: ErrorBody };
const base = '/api/v1/orgs/:org/integrations/salesforce';

export function syncRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Params: Static<typeof OrgParams> }>(
    `${base}/settings`,
    { schema: { tags: ['salesforce'], summary: 'Push Rules and Data Model Sync mappings', params: OrgParams, response: { 200: SettingsResponse, ...errors } } },
    async (request) => loadSettings(ctx.db, (await orgFromPath(ctx, request, request.params.org)).id),
  );

  app.put<{ Params: Static<typeof OrgParams>; Body: Static<typeof SettingsBody> }>(
    `${base}/settings`,
    { schema: { tags: ['salesforce'], summary: 'Replace the settings document (checked against describe when connected)', params: OrgParams, body: SettingsBody, response: { 200: SettingsResponse, ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      const previous = await loadSettings(ctx.db, org.id);
      const doc = normalizeSettings(request.body, previous);
      const describe: Partial<Record<PushObject, DescribedField[]>> = {};
      const connection = await getConnection(ctx.db, org.id);
      if (connection?.status === 'connected') {
        const client = ctx.salesforce.forOrg(org.id);
        try {
          for (const object of PUSH_OBJECTS) describe[object] = await client.describeFields(object === 'lead' ? 'Lead' : 'Contact');
        } catch (error) {
          // Authorization lost meanwhile: saved like any not-connected organization (LeadSync-side checks only).
          if (!(error instanceof SalesforceReconnectionRequired || error instanceof SalesforceNotConnected)) {
            // Connected but Salesforce could not describe: never store rows unchecked. Nothing is saved; try again.
            request.log.warn({ err: error }, 'describe failed during settings check');
            const code = salesforceErrorCode(error) ?? 'no answer';
            throw new AppError(502, 'salesforce_error', `Salesforce could not describe Lead and Contact to check the mappings (${code}); nothing was saved. Try again in a moment.`);
          }
          for (const object of PUSH_OBJECTS) delete describe[object];
        }
      }
      const problems = settingsProblems(doc, await orgDataModel(ctx.db, org.id), describe, request.body);
      if (Object.keys(problems.validation).length > 0) throw validationFailed(problems.validation);
      if (problems.mapping.length > 0) {
        const list = problems.mapping.map((p) => `mappings.${p.object}[${p.index}]: ${p.reason}`).join('; ');
        throw new AppError(400, 'invalid_mapping', `Some mapping rows cannot be written: ${list}.`, { rows: problems.mapping });
      }
      // A row saved again after checking against describe is no longer flagged.
      for (const object of PUSH_OBJECTS) if (describe[object]) for (const row of doc.mappings[object]) delete row.flagged;
      await saveSettingsDocument(ctx.db, org.id, doc);
      return doc;
    },
  );

  app.get<{ Params: Static<typeof OrgParams> }>(
    `${base}/sync`,
    { schema: { tags: ['salesforce'], summary: 'Queue, errors, last run and API usage', params: OrgParams, response: { 200: SyncStatus, ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      return syncStatus(ctx.db, org.id);
    },
  );

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof LogQuery> }>(
    `${base}/sync/log`,
    { schema: { tags: ['salesforce'], summary: 'The sync log, newest first', params: OrgParams, querystring: LogQuery, response: { 200: Type.Object({ items: Type.Array(LogItem), next_cursor: Type.Union([Type.String(), Type.Null()]) }), ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      if (request.query.lead_id !== undefined && !isUuid(request.query.lead_id)) throw validationFailed({ 'query.lead_id': 'must be a lead id' });
      const limit = pageLimit(request.query.limit);
      const before = decodeCursor(request.query.cursor, isPosition);
      const rows = await listLog(ctx.db, org.id, { leadId: request.query.lead_id, status: request.query.status, limit: limit + 1, beforeId: before });
      const items = rows.slice(0, limit);
      return {
        items: items.map((r) => ({ ...r, id: String(r.id), at: new Date(r.at).toISOString() })),
        next_cursor: rows.length > limit ? encodeCursor(Number(items[items.length - 1].id)) : null,
      };
    },
  );

  app.post<{ Params: Static<typeof PreviewParams> }>(
    `${base}/sync/preview/:lead`,
    { schema: { tags: ['salesforce'], summary: 'Dry run: the match, action and field changes per object, writing nothing', params: PreviewParams, response: { 200: Preview, ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      const lead = isUuid(request.params.lead) ? await getLead(ctx.db, org.id, request.params.lead) : undefined;
      if (!lead) throw notFound('Lead');
      try {
        const batch = await readAndPlan(ctx.db, ctx.salesforce.forOrg(org.id), org.id, [lead]);
        const plan = batch.plans.get(lead.id)!;
        return {
          lead_id: lead.id,
          objects: plan.objects.map((p) => ({
            object: p.object,
            match: p.id ? { id: p.id, by: p.matchedBy ?? null } : null,
            action: p.action === 'skip' ? 'none' : p.action,
            changes: p.changes,
            reason: p.reason ?? null,
            // A create held back by "one person, one Salesforce record": exists_as_contact | exists_as_lead.
            reason_code: p.heldBack?.reason ?? null,
            error: p.error ?? null,
          })),
          salesforce_data: batch.enrichment.get(lead.id) ?? null,
        };
      } catch (error) {
        const failure = salesforceFailure(error);
        if (failure) throw failure;
        // Salesforce's own failure (an error code, or no answer) is not the client's: 502, not 500.
        const code = salesforceErrorCode(error) ?? ((error as Error)?.name === 'FetchError' ? 'no answer' : undefined);
        if (code) throw new AppError(502, 'salesforce_error', `Salesforce failed the preview's reads (${code}): ${(error as Error).message}`);
        throw error;
      }
    },
  );

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof StatsQuery> }>(
    `${base}/sync/stats`,
    { schema: { tags: ['salesforce'], summary: 'Sync Health: pushed, pulled, failed, skipped and API calls per hour, oldest first; errors by code', params: OrgParams, querystring: StatsQuery, response: { 200: Stats, ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      const raw = request.query.hours;
      if (raw !== undefined && (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_STATS_HOURS)) throw validationFailed({ 'query.hours': `must be a whole number from 1 to ${MAX_STATS_HOURS}` });
      const hours = raw === undefined ? 24 : Number(raw);
      return { buckets: await hourlyStats(ctx.db, org.id, hours), errors_by_code: await errorsByCode(ctx.db, org.id, hours) };
    },
  );

  app.post<{ Params: Static<typeof OrgParams> }>(
    `${base}/sync/backfill`,
    {
      schema: {
        tags: ['salesforce'],
        summary: 'Queue every lead for push (a mapping added later applies to existing leads); progress is `pending` going to 0',
        params: OrgParams,
        response: { 202: Type.Object({ queued: Type.Number() }), ...errors },
      },
    },
    async (request, reply) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      return reply.code(202).send({ queued: await requeueLeads(ctx.db, org.id, 'all') });
    },
  );

  app.post<{ Params: Static<typeof OrgParams> }>(
    `${base}/sync/retry`,
    { schema: { tags: ['salesforce'], summary: 'Re-queue every lead whose sync ended in error', params: OrgParams, response: { 200: Type.Object({ requeued: Type.Number() }), ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      return { requeued: await requeueLeads(ctx.db, org.id, 'errors') };
    },
  );
}
