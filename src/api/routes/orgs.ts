import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { createOrg } from '../../db/orgs.ts';
import { orgFromPath, principal, requireStaff } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { CreatedOrg, CreateOrgBody, ErrorBody, Me, Org, OrgParams } from '../schemas.ts';

export function orgRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/v1/me', { schema: { tags: ['organizations'], summary: 'Which organization a token belongs to', response: { 200: Me, 401: ErrorBody } } }, async (request) => {
    const who = principal(request);
    return who.kind === 'staff' ? { kind: 'staff', org: null } : { kind: 'org', org: { id: who.org.id, name: who.org.name } };
  });

  app.post<{ Body: Static<typeof CreateOrgBody> }>(
    '/api/v1/orgs',
    { schema: { tags: ['organizations'], summary: 'Create an organization (staff only); the API key is shown once', body: CreateOrgBody, response: { 201: CreatedOrg, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody } } },
    async (request, reply) => {
      requireStaff(request);
      const { org, apiKey } = await createOrg(ctx.db, request.body.name.trim());
      request.log.info({ org_id: org.id }, 'organization created');
      return reply.code(201).send({ id: org.id, name: org.name, api_key: apiKey });
    },
  );

  app.get<{ Params: Static<typeof OrgParams> }>(
    '/api/v1/orgs/:org',
    { schema: { tags: ['organizations'], summary: 'An organization', params: OrgParams, response: { 200: Org, 401: ErrorBody, 404: ErrorBody } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      return { id: org.id, name: org.name, created_at: org.created_at.toISOString() };
    },
  );
}
