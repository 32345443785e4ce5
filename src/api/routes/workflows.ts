import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError, notFound, validationFailed } from '../../errors.ts';
import { getLead } from '../../db/leads.ts';
import { deleteWorkflow, getWorkflow, insertWorkflow, listOutbox, listRuns, listWorkflows, updateWorkflow, type WorkflowRow } from '../../db/workflows.ts';
import { orgDataModel } from '../../leads/service.ts';
import { CONDITION_OPS } from '../../workflows/conditions.ts';
import { parseTemplate, renderTemplate, TemplateError } from '../../workflows/templates.ts';
import { isUuid, orgFromPath } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { decodeCursor, encodeCursor, isPosition, Page, PageQuery, pageLimit } from '../pagination.ts';
import { ErrorBody, OrgParams } from '../schemas.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);
const Condition = Type.Object(
  { field: Type.String({ minLength: 1 }), op: literals(CONDITION_OPS), value: Type.Optional(Type.Union([Scalar, Type.Array(Scalar), Type.Null()])) },
  { additionalProperties: false },
);
const Conditions = Type.Union([
  Type.Object({ all: Type.Array(Condition, { maxItems: 50 }) }, { additionalProperties: false }),
  Type.Object({ any: Type.Array(Condition, { maxItems: 50 }) }, { additionalProperties: false }),
]);
const Template = Type.String({ maxLength: 65_536 });
const Action = Type.Union([
  Type.Object({ type: Type.Literal('webhook'), url: Type.String({ pattern: '^https?://' }), body_template: Type.Optional(Template) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('email'), to_template: Template, subject_template: Template, body_template: Template }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('set_field'), field: Type.String({ minLength: 1 }), value_template: Template }, { additionalProperties: false }),
]);
export const TRIGGERS = ['lead.created', 'lead.updated', 'lead.pulled', 'message.created'] as const;
const WorkflowBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), trigger: literals(TRIGGERS), conditions: Type.Optional(Conditions), actions: Type.Array(Action, { maxItems: 20 }), enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
type WorkflowBody = Static<typeof WorkflowBody>;
const Workflow = Type.Object({
  id: Type.String(),
  name: Type.String(),
  trigger: Type.String(),
  conditions: Type.Any(),
  actions: Type.Array(Type.Any()),
  enabled: Type.Boolean(),
  signing_secret: Type.String({ description: 'Key of the X-LeadSync-Signature HMAC on this workflow’s webhooks.' }),
  created_at: Type.String(),
});
const Run = Type.Object({
  id: Type.String(),
  lead_id: Type.String(),
  trigger: Type.String(),
  matched: Type.Boolean(),
  actions: Type.Array(Type.Object({ type: Type.String(), status: Type.String(), output: Type.Any() })),
  at: Type.String(),
});
const WorkflowParams = Type.Object({ org: Type.String(), id: Type.String() });
const RenderBody = Type.Object({ lead_id: Type.String(), template: Template }, { additionalProperties: false });
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody };

const toWorkflow = (w: WorkflowRow) => ({
  id: w.id,
  name: w.name,
  trigger: w.trigger,
  conditions: w.conditions,
  actions: w.actions,
  enabled: w.enabled,
  signing_secret: w.signing_secret,
  created_at: w.created_at.toISOString(),
});

const templateProblem = (error: TemplateError) => `${error.line !== undefined ? `line ${error.line}, column ${error.column}: ` : ''}${error.message}`;

/** Checks what the schema cannot: fields exist, values fit the op, templates parse. */
async function checkWorkflow(ctx: ApiContext, orgId: string, body: WorkflowBody): Promise<void> {
  const model = await orgDataModel(ctx.db, orgId);
  const problems: Record<string, string> = {};
  const conditions = body.conditions ? ('all' in body.conditions ? body.conditions.all : body.conditions.any) : [];
  const group = body.conditions && 'all' in body.conditions ? 'all' : 'any';
  const unknown: string[] = [];
  conditions.forEach((c, i) => {
    const path = `conditions.${group}.${i}`;
    if (!model.has(c.field)) unknown.push(c.field);
    const needsValue = c.op !== 'is_set' && c.op !== 'is_not_set';
    if (needsValue && (c.value === undefined || c.value === null)) problems[`${path}.value`] = `is required for ${c.op}`;
    if (c.op === 'in' && !Array.isArray(c.value)) problems[`${path}.value`] = 'must be a list for in';
    if (c.op !== 'in' && Array.isArray(c.value)) problems[`${path}.value`] = `must be a single value for ${c.op}`;
  });
  body.actions.forEach((a, i) => {
    if (a.type === 'set_field') {
      const field = model.get(a.field);
      if (!field) unknown.push(a.field);
      else if (field.read_only) problems[`actions.${i}.field`] = `${a.field} is read-only`;
    }
    for (const [key, value] of Object.entries(a)) {
      if (!key.endsWith('_template') || typeof value !== 'string') continue;
      try {
        parseTemplate(value);
      } catch (error) {
        if (error instanceof TemplateError) problems[`actions.${i}.${key}`] = templateProblem(error);
        else throw error;
      }
    }
  });
  if (unknown.length > 0) throw new AppError(400, 'unknown_field', `Unknown field(s): ${unknown.join(', ')}.`, { fields: Object.fromEntries(unknown.map((k) => [k, 'unknown_field'])) });
  if (Object.keys(problems).length > 0) throw validationFailed(problems);
}

