/**
 * Writing leads and messages: validation against the organization's data model, upsert by email,
 * and marking the lead for sync in the same transaction as the change.
 */
import { AppError, notFound, validationFailed } from '../errors.ts';
import type { Database, Queryable } from '../db/engine.ts';
import { isUniqueViolation } from '../db/engine.ts';
import { listCustomFields } from '../db/custom-fields.ts';
import { applyPatch, createLeadQueued, getLead, getLeadByEmail, replaceLeadFields, sameFields, type FieldPatch } from '../db/leads.ts';
import { insertMessage } from '../db/messages.ts';
import type { LeadRow, MessageRow } from '../db/rows.ts';
import { markLeadForSync } from '../db/sync-queue.ts';
import { emitWorkflowEvent } from '../db/workflows.ts';
import { dataModel, validateFieldWrites, type FieldDefinition, type FieldType } from './data-model.ts';

export interface LeadServiceOptions {
  debounceMs: number;
  /** Record workflow events (lead.created, lead.updated, message.created); default true. */
  emitEvents?: boolean;
}

export async function orgDataModel(db: Queryable, orgId: string): Promise<Map<string, FieldDefinition>> {
  const custom = await listCustomFields(db, orgId);
  return dataModel(custom.map((f) => ({ key: f.key, label: f.label, type: f.type as FieldType, builtin: false, read_only: false })));
}

/**
 * The data models lead writes were last validated against, per database and organization. A custom
 * field is only ever added (api-v1.md can neither change nor remove one), so a model read earlier
 * holds a subset of today's fields with today's types: input it accepts is valid now, and input it
 * refuses is checked again against a fresh read. Every write but the first of an organization
 * skips reading its custom fields — even with other processes adding fields meanwhile.
 */
const knownModels = new WeakMap<Queryable, Map<string, Map<string, FieldDefinition>>>();
/** Organizations whose model is kept, per database; the oldest read is dropped past this. */
const KNOWN_MODELS_MAX = 1000;

/** Validates API input against the data model, throwing the API's 400s. */
export async function validateLeadFields(db: Queryable, orgId: string, input: Record<string, unknown>): Promise<FieldPatch> {
  let models = knownModels.get(db);
  if (!models) knownModels.set(db, (models = new Map()));
  const known = models.get(orgId);
  if (known) {
    const quick = validateFieldWrites(known, input);
    if ('patch' in quick) return quick.patch;
  }
  const model = await orgDataModel(db, orgId);
  models.delete(orgId);
  models.set(orgId, model);
  if (models.size > KNOWN_MODELS_MAX) models.delete(models.keys().next().value!);
  const result = validateFieldWrites(model, input);
  if ('patch' in result) return result.patch;
  const { error } = result;
  if (error.code === 'validation_failed') return Promise.reject(validationFailed(error.fields));
  const keys = error.keys.join(', ');
  const message =
    error.code === 'unknown_field'
      ? `Unknown field(s): ${keys}. Add custom fields to the data model first (POST /data-model/fields).`
      : `Read-only field(s): ${keys}. These are maintained by LeadSync from Salesforce.`;
  throw new AppError(400, error.code, message, { fields: Object.fromEntries(error.keys.map((k) => [`fields.${k}`, error.code])) });
}

export interface LeadWriteResult {
  lead: LeadRow;
  created: boolean;
  changed: boolean;
}

/** Upserts by email (case-insensitive); without an email, creates. */
export async function upsertLead(db: Database, orgId: string, input: Record<string, unknown>, options: LeadServiceOptions): Promise<LeadWriteResult> {
  const patch = await validateLeadFields(db, orgId, input);
  // A new person: created in one statement. One we know (by email): locked and updated. A lead that
  // goes between the two (created, or its email changed, by another request) is tried again.
  for (let attempt = 0; ; attempt++) {
    const created = await createLeadQueued(db, orgId, applyPatch({}, patch), { debounceMs: options.debounceMs, emitEvent: options.emitEvents !== false });
    if (created) return { lead: created, created: true, changed: true };
    const updated = await db.transaction(async (tx) => {
      const existing = await getLeadByEmail(tx, orgId, patch.email as string, true);
      return existing && updateLocked(tx, existing, patch, options);
    });
    if (updated) return updated;
    if (attempt >= 2) throw new AppError(409, 'conflict', 'The lead with this email address changed while it was being written; send it again.');
  }
}

export async function patchLead(db: Database, orgId: string, leadId: string, input: Record<string, unknown>, options: LeadServiceOptions): Promise<LeadWriteResult> {
  const patch = await validateLeadFields(db, orgId, input);
  try {
    return await db.transaction(async (tx) => {
      const lead = await getLead(tx, orgId, leadId, true);
      if (!lead) throw notFound('Lead');
      return updateLocked(tx, lead, patch, options);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError(409, 'conflict', 'Another lead of this organization has that email address.');
    throw error;
  }
}

async function updateLocked(tx: Queryable, lead: LeadRow, patch: FieldPatch, options: LeadServiceOptions): Promise<LeadWriteResult> {
  const fields = applyPatch(lead.fields, patch);
  // An update that changes nothing is accepted but costs no sync work.
  if (sameFields(fields, lead.fields)) return { lead, created: false, changed: false };
  const updated = await replaceLeadFields(tx, lead, fields);
  await markLeadForSync(tx, lead.org_id, lead.id, options.debounceMs);
  if (options.emitEvents !== false) {
    const changed = Object.keys(patch).filter((k) => !Object.is(lead.fields[k], fields[k]));
    await emitWorkflowEvent(tx, lead.org_id, lead.id, 'lead.updated', { changed });
  }
  return { lead: { ...updated, sync_status: 'pending' }, created: false, changed: true };
}

export async function addMessage(
  db: Database,
  orgId: string,
  leadId: string,
  message: Pick<MessageRow, 'role' | 'channel' | 'text'> & { sent_at?: string },
  options: LeadServiceOptions,
): Promise<MessageRow> {
  return db.transaction(async (tx) => {
    const lead = await getLead(tx, orgId, leadId, true);
    if (!lead) throw notFound('Lead');
    const row = await insertMessage(tx, { ...message, org_id: orgId, lead_id: leadId });
    await tx.query('update leads set updated_at = now() where id = $1', [leadId]);
    await markLeadForSync(tx, orgId, leadId, options.debounceMs);
    if (options.emitEvents !== false) {
      await emitWorkflowEvent(tx, orgId, leadId, 'message.created', {
        message: { id: row.id, role: row.role, channel: row.channel, text: row.text, sent_at: row.sent_at.toISOString() },
      });
    }
    return row;
  });
}
