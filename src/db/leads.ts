import { randomUUID } from 'node:crypto';
import type { Queryable } from './engine.ts';
import type { LeadRow } from './rows.ts';

export type FieldPatch = Record<string, string | number | boolean | null>;
type Fields = LeadRow['fields'];

export async function getLead(db: Queryable, orgId: string, id: string, forUpdate = false): Promise<LeadRow | undefined> {
  const { rows } = await db.query<LeadRow>(
    `select * from leads where org_id = $1 and id = $2${forUpdate ? ' for update' : ''}`,
    [orgId, id],
  );
  return rows[0];
}

export async function getLeadByEmail(db: Queryable, orgId: string, email: string, forUpdate = false): Promise<LeadRow | undefined> {
  const { rows } = await db.query<LeadRow>(
    `select * from leads where org_id = $1 and email_normalized = $2${forUpdate ? ' for update' : ''}`,
    [orgId, normalizeEmail(email)],
  );
  return rows[0];
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Applies a patch to stored fields: `null` removes a key. Pure. */
export function applyPatch(fields: Fields, patch: FieldPatch): Fields {
  const next: Fields = { ...fields };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

export function sameFields(a: Fields, b: Fields): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.is(a[k], b[k]));
}

export async function insertLead(db: Queryable, orgId: string, fields: Fields, source: LeadRow['source'] = 'api'): Promise<LeadRow> {
  const email = typeof fields.email === 'string' ? normalizeEmail(fields.email) : null;
  const { rows } = await db.query<LeadRow>(
    `insert into leads (id, org_id, source, email_normalized, fields) values ($1, $2, $3, $4, $5::jsonb) returning *`,
    [randomUUID(), orgId, source, email, JSON.stringify(fields)],
  );
  return rows[0];
}

export async function replaceLeadFields(db: Queryable, lead: LeadRow, fields: Fields): Promise<LeadRow> {
  const email = typeof fields.email === 'string' ? normalizeEmail(fields.email) : null;
  const { rows } = await db.query<LeadRow>(
    `update leads set fields = $3::jsonb, email_normalized = $4, updated_at = now()
     where org_id = $1 and id = $2 returning *`,
    [lead.org_id, lead.id, JSON.stringify(fields), email],
  );
  return rows[0];
}

export interface LeadPage {
  items: LeadRow[];
  /** Position after the last item, when there may be more. */
  next: number | null;
}

/** Leads in creation order, optionally only those with one email (case-insensitive), matching a search, or in a sync status. */
export async function listLeads(
  db: Queryable,
  orgId: string,
  options: { email?: string; q?: string; syncStatus?: string; limit: number; afterSeq?: number },
): Promise<LeadPage> {
  const params: unknown[] = [orgId, options.limit + 1];
  let where = 'org_id = $1';
  if (options.email !== undefined) {
    params.push(normalizeEmail(options.email));
    where += ` and email_normalized = $${params.length}`;
  }
  if (options.q !== undefined && options.q.trim() !== '') {
    // Contains, case-insensitive, in the email, the name (first, last, or both) or the company; no LIKE patterns to escape.
    params.push(options.q.trim().toLowerCase());
    const n = `$${params.length}`;
    where += ` and (strpos(lower(coalesce(fields->>'email', '')), ${n}) > 0
      or strpos(lower(concat_ws(' ', fields->>'first_name', fields->>'last_name')), ${n}) > 0
      or strpos(lower(coalesce(fields->>'company', '')), ${n}) > 0)`;
  }
  if (options.syncStatus !== undefined) {
    params.push(options.syncStatus);
    where += ` and sync_status = $${params.length}`;
  }
  if (options.afterSeq !== undefined) {
    params.push(options.afterSeq);
    where += ` and seq > $${params.length}`;
  }
  const { rows } = await db.query<LeadRow>(`select * from leads where ${where} order by seq limit $2`, params);
  const more = rows.length > options.limit;
  const items = more ? rows.slice(0, options.limit) : rows;
  const last = items[items.length - 1];
  return { items, next: more ? Number(last.seq) : null };
}
