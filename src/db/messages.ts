import { randomUUID } from 'node:crypto';
import type { Queryable } from './engine.ts';
import type { MessageRow } from './rows.ts';

export async function insertMessage(
  db: Queryable,
  message: Pick<MessageRow, 'org_id' | 'lead_id' | 'role' | 'channel' | 'text'> & { sent_at?: string },
): Promise<MessageRow> {
  const { rows } = await db.query<MessageRow>(
    `insert into messages (id, org_id, lead_id, role, channel, text, sent_at)
     values ($1, $2, $3, $4, $5, $6, $7::timestamptz) returning *`,
    [randomUUID(), message.org_id, message.lead_id, message.role, message.channel, message.text, message.sent_at ?? new Date().toISOString()],
  );
  return rows[0];
}

/** A lead's messages, oldest first (by sent_at, then arrival). */
export async function listMessages(
  db: Queryable,
  leadId: string,
  options: { limit: number; after?: { sent_at: string; seq: number } },
): Promise<{ items: MessageRow[]; next: { sent_at: string; seq: number } | null }> {
  const params: unknown[] = [leadId, options.limit + 1];
  let where = 'lead_id = $1';
  if (options.after) {
    params.push(options.after.sent_at, options.after.seq);
    where += ` and (sent_at, seq) > ($3::timestamptz, $4::bigint)`;
  }
  const { rows } = await db.query<MessageRow>(`select * from messages where ${where} order by sent_at, seq limit $2`, params);
  const more = rows.length > options.limit;
  const items = more ? rows.slice(0, options.limit) : rows;
  const last = items[items.length - 1];
  return { items, next: more ? { sent_at: last.sent_at.toISOString(), seq: Number(last.seq) } : null };
}
