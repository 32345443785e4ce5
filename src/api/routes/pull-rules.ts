/**
 * Pull Rules (api-v1.md, "Pull Rules"; staff only — an organization key gets 403): the rule list,
 * on-demand runs, and runs with their progress and log. A run is durable work: this route only
 * records it; a worker (`start`, `worker`, or the CLI) claims and works it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError, notFound, validationFailed } from '../../errors.ts';
import { getConnection } from '../../db/salesforce-connections.ts';
import { getPullRule, listPullRules, pullRuleIdsElsewhere, replacePullRules, type PullRuleRow } from '../../db/pull-rules.ts';
import { getRun, listRunLog, listRuns, startRun, type PullRunRow } from '../../db/pull-runs.ts';
import { SalesforceNotConnected, SalesforceReconnectionRequired } from '../../salesforce/client.ts';
import { checkFilter } from '../../sync/pull-filter.ts';
import { isUuid, orgFromPath, requireStaff } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { decodeCursor, encodeCursor, isPosition, PageQuery, pageLimit } from '../pagination.ts';
import { ErrorBody, OrgParams } from '../schemas.ts';

const PullObject = Type.Union([Type.Literal('Lead'), Type.Literal('Contact')]);
const RuleBody = Type.Object(
  {
    id: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    object: PullObject,
    filter: Type.String({ maxLength: 20_000, description: "A SOQL condition: what follows WHERE, e.g. LeadSource = 'Web'." }),
    enabled: Type.Boolean(),
    interval_minutes: Type.Integer({ minimum: 1, maximum: 43_200 }),
  },
  { additionalProperties: false },
);
const Rule = Type.Object({ id: Type.String(), name: Type.String(), object: PullObject, filter: Type.String(), enabled: Type.Boolean(), interval_minutes: Type.Integer() });
const RulesBody = Type.Object({ rules: Type.Array(RuleBody, { maxItems: 100 }) }, { additionalProperties: false });
const Rules = Type.Object({ rules: Type.Array(Rule) });
const Nullable = <T extends ReturnType<typeof Type.String | typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);
const Run = Type.Object({
  id: Type.String(),
  rule_id: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('succeeded'), Type.Literal('failed')]),
  total: Nullable(Type.Integer()),
  processed: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  skipped: Type.Integer(),
  errors: Type.Integer(),
  started_at: Type.String(),
  finished_at: Nullable(Type.String()),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
});
const LogItem = Type.Object({ id: Type.String(), salesforce_id: Nullable(Type.String()), reason: Type.String(), message: Nullable(Type.String()), at: Type.String() });
const RuleParams = Type.Object({ org: Type.String(), rule: Type.String() });
const RunParams = Type.Object({ org: Type.String(), run: Type.String() });
const RunsQuery = Type.Object({ rule_id: Type.Optional(Type.String()), ...PageQuery }, { additionalProperties: false });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const base = '/api/v1/orgs/:org/integrations/salesforce';

export const toRule = (r: PullRuleRow): Static<typeof Rule> => ({ id: r.id, name: r.name, object: r.object, filter: r.filter, enabled: r.enabled, interval_minutes: r.interval_minutes });

export function toRun(r: PullRunRow): Static<typeof Run> {
  return {
    id: r.id,
    rule_id: r.rule_id,
    status: r.status,
    total: r.total,
    processed: r.processed,
    created: r.created,
    updated: r.updated,
    skipped: r.skipped,
    errors: r.errors,
    started_at: new Date(r.started_at).toISOString(),
    finished_at: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    error: r.error,
  };
}

/** Staff only (403 for an organization key, before anything about the organization is revealed), then the organization. */
async function staffOrg(ctx: ApiContext, request: FastifyRequest, orgId: string) {
  requireStaff(request);
  return orgFromPath(ctx, request, orgId);
}

