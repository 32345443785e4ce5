import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../errors.ts';
import { getConnection, type ConnectionRow } from '../../db/salesforce-connections.ts';
import { SalesforceNotConnected, SalesforceReconnectionRequired, salesforceErrorCode } from '../../salesforce/client.ts';
import { connectWithClientCredentials, createAuthorizationUrl, deauthorize, stateCookie } from '../../salesforce/oauth.ts';
import { orgFromPath } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ErrorBody, OPTIONAL_BODY, OrgParams } from '../schemas.ts';

const Nullable = (t: ReturnType<typeof Type.String>) => Type.Union([t, Type.Null()]);
const Status = Type.Object({
  status: Type.Union([Type.Literal('not_connected'), Type.Literal('connected'), Type.Literal('reconnection_required')]),
  instance_url: Nullable(Type.String()),
  username: Nullable(Type.String()),
  salesforce_org_id: Nullable(Type.String()),
  connected_at: Nullable(Type.String()),
  disconnected_at: Nullable(Type.String({ description: 'when it was last deauthorized (null if never)' })),
  last_error: Nullable(Type.String()),
  auth_kind: Nullable(Type.String({ description: 'oauth (authorized by an admin) or client_credentials (your own connected app)' })),
  api_usage: Type.Union([Type.Object({ used: Type.Number(), max: Type.Number() }), Type.Null()]),
});
const AuthorizeBody = Type.Object({ login_url: Type.Optional(Type.String()) }, { additionalProperties: false });
const ConnectBody = Type.Object(
  { login_url: Type.String({ minLength: 1 }), client_id: Type.String({ minLength: 1, maxLength: 512 }), client_secret: Type.String({ minLength: 1, maxLength: 512 }) },
  { additionalProperties: false },
);
const FieldsQuery = Type.Object({ object: Type.Union([Type.Literal('Lead'), Type.Literal('Contact')]) }, { additionalProperties: false });
const SalesforceField = Type.Object({
  name: Type.String(),
  label: Type.String(),
  type: Type.String(),
  length: Type.Number(),
  createable: Type.Boolean(),
  updateable: Type.Boolean(),
  nillable: Type.Boolean(),
  custom: Type.Boolean(),
});
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const base = '/api/v1/orgs/:org/integrations/salesforce';

export function toStatus(row: ConnectionRow | undefined): Static<typeof Status> {
  // Not connected: no identity is shown (the row keeps the last org's id, to know a different org connects later).
  const shown = row && row.status !== 'not_connected' ? row : undefined;
  return {
    status: row?.status ?? 'not_connected',
    instance_url: shown?.instance_url ?? null,
    username: shown?.username ?? null,
    salesforce_org_id: shown?.salesforce_org_id ?? null,
    connected_at: shown?.connected_at ? shown.connected_at.toISOString() : null,
    disconnected_at: row?.disconnected_at ? row.disconnected_at.toISOString() : null,
    last_error: row?.last_error ?? null,
    auth_kind: row?.auth_kind ?? null,
    api_usage: shown?.api_used != null && shown.api_max != null ? { used: shown.api_used, max: shown.api_max } : null,
  };
}

/** Maps a Salesforce client failure to the API's answer: 409 when there is no usable connection. */
export function salesforceFailure(error: unknown): AppError | undefined {
  if (error instanceof SalesforceNotConnected) return new AppError(409, 'not_connected', 'Salesforce is not connected: authorize it under Settings > Integrations > Salesforce.');
  if (error instanceof SalesforceReconnectionRequired) return new AppError(409, 'not_connected', `Salesforce needs to be authorized again (${error.reason}).`);
  return undefined;
}

export function salesforceRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const deps = { db: ctx.db, config: ctx.config };

  app.get<{ Params: Static<typeof OrgParams> }>(
    base,
    { schema: { tags: ['salesforce'], summary: 'Salesforce connection status', params: OrgParams, response: { 200: Status, ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      return toStatus(await getConnection(ctx.db, org.id));
    },
  );

  app.post<{ Params: Static<typeof OrgParams>; Body: Static<typeof AuthorizeBody> }>(
    `${base}/authorize`,
    {
      // The body is optional (login_url defaults): no body means {}.
      schema: { tags: ['salesforce'], summary: 'Start the OAuth web-server flow (PKCE); send the browser to authorization_url', params: OrgParams, body: AuthorizeBody, [OPTIONAL_BODY]: true, response: { 200: Type.Object({ authorization_url: Type.String() }), ...errors } },
    },
    async (request, reply) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      const { url, state } = await createAuthorizationUrl(deps, org.id, request.body?.login_url);
      // Binds the state to this browser: the callback refuses it anywhere else (api-v1.md).
      reply.header('set-cookie', stateCookie(ctx.config, state));
      return { authorization_url: url };
    },
  );

  app.post<{ Params: Static<typeof OrgParams>; Body: Static<typeof ConnectBody> }>(
    `${base}/connect`,
    { schema: { tags: ['salesforce'], summary: "Connect through the customer's own connected app (client credentials)", params: OrgParams, body: ConnectBody, response: { 200: Status, ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      await connectWithClientCredentials(deps, org.id, request.body);
      ctx.salesforce.forOrg(org.id).connectionChanged();
      return toStatus(await getConnection(ctx.db, org.id));
    },
  );

  app.post<{ Params: Static<typeof OrgParams> }>(
    `${base}/deauthorize`,
    { schema: { tags: ['salesforce'], summary: 'Revoke and forget the tokens; settings, mappings and Pull Rules are kept', params: OrgParams, response: { 200: Status, ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      await deauthorize(deps, org.id);
      ctx.salesforce.forOrg(org.id).connectionChanged();
      return toStatus(await getConnection(ctx.db, org.id));
    },
  );

  app.get<{ Params: Static<typeof OrgParams>; Querystring: Static<typeof FieldsQuery> }>(
    `${base}/fields`,
    { schema: { tags: ['salesforce'], summary: "A Salesforce object's fields from describe (cached a minute)", params: OrgParams, querystring: FieldsQuery, response: { 200: Type.Object({ items: Type.Array(SalesforceField) }), ...errors } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      try {
        const fields = await ctx.salesforce.forOrg(org.id).describeFields(request.query.object);
        return { items: fields.map(({ name, label, type, length, createable, updateable, nillable, custom }) => ({ name, label, type, length, createable, updateable, nillable, custom })) };
      } catch (error) {
        const failure = salesforceFailure(error);
        if (failure) throw failure;
        const code = salesforceErrorCode(error);
        if (code) throw new AppError(502, 'salesforce_error', `Salesforce answered ${code}: ${(error as Error).message}`);
        throw error;
      }
    },
  );
}
