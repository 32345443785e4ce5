/** API types (JSON Schema via TypeBox): what clients send and receive. Database rows are in src/db/rows.ts. */
import { Type, type Static } from '@sinclair/typebox';
import { CUSTOM_FIELD_TYPES, FIELD_TYPES } from '../leads/data-model.ts';
import type { LeadRow, MessageRow } from '../db/rows.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'snake_case error code' }),
      message: Type.String(),
      details: Type.Optional(Type.Object({}, { additionalProperties: true })),
    }),
  },
  { $id: 'Error' },
);

export const OrgParams = Type.Object({ org: Type.String() });
export const LeadParams = Type.Object({ org: Type.String(), id: Type.String() });

export const Me = Type.Object({
  kind: literals(['staff', 'org'] as const),
  org: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
});

export const CreateOrgBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });
export const Org = Type.Object({ id: Type.String(), name: Type.String(), created_at: Type.String() });
export const CreatedOrg = Type.Object({ id: Type.String(), name: Type.String(), api_key: Type.String() });

export const Field = Type.Object({
  key: Type.String(),
  label: Type.String(),
  type: literals(FIELD_TYPES),
  builtin: Type.Boolean(),
  read_only: Type.Boolean(),
});
export const CreateFieldBody = Type.Object(
  {
    key: Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }),
    label: Type.String({ minLength: 1, maxLength: 200 }),
    type: literals(CUSTOM_FIELD_TYPES),
  },
  { additionalProperties: false },
);

const FieldValues = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]), {
  description: 'Data-model field keys and values; null clears a field.',
});
export const LeadWriteBody = Type.Object({ fields: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: false });
export type LeadWriteBody = Static<typeof LeadWriteBody>;

export const Lead = Type.Object({
  id: Type.String(),
  source: literals(['api', 'salesforce_pull'] as const),
  fields: FieldValues,
  sync: Type.Object({
    status: literals(['pending', 'synced', 'error', 'not_synced'] as const),
    last_synced_at: Nullable(Type.String()),
    last_error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: true }), Type.Null()]),
  }),
  created_at: Type.String(),
  updated_at: Type.String(),
});
export type Lead = Static<typeof Lead>;

export const MessageBody = Type.Object(
  {
    role: literals(['lead', 'agent'] as const),
    channel: literals(['chat', 'email', 'sms', 'voice'] as const),
    text: Type.String({ minLength: 1, maxLength: 100_000 }),
    sent_at: Type.Optional(Type.String({ description: 'ISO-8601 with a time zone; defaults to now.' })),
  },
  { additionalProperties: false },
);
export type MessageBody = Static<typeof MessageBody>;
export const Message = Type.Object({
  id: Type.String(),
  lead_id: Type.String(),
  role: Type.String(),
  channel: Type.String(),
  text: Type.String(),
  sent_at: Type.String(),
  created_at: Type.String(),
});

export function toLead(row: LeadRow): Lead {
  return {
    id: row.id,
    source: row.source,
    fields: row.fields,
    sync: {
      status: row.sync_status,
      last_synced_at: row.last_synced_at ? row.last_synced_at.toISOString() : null,
      last_error: row.last_error,
    },
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export function toMessage(row: MessageRow): Static<typeof Message> {
  return {
    id: row.id,
    lead_id: row.lead_id,
    role: row.role,
    channel: row.channel,
    text: row.text,
    sent_at: row.sent_at.toISOString(),
    created_at: row.created_at.toISOString(),
  };
}

/**
 * Route schema key: the body may be left out (every field in it is optional, e.g. authorize's
 * `login_url`). The route then sees `{}`, and the OpenAPI document says `requestBody.required: false`
 * (src/api/server.ts).
 */
export const OPTIONAL_BODY = 'x-optional-body';

declare module 'fastify' {
  interface FastifySchema {
    [OPTIONAL_BODY]?: boolean;
  }
}