export function pullRuleRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Params: Static<typeof OrgParams> }>(
    `${base}/pull-rules`,
    { schema: { tags: ['pull'], summary: 'The Pull Rules of an organization (staff only)', params: OrgParams, response: { 200: Rules, ...errors } } },
    async (request) => {
      const org = await staffOrg(ctx, request, request.params.org);
      return { rules: (await listPullRules(ctx.db, org.id)).map(toRule) };
    },
  );

  app.put<{ Params: Static<typeof OrgParams>; Body: Static<typeof RulesBody> }>(
    `${base}/pull-rules`,
    { schema: { tags: ['pull'], summary: 'Replace the Pull Rules; each filter is checked against describe (staff only)', params: OrgParams, body: RulesBody, response: { 200: Rules, ...errors } } },
    async (request) => {
      const org = await staffOrg(ctx, request, request.params.org);
      const rules = request.body.rules;
      const bad: Record<string, string> = {};
      const seen = new Set<string>();
      for (const [i, r] of rules.entries()) {
        if (r.id === undefined) continue;
        if (!isUuid(r.id)) bad[`body.rules.${i}.id`] = 'is not a pull rule id';
        else if (seen.has(r.id.toLowerCase())) bad[`body.rules.${i}.id`] = 'appears twice';
        seen.add(r.id.toLowerCase());
      }
      if (Object.keys(bad).length === 0) for (const id of await pullRuleIdsElsewhere(ctx.db, org.id, [...seen])) bad[`body.rules.${rules.findIndex((r) => r.id?.toLowerCase() === id)}.id`] = 'is not a pull rule of this organization';
      if (Object.keys(bad).length > 0) throw validationFailed(bad);
      const fields = await describedFields(ctx, request, org.id, new Set(rules.map((r) => r.object)));
      const problems: Record<string, string> = {};
      for (const [i, r] of rules.entries()) {
        const check = checkFilter(r.filter, r.object, fields.get(r.object));
        if (!check.ok) problems[`rules.${i}.filter`] = check.reason;
      }
      if (Object.keys(problems).length > 0) {
        throw new AppError(400, 'invalid_filter', `Invalid pull filter: ${Object.entries(problems).map(([k, v]) => `${k}: ${v}`).join('; ')}.`, { rules: problems });
      }
      const stored = await ctx.db.transaction((tx) => replacePullRules(tx, org.id, rules.map((r) => ({ ...r, id: r.id?.toLowerCase() }))));
      return { rules: stored.map(toRule) };
    },
  );

  app.post<{ Params: Static<typeof RuleParams> }>(
    `${base}/pull-rules/:rule/run`,
    { schema: { tags: ['pull'], summary: 'Run a Pull Rule now (202); 409 while it runs (staff only)', params: RuleParams, response: { 202: Type.Object({ run_id: Type.String() }), ...errors } } },
    async (request, reply) => {
      const org = await staffOrg(ctx, request, request.params.org);
      const rule = isUuid(request.params.rule) ? await getPullRule(ctx.db, org.id, request.params.rule) : undefined;
      if (!rule) throw notFound('Pull rule');
      const connection = await getConnection(ctx.db, org.id);
      if (connection?.status !== 'connected') throw new AppError(409, 'not_connected', 'Salesforce is not connected: authorize it before running a Pull Rule.');
      const { run, started } = await startRun(ctx.db, rule, 'api');
      if (!started) throw new AppError(409, 'conflict', `Pull rule ${rule.id} is already running (run ${run.id}).`, { run_id: run.id });
      return reply.code(202).send({ run_id: run.id });
    },
  );

  app.get<{ Params: Static<typeof RunParams> }>(
    `${base}/pull-runs/:run`,
    { schema: { tags: ['pull'], summary: 'A pull run and its progress (staff only)', params: RunParams, response: { 200: Run, ...errors } } },
    async (request) => {
      const org = await staffOrg(ctx, request, request.params.org);
      const run = isUuid(request.params.run) ? await getRun(ctx.db, org.id, request.params.run) : undefined;
      if (!run) throw notFound('Pull run');
      return toRun(run);
    },
  );

  app.get<{ Params: Static<typeof RunParams>; Querystring: Static<typeof PageQueryOnly> }>(
    `${base}/pull-runs/:run/log`,
    { schema: { tags: ['pull'], summary: "A pull run's log: records skipped and why (staff only)", params: RunParams, querystring: PageQueryOnly, response: { 200: Type.Object({ items: Type.Array(LogItem), next_cursor: Nullable(Type.String()) }), ...errors } } },
    async (request) => {
      const org = await staffOrg(ctx, request, request.params.org);
      const run = isUuid(request.params.run) ? await getRun(ctx.db, org.id, request.params.run) : undefined;
      if (!run) throw notFound('Pull run');
      const limit = pageLimit(request.query.limit);
      const after = decodeCursor(request.query.cursor, isPosition);
      const rows = await listRunLog(ctx.db, run.id, { limit: limit + 1, afterId: after });
      const items = rows.slice(0, limit);
      return {
        items: items.map((r) => ({ id: String(r.id), salesforce_id: r.salesforce_id, reason: r.reason, message: r.message, at: new Date(r.at).toISOString() })),
        next_cursor: rows.length > limit ? encodeCursor(Number(items[items.length - 1].id)) : null,
      };
    },
  );

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof RunsQuery> }>(
    `${base}/pull-runs`,
    { schema: { tags: ['pull'], summary: 'Pull runs, newest first (staff only)', params: OrgParams, querystring: RunsQuery, response: { 200: Type.Object({ items: Type.Array(Run), next_cursor: Nullable(Type.String()) }), ...errors } } },
    async (request) => {
      const org = await staffOrg(ctx, request, request.params.org);
      const ruleId = request.query.rule_id;
      if (ruleId !== undefined && !isUuid(ruleId)) throw validationFailed({ 'query.rule_id': 'must be a pull rule id' });
      const limit = pageLimit(request.query.limit);
      const before = decodeCursor(request.query.cursor, isPosition);
      const rows = await listRuns(ctx.db, org.id, { ruleId, limit: limit + 1, beforeSeq: before });
      const items = rows.slice(0, limit);
      return { items: items.map(toRun), next_cursor: rows.length > limit ? encodeCursor(Number(items[items.length - 1].seq)) : null };
    },
  );
}

const PageQueryOnly = Type.Object({ ...PageQuery }, { additionalProperties: false });

/** Field names per object from describe when connected; none (syntax checks only) when Salesforce cannot be asked. */
async function describedFields(ctx: ApiContext, request: FastifyRequest, orgId: string, objects: ReadonlySet<string>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const connection = await getConnection(ctx.db, orgId);
  if (connection?.status !== 'connected') return out;
  const client = ctx.salesforce.forOrg(orgId);
  for (const object of objects) {
    try {
      out.set(object, (await client.describeFields(object)).map((f) => f.name));
    } catch (error) {
      if (!(error instanceof SalesforceReconnectionRequired || error instanceof SalesforceNotConnected)) request.log.warn({ err: error }, 'describe failed during pull rule check');
    }
  }
  return out;
}
