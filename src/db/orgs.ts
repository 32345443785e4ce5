import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from './engine.ts';
import type { OrgRow } from './rows.ts';

/** SHA-256 is enough for keys of 256 random bits: nothing to brute-force, and lookups stay O(1). */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

/** Creates an organization and returns it with its API key, which is never stored in clear. */
export async function createOrg(db: Queryable, name: string): Promise<{ org: OrgRow; apiKey: string }> {
  const apiKey = `lsk_${randomBytes(32).toString('base64url')}`;
  const { rows } = await db.query<OrgRow>(
    'insert into orgs (id, name, api_key_hash) values ($1, $2, $3) returning *',
    [randomUUID(), name, hashApiKey(apiKey)],
  );
  return { org: rows[0], apiKey };
}

export async function getOrg(db: Queryable, id: string): Promise<OrgRow | undefined> {
  const { rows } = await db.query<OrgRow>('select * from orgs where id = $1', [id]);
  return rows[0];
}

export async function findOrgByApiKey(db: Queryable, apiKey: string): Promise<OrgRow | undefined> {
  const { rows } = await db.query<OrgRow>('select * from orgs where api_key_hash = $1', [hashApiKey(apiKey)]);
  return rows[0];
}
