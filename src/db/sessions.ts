/** Web UI sessions: stored by the SHA-256 of their id, never the id or the token itself. */
import type { Queryable } from './engine.ts';
import type { OrgRow } from './rows.ts';

export interface SessionRow {
  id_hash: string;
  kind: 'staff' | 'org';
  org_id: string | null;
  token_hash: string;
  expires_at: Date;
}

export async function createSession(db: Queryable, session: Omit<SessionRow, 'expires_at'> & { ttlSeconds: number }): Promise<void> {
  // Housekeeping on the way in: sessions past their end are gone for good.
  await db.query('delete from ui_sessions where expires_at < now()');
  await db.query(
    `insert into ui_sessions (id_hash, kind, org_id, token_hash, expires_at)
     values ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
    [session.id_hash, session.kind, session.org_id, session.token_hash, session.ttlSeconds],
  );
}

/** A live session with its organization (for an org session); undefined when unknown or expired. */
export async function findSession(db: Queryable, idHash: string): Promise<{ session: SessionRow; org: OrgRow | undefined } | undefined> {
  const { rows } = await db.query<SessionRow & { org: OrgRow | null }>(
    `select s.id_hash, s.kind, s.org_id, s.token_hash, s.expires_at,
            case when o.id is null then null else json_build_object('id', o.id, 'name', o.name, 'api_key_hash', o.api_key_hash, 'created_at', o.created_at) end as org
       from ui_sessions s left join orgs o on o.id = s.org_id
      where s.id_hash = $1 and s.expires_at > now()`,
    [idHash],
  );
  const row = rows[0];
  if (!row) return undefined;
  const org = row.org ? { ...row.org, created_at: new Date(row.org.created_at as unknown as string) } : undefined;
  return { session: { id_hash: row.id_hash, kind: row.kind, org_id: row.org_id, token_hash: row.token_hash, expires_at: row.expires_at }, org };
}

export async function deleteSession(db: Queryable, idHash: string): Promise<void> {
  await db.query('delete from ui_sessions where id_hash = $1', [idHash]);
}