export function workflowRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post<{ Params: Static<typeof OrgParams>; Body: WorkflowBody }>(
    '/api/v1/orgs/:org/workflows',
    { schema: { tags: ['workflows'], summary: 'Create a workflow', params: OrgParams, body: WorkflowBody, response: { 201: Workflow, ...errors } } },
    async (request, reply) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      await checkWorkflow(ctx, org.id, request.body);
      const row = await insertWorkflow(ctx.db, { org_id: org.id, name: request.body.name, trigger: request.body.trigger, conditions: request.body.conditions ?? { all: [] }, actions: request.body.actions });
      return reply.code(201).send(toWorkflow(row));
    },
  );

  const ListQuery = Type.Object(PageQuery, { additionalProperties: false });
  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/workflows',
    { schema: { tags: ['workflows'], summary: 'List workflows, in the order they were created', params: OrgParams, querystring: ListQuery, response: { 200: Page(Workflow), ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      const page = await listWorkflows(ctx.db, org.id, { limit: pageLimit(request.query.limit), afterSeq: decodeCursor(request.query.cursor, isPosition) });
      return { items: page.items.map(toWorkflow), next_cursor: page.next === null ? null : encodeCursor(page.next) };
    },
  );

  const load = async (request: { params: Static<typeof WorkflowParams> } & Parameters<typeof orgFromPath>[1]) => {
    const org = await orgFromPath(ctx, request, request.params.org);
    const workflow = isUuid(request.params.id) ? await getWorkflow(ctx.db, org.id, request.params.id) : undefined;
    if (!workflow) throw notFound('Workflow');
    return workflow;
  };

  app.put<{ Params: Static<typeof WorkflowParams>; Body: WorkflowBody }>(
    '/api/v1/orgs/:org/workflows/:id',
    { schema: { tags: ['workflows'], summary: 'Replace a workflow (its id, signing secret and runs are kept)', params: WorkflowParams, body: WorkflowBody, response: { 200: Workflow, ...errors } } },
    async (request) => {
      const existing = await load(request);
      await checkWorkflow(ctx, existing.org_id, request.body);
      const { name, trigger, conditions, actions, enabled } = request.body;
      const row = await updateWorkflow(ctx.db, existing.org_id, existing.id, { name, trigger, conditions: conditions ?? { all: [] }, actions, enabled });
      if (!row) throw notFound('Workflow');
      return toWorkflow(row);
    },
  );

  app.get<{ Params: Static<typeof WorkflowParams> }>(
    '/api/v1/orgs/:org/workflows/:id',
    { schema: { tags: ['workflows'], summary: 'A workflow', params: WorkflowParams, response: { 200: Workflow, ...errors } } },
    async (request) => toWorkflow(await load(request)),
  );

  app.delete<{ Params: Static<typeof WorkflowParams> }>(
    '/api/v1/orgs/:org/workflows/:id',
    { schema: { tags: ['workflows'], summary: 'Delete a workflow and its runs', params: WorkflowParams, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const workflow = await load(request);
      await deleteWorkflow(ctx.db, workflow.org_id, workflow.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: Static<typeof WorkflowParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/workflows/:id/runs',
    { schema: { tags: ['workflows'], summary: "A workflow's runs, oldest first (matched or not)", params: WorkflowParams, querystring: ListQuery, response: { 200: Page(Run), ...errors } } },
    async (request) => {
      const workflow = await load(request);
      const page = await listRuns(ctx.db, workflow.id, { limit: pageLimit(request.query.limit), afterSeq: decodeCursor(request.query.cursor, isPosition) });
      return {
        items: page.items.map((r) => ({ id: r.id, lead_id: r.lead_id, trigger: r.trigger, matched: r.matched, actions: r.actions, at: new Date(r.at).toISOString() })),
        next_cursor: page.next === null ? null : encodeCursor(page.next),
      };
    },
  );

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/orgs/:org/outbox',
    {
      schema: {
        tags: ['workflows'],
        summary: 'Workflow emails: kept here when no SMTP_URL is set, and a record of sent ones (newest first)',
        params: OrgParams,
        querystring: ListQuery,
        response: { 200: Page(Type.Object({ id: Type.String(), to: Type.String(), subject: Type.String(), body: Type.String(), status: Type.String(), created_at: Type.String() })), ...errors },
      },
    },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      const page = await listOutbox(ctx.db, org.id, { limit: pageLimit(request.query.limit), beforeSeq: decodeCursor(request.query.cursor, isPosition) });
      return {
        items: page.items.map((r) => ({ id: r.id, to: r.recipient, subject: r.subject, body: r.body, status: r.status, created_at: r.created_at.toISOString() })),
        next_cursor: page.next === null ? null : encodeCursor(page.next),
      };
    },
  );

  app.post<{ Params: Static<typeof OrgParams>; Body: Static<typeof RenderBody> }>(
    '/api/v1/orgs/:org/render',
    { schema: { tags: ['personalization'], summary: 'Render a Liquid template for a lead; every data-model field is a variable', params: OrgParams, body: RenderBody, response: { 200: Type.Object({ text: Type.String() }), ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      const lead = isUuid(request.body.lead_id) ? await getLead(ctx.db, org.id, request.body.lead_id) : undefined;
      if (!lead) throw notFound('Lead');
      try {
        return { text: await renderTemplate(request.body.template, { ...lead.fields, lead_id: lead.id }) };
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        throw new AppError(400, 'validation_failed', `Template error: ${templateProblem(error)}.`, { fields: { template: templateProblem(error) }, line: error.line, column: error.column });
      }
    },
  );
}
