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

/**
 * Creates a lead from the API, queues it for sync and records its `lead.created` event in one
 * statement — one round trip, no transaction — unless a lead of the organization has its email
 * already: then nothing is written and the answer is undefined (the caller updates that lead).
 * The queue row and the event are what markLeadForSync and emitWorkflowEvent write for a lead that
 * has none yet. Why one statement: on the embedded engine every statement is a round trip to the
 * database thread, and creating a lead took eight (docs/benchmarks.md, "API load").
 */
export async function createLeadQueued(db: Queryable, orgId: string, fields: Fields, options: { debounceMs: number; emitEvent: boolean }): Promise<LeadRow | undefined> {
  const email = typeof fields.email === 'string' ? normalizeEmail(fields.email) : null;
  const { rows } = await db.query<LeadRow>(
    `with lead as (
       insert into leads (id, org_id, source, email_normalized, fields, sync_status) values ($1, $2, 'api', $3, $4::jsonb, 'pending')
       on conflict (org_id, email_normalized) where email_normalized is not null do nothing
       returning *),
     queued as (
       insert into sync_queue (lead_id, org_id, due_at, first_queued_at)
       select id, org_id, now() + $5 * interval '1 millisecond', now() from lead),
     event as (
       insert into workflow_events (org_id, lead_id, trigger, payload)
       select org_id, id, 'lead.created', '{}'::jsonb from lead
       where $6 and exists (select 1 from workflows where org_id = $2 and trigger = 'lead.created' and enabled))
     select * from lead`,
    [randomUUID(), orgId, email, JSON.stringify(fields), options.debounceMs, options.emitEvent],
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
