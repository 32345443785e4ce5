import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AppError } from '../../errors.ts';
import { insertCustomField } from '../../db/custom-fields.ts';
import { BUILTIN_KEYS } from '../../leads/data-model.ts';
import { orgDataModel } from '../../leads/service.ts';
import { orgFromPath } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { CreateFieldBody, ErrorBody, Field, OrgParams } from '../schemas.ts';

export function dataModelRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Params: Static<typeof OrgParams> }>(
    '/api/v1/orgs/:org/data-model/fields',
    { schema: { tags: ['data model'], summary: 'Built-in and custom lead fields', params: OrgParams, response: { 200: Type.Object({ items: Type.Array(Field) }), 401: ErrorBody, 404: ErrorBody } } },
    async (request) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      return { items: [...(await orgDataModel(ctx.db, org.id)).values()] };
    },
  );

  app.post<{ Params: Static<typeof OrgParams>; Body: Static<typeof CreateFieldBody> }>(
    '/api/v1/orgs/:org/data-model/fields',
    { schema: { tags: ['data model'], summary: 'Add a custom field', params: OrgParams, body: CreateFieldBody, response: { 201: Field, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 409: ErrorBody } } },
    async (request, reply) => {
      const org = await orgFromPath(ctx, request, request.params.org);
      const { key, label, type } = request.body;
      const conflict = () => new AppError(409, 'conflict', `The data model already has a field "${key}".`);
      if (BUILTIN_KEYS.has(key)) throw conflict();
      const row = await insertCustomField(ctx.db, { org_id: org.id, key, label, type });
      if (!row) throw conflict();
      return reply.code(201).send({ key: row.key, label: row.label, type: row.type, builtin: false, read_only: false });
    },
  );
}
