import type { Queryable } from './engine.ts';
import type { CustomFieldRow } from './rows.ts';

export async function listCustomFields(db: Queryable, orgId: string): Promise<CustomFieldRow[]> {
  const { rows } = await db.query<CustomFieldRow>('select * from custom_fields where org_id = $1 order by created_at, key', [orgId]);
  return rows;
}

/** Inserts a custom field; returns undefined when the key exists already. */
export async function insertCustomField(
  db: Queryable,
  field: { org_id: string; key: string; label: string; type: string },
): Promise<CustomFieldRow | undefined> {
  const { rows } = await db.query<CustomFieldRow>(
    `insert into custom_fields (org_id, key, label, type) values ($1, $2, $3, $4)
     on conflict (org_id, key) do nothing returning *`,
    [field.org_id, field.key, field.label, field.type],
  );
  return rows[0];
}
