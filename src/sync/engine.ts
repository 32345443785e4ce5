/**
 * The push engine: one batch of one organization end to end — claim (after lingering for a fuller
 * batch), read (batched SOQL), plan (pure), write (sObject Collections), enrich, and store every
 * result in one transaction. Runs in `start` and in any number of `leadsync worker` processes.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Database, Queryable } from '../db/engine.ts';
import {
  dueOrgs,
  getSettingsDocument,
  loadLeads,
  loadMessages,
  markOrgRun,
  pauseOrg,
  queueStaleForRefresh,
  releaseLeads,
  saveSettingsDocument,
  type ClaimedRow,
  finishBatch,
  type BatchResult,
  type LeadCompletion,
  type LeadRetry,
  type LogEntry,
  type PushLead,
} from '../db/sync.ts';
import { recordsPushed, syncErrors, syncLatency } from '../metrics.ts';
import type { OrgClient, SalesforceClients } from '../salesforce/client.ts';
import { enrich, ENRICHMENT_FIELDS, pickAccount, type EnrichmentInput, type SfAccount } from './enrich.ts';
import { BODY_QUERY_CHARS, contactSelect, CREATED_LEAD_SELECT, leadSelect, mappedFields, readBatch } from './match.ts';
import { inListQueries } from '../salesforce/soql.ts';
import { planLead, type FieldInfo, type LeadPlan, type ObjectPlan, type PlanLead, type SfRecord } from './plan.ts';
import { afterTransientFailure, backoffMs, claimDue, keepClaimed, LEASE_SECONDS } from './queue.ts';
import { defaultSettings, normalizeSettings, PUSH_OBJECTS, type PushObject, type SettingsDocument } from './settings.ts';
import { recordOutcome, requestFailure, WriteInterrupted, writeItems, type WriteItem } from './write.ts';

export interface EngineDeps {
  db: Database;
  config: Config;
  logger: Logger;
  clients: SalesforceClients;
  workerId?: string;
  /** Base of the retry backoff (default 1 s). */
  retryBaseMs?: number;
  /** How long an organization pauses at its API limit or budget (default 5 min). */
  pauseMs?: number;
  /** Claim lease, renewed while a batch runs (default LEASE_SECONDS). */
  leaseSeconds?: number;
  /** Shared by the push loops of one process (claimTurns): they linger and claim one at a time. */
  claimTurn?: <T>(claim: () => Promise<T>) => Promise<T>;
}

export async function loadSettings(db: Queryable, orgId: string): Promise<SettingsDocument> {
  const stored = await getSettingsDocument<SettingsDocument>(db, orgId);
  return stored ? normalizeSettings(stored, stored) : defaultSettings();
}

/** Queues leads whose Account/Owner data is older than LEADSYNC_ENRICHMENT_REFRESH_HOURS (0 = never). */
export async function queueEnrichmentRefresh(deps: Pick<EngineDeps, 'db' | 'config'>): Promise<number> {
  const hours = deps.config.sync.enrichmentRefreshHours;
  return hours > 0 ? queueStaleForRefresh(deps.db, hours) : 0;
}

/**
 * One pass: push one batch of the first organization with due work. Returns leads processed.
 * `isRunning` false (shutting down) ends lingering and claims nothing more.
 */
export async function syncOnce(deps: EngineDeps, isRunning: () => boolean = () => true): Promise<number> {
  for (const orgId of await dueOrgs(deps.db, 5)) {
    const client = deps.clients.forOrg(orgId);
    if (await overBudget(deps, orgId, client)) continue;
    const claim = () => claimDue(deps.db, orgId, deps.workerId ?? 'worker', deps.config.sync.batchLingerMs, deps.leaseSeconds, isRunning);
    const claimed = await (deps.claimTurn ? deps.claimTurn(claim) : claim());
    if (claimed.length === 0) continue;
    await pushBatch(deps, orgId, claimed);
    return claimed.length;
  }
  return 0;
}

/** At the budget share of the daily limit (LEADSYNC_API_BUDGET_PERCENT): pause, unless fresh numbers allow. */
async function overBudget(deps: EngineDeps, orgId: string, client: OrgClient): Promise<boolean> {
  const budget = (usage: { used: number; max: number } | null) => usage !== null && usage.used >= (usage.max * deps.config.sync.apiBudgetPercent) / 100;
  if (!budget(await client.apiUsage())) return false;
  try {
    // The stored figure may be old (the daily limit rolls): ask once before pausing.
    await client.call((conn) => conn.request('/limits'));
  } catch {
    // Unreachable or refused: the pause below applies.
  }
  if (!budget(await client.apiUsage())) return false;
  await pauseOrg(deps.db, orgId, deps.pauseMs ?? 300_000, 'api_budget');
  deps.logger.warn({ org_id: orgId }, 'salesforce API budget reached: sync paused');
  return true;
}

interface Outcome {
  status: 'synced' | 'error' | 'not_synced' | 'retry';
  error?: { code: string; message: string };
  ids: { lead?: string; contact?: string };
}

export interface BatchContext {
  settings: SettingsDocument;
  describe: Record<PushObject, Map<string, FieldInfo>>;
  leads: PushLead[];
  plans: Map<string, LeadPlan>;
  enrichment: Map<string, ReturnType<typeof enrich>>;
  enrichmentSources: Map<string, EnrichmentInput>;
}

/** Reads and plans a batch without writing anything (also the dry run of `preview`). */
export async function readAndPlan(db: Queryable, client: OrgClient, orgId: string, leads: PushLead[]): Promise<BatchContext> {
  const settings = await loadSettings(db, orgId);
  const describe = {} as BatchContext['describe'];
  for (const object of PUSH_OBJECTS) {
    const fields = await client.describeFields(object === 'lead' ? 'Lead' : 'Contact');
    describe[object] = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  }
  const conversationMapped = PUSH_OBJECTS.some((o) => settings.mappings[o].some((r) => r.spara_field === 'conversation' && !r.flagged));
  const messages = conversationMapped ? await loadMessages(db, leads.map((l) => l.id)) : [];
  const emails = leads.map((l) => l.fields.email).filter((e): e is string => typeof e === 'string').map((e) => e.toLowerCase());
  const storedLeadIds = leads.map((l) => l.fields.salesforce_lead_id).filter((v): v is string => typeof v === 'string');
  const storedContactIds = leads.map((l) => l.fields.salesforce_contact_id).filter((v): v is string => typeof v === 'string');
  // Company names of every lead: the Accounts by name come in the same composite as the matches
  // (step 3 of the Account priority then uses them only for leads that steps 1 and 2 left without one).
  const companies = leads.filter((l) => typeof l.fields.email === 'string' && typeof l.fields.company === 'string' && l.fields.company.trim()).map((l) => (l.fields.company as string).trim());
  const reads = await readBatch(client, {
    leadSelect: leadSelect(mappedFields(settings.mappings.lead, describe.lead)),
    contactSelect: contactSelect(mappedFields(settings.mappings.contact, describe.contact)),
    leadIds: storedLeadIds,
    contactIds: storedContactIds,
    emails,
    companies,
  });
  const sfLeads = reads.leads;
  const sfContacts = reads.contacts;

  const byLead = new Map<string, PlanLead['messages'][number][]>();
  for (const m of messages) {
    const list = byLead.get(m.lead_id) ?? [];
    list.push({ role: m.role, channel: m.channel, text: m.text, sent_at: m.sent_at });
    byLead.set(m.lead_id, list);
  }
  const plans = new Map<string, LeadPlan>();
  const enrichmentSources = new Map<string, EnrichmentInput>();
  const contactsById = new Map(sfContacts.map((c) => [c.Id.slice(0, 15), c]));
  // Each lead is planned against its own candidates (same email, stored ids), not the whole batch.
  const leadIndex = indexRecords(sfLeads);
  const contactIndex = indexRecords(sfContacts);
  for (const lead of leads) {
    const leadCandidates = leadIndex.candidates(lead.fields.email, lead.fields.salesforce_lead_id);
    const converted = leadCandidates.map((l) => l.ConvertedContactId).filter((v): v is string => typeof v === 'string');
    const contactCandidates = contactIndex.candidates(lead.fields.email, lead.fields.salesforce_contact_id, ...converted);
    const found = { leads: leadCandidates, contacts: contactCandidates };
    const plan = planLead({ id: lead.id, fields: lead.fields, messages: byLead.get(lead.id) ?? [] }, found, settings, describe);
    plans.set(lead.id, plan);
    if (typeof lead.fields.email !== 'string') continue;
    const m = plan.matches;
    const dataLead = m.leadForData;
    const convertedContact = typeof dataLead?.ConvertedContactId === 'string' ? contactsById.get(dataLead.ConvertedContactId.slice(0, 15)) : undefined;
    enrichmentSources.set(lead.id, {
      integrationUserId: client.connectedUserId,
      company: typeof lead.fields.company === 'string' ? lead.fields.company : null,
      lead: dataLead ? { IsConverted: dataLead.IsConverted === true, Owner: dataLead.Owner as never, ConvertedAccount: dataLead.ConvertedAccount as never, ConvertedContact: convertedContact ? { Owner: convertedContact.Owner as never } : null } : null,
      contact: m.contact ? { Owner: m.contact.record.Owner as never, Account: m.contact.record.Account as never } : null,
    });
  }
  // Step 3 of the Account priority, for the leads steps 1 and 2 left without one.
  const accounts = reads.accounts as unknown as SfAccount[];
  for (const source of enrichmentSources.values()) if (!pickAccount(source) && source.company?.trim()) source.accountsByName = accounts;
  const enrichment = new Map([...enrichmentSources].map(([id, source]) => [id, enrich(source)]));
  return { settings, describe, leads, plans, enrichment, enrichmentSources };
}

/** Records by lower-cased email and by 15-character id, for per-lead candidate lists. */
function indexRecords(records: readonly SfRecord[]) {
  const byEmail = new Map<string, SfRecord[]>();
  const byId = new Map<string, SfRecord>();
  for (const r of records) {
    byId.set(r.Id.slice(0, 15), r);
    if (typeof r.Email !== 'string') continue;
    const key = r.Email.trim().toLowerCase();
    byEmail.set(key, [...(byEmail.get(key) ?? []), r]);
  }
  return {
    candidates(email: unknown, ...ids: unknown[]): SfRecord[] {
      const out = new Set<SfRecord>(typeof email === 'string' ? (byEmail.get(email.trim().toLowerCase()) ?? []) : []);
      for (const id of ids) if (typeof id === 'string' && byId.has(id.slice(0, 15))) out.add(byId.get(id.slice(0, 15))!);
      return [...out];
    },
  };
}

/** Pushes one claimed batch. Never throws for Salesforce trouble: every lead gets an outcome. */
export async function pushBatch(deps: EngineDeps, orgId: string, claimed: ClaimedRow[]): Promise<void> {
  const ids = claimed.map((c) => c.lead_id);
  const leaseSeconds = deps.leaseSeconds ?? LEASE_SECONDS;
  const release = keepClaimed(deps.db, ids, deps.workerId ?? 'worker', leaseSeconds, (err) => deps.logger.warn({ org_id: orgId, err }, 'could not renew the claim on a batch'));
  try {
    await pushClaimed(deps, orgId, claimed);
  } finally {
    release();
  }
}

async function pushClaimed(deps: EngineDeps, orgId: string, claimed: ClaimedRow[]): Promise<void> {
  const client = deps.clients.forOrg(orgId);
  const leads = await loadLeads(deps.db, orgId, claimed.map((c) => c.lead_id));
  let ctx: BatchContext;
  try {
    ctx = await readAndPlan(deps.db, client, orgId, leads);
  } catch (error) {
    return handleBatchFailure(deps, orgId, claimed, error);
  }
  await flagMissingFields(deps, orgId, ctx);
  const outcomes = new Map<string, Outcome>(leads.map((l) => [l.id, { status: 'synced', ids: {} }]));
  const logs: LogEntry[] = [];
  const log = (leadId: string, plan: ObjectPlan, status: LogEntry['status'], salesforceId: string | null, code: string | null, message: string | null) =>
    logs.push({ lead_id: leadId, object: plan.object, operation: plan.action === 'none' ? 'skip' : (plan.action as LogEntry['operation']), salesforce_id: salesforceId, status, error_code: code, message });
  const attemptsOf = new Map(claimed.map((c) => [c.lead_id, c.attempts]));

  const refreshOnly = new Set(claimed.filter((c) => c.refresh_only).map((c) => c.lead_id));
  for (const lead of leads) {
    const plan = ctx.plans.get(lead.id)!;
    // A periodic refresh reads Account and Owner data; it never writes to Salesforce.
    if (refreshOnly.has(lead.id)) plan.objects = plan.objects.map((p) => ({ ...p, action: 'none', changes: {}, error: undefined, heldBack: undefined, reason: 'refresh of Salesforce data only' }));
    const outcome = outcomes.get(lead.id)!;
    if (plan.leadRecord) outcome.ids.lead = plan.leadRecord.Id;
    if (plan.contactRecord) outcome.ids.contact = plan.contactRecord.Id;
    for (const p of plan.objects) {
      if (p.error) {
        outcome.status = 'error';
        outcome.error = { code: 'INVALID_VALUE', message: p.error };
        log(lead.id, p, 'error', p.id ?? null, 'INVALID_VALUE', p.error);
      } else if (p.heldBack) {
        // Held back beside the Lead this push creates: logged once that Lead exists (below).
        if (p.heldBack.heldBy) log(lead.id, p, 'success', p.heldBack.heldBy, p.heldBack.reason, p.reason ?? null);
      } else if (p.action === 'skip') log(lead.id, p, 'success', p.id ?? null, null, p.reason ?? null);
    }
    if (plan.objects.every((p) => p.action === 'none' || p.action === 'skip') && !plan.leadRecord && !plan.contactRecord && outcome.status === 'synced') {
      outcome.status = 'not_synced';
    }
  }

  // Writes: Lead before Contact, creates before updates, each as sObject Collections of up to 200.
  const items: Array<WriteItem<string> & { plan: ObjectPlan }> = [];
  for (const lead of leads) {
    if (outcomes.get(lead.id)!.status === 'error') continue;
    for (const plan of ctx.plans.get(lead.id)!.objects) {
      if ((plan.action !== 'create' && plan.action !== 'update') || plan.error) continue;
      items.push({ key: lead.id, object: plan.object, action: plan.action, id: plan.id, values: Object.fromEntries(Object.entries(plan.changes).map(([k, v]) => [k, v.to])), plan });
    }
  }
  const planOf = (item: WriteItem<string>) => (item as (typeof items)[number]).plan;
  // Counted per batch, then added to the metric once per object and operation.
  const pushed = new Map<string, number>();
  /** Leads whose Salesforce Lead this push created: lead id → Salesforce id. */
  const created = new Map<string, string>();
  // The created Leads' owners are read back in the same composite as the creates, by email (the
  // create's own result names the record among them).
  let readBack: { records: SfRecord[] } | { error: unknown } = { records: [] };
  try {
    await writeItems(
      client,
      items,
      (item, result) => {
        const plan = planOf(item);
        const outcome = outcomes.get(item.key)!;
        const r = recordOutcome(result, attemptsOf.get(item.key) ?? 0);
        if (r.status === 'success') {
          if (item.object === 'Lead' && item.action === 'create' && r.id) created.set(item.key, r.id);
          if (item.object === 'Lead') outcome.ids.lead = r.id ?? plan.id;
          else outcome.ids.contact = r.id ?? plan.id;
          if (outcome.status === 'not_synced') outcome.status = 'synced';
          pushed.set(`${item.object} ${item.action}`, (pushed.get(`${item.object} ${item.action}`) ?? 0) + 1);
          log(item.key, plan, 'success', r.id ?? plan.id ?? null, null, null);
          return;
        }
        syncErrors.inc({ code: r.code });
        outcome.status = r.status === 'retrying' ? 'retry' : 'error';
        outcome.error = { code: r.code, message: r.message };
        log(item.key, plan, r.status, plan.id ?? null, r.code, r.message);
      },
      // A lead refused on its Lead write is not written to Contact in the same push.
      (item) => outcomes.get(item.key)!.status !== 'error',
      {
        queries: (creates) => inListQueries(creates.map((i) => String(i.values.Email ?? '')).filter(Boolean), (list) => `SELECT ${CREATED_LEAD_SELECT.join(', ')} FROM Lead WHERE Email IN (${list})`, BODY_QUERY_CHARS),
        done: (outcome) => {
          if ('error' in outcome) readBack = outcome;
          else if ('records' in readBack) readBack.records.push(...(outcome.records as SfRecord[]));
        },
      },
    );
  } catch (error) {
    if (!(error instanceof WriteInterrupted)) throw error;
    // A request (a composite, or one of its subrequests) got no per-record answer. Its records may
    // be written (a create that timed out may have committed): those leads are retried, and the
    // retry matches by email first, so a committed create is found and updated, never created
    // twice. Leads answered already are done. Each failed part keeps its own error.
    const failures = error.groups.map((g) => ({ group: g, failure: requestFailure(g.failure) }));
    for (const { group, failure } of failures) if (failure.code === 'INVALID_FIELD') await flagVanishedField(deps, orgId, ctx.settings, group.failure as Error);
    const halting = failures.find((f) => f.failure.kind !== 'retry');
    if (halting) return handleBatchFailure(deps, orgId, claimed, halting.group.failure);
    for (const { group, failure } of failures) {
      syncErrors.inc({ code: failure.code });
      for (const item of group.items) {
        const outcome = outcomes.get(item.key)!;
        if (outcome.status === 'error' || outcome.status === 'retry') continue;
        outcome.status = afterTransientFailure(attemptsOf.get(item.key) ?? 0);
        outcome.error = { code: failure.code, message: failure.message };
        log(item.key, planOf(item), outcome.status === 'retry' ? 'retrying' : 'error', item.id ?? null, failure.code, failure.message);
      }
      deps.logger.warn({ org_id: orgId, code: failure.code, err: group.failure }, 'salesforce write failed; leads will be retried');
    }
  } finally {
    for (const [key, n] of pushed) {
      const [object, operation] = key.split(' ');
      recordsPushed.inc({ org: orgId, object, operation }, n);
    }
  }

  // A Contact held back beside the Lead this push created names that Lead in the log.
  for (const [leadId, salesforceId] of created) {
    const held = ctx.plans.get(leadId)!.objects.find((p) => p.heldBack && !p.heldBack.heldBy);
    if (held) log(leadId, held, 'success', salesforceId, held.heldBack!.reason, held.reason ?? null);
  }
  enrichCreatedLeads(deps, client.orgId, ctx, created, readBack);
  const claims = new Map(claimed.map((c) => [c.lead_id, c]));
  const completions: LeadCompletion[] = [];
  const retries: LeadRetry[] = [];
  const updated: BatchResult['updated'][number][] = [];
  for (const lead of leads) {
    const outcome = outcomes.get(lead.id)!;
    const claim = claims.get(lead.id)!;
    if (outcome.status === 'retry') {
      retries.push({ leadId: lead.id, delayMs: backoffMs(claim.attempts + 1, deps.retryBaseMs ?? 1000), error: outcome.error! });
      continue;
    }
    const set: Record<string, unknown> = {};
    const remove: string[] = [];
    if (outcome.ids.lead && outcome.ids.lead !== lead.fields.salesforce_lead_id) set.salesforce_lead_id = outcome.ids.lead;
    if (outcome.ids.contact && outcome.ids.contact !== lead.fields.salesforce_contact_id) set.salesforce_contact_id = outcome.ids.contact;
    const enrichment = ctx.enrichment.get(lead.id);
    const changed: string[] = [];
    if (enrichment) {
      for (const key of ENRICHMENT_FIELDS) {
        const value = enrichment[key];
        if (value === null && lead.fields[key] !== undefined) remove.push(key);
        else if (value !== null && lead.fields[key] !== value) set[key] = value;
        else continue;
        changed.push(key);
      }
      if (enrichment.salesforce_account_id) logs.push({ lead_id: lead.id, object: 'Account', operation: 'read', salesforce_id: enrichment.salesforce_account_id, status: 'success', error_code: null, message: enrichment.salesforce_account_name });
      if (enrichment.salesforce_assigned_sales_rep_id) logs.push({ lead_id: lead.id, object: 'User', operation: 'read', salesforce_id: enrichment.salesforce_assigned_sales_rep_id, status: 'success', error_code: null, message: enrichment.salesforce_assigned_sales_rep_name });
    }
    completions.push({ leadId: lead.id, claimedSeq: claim.change_seq, set, remove, status: refreshOnly.has(lead.id) ? 'keep' : (outcome.status as LeadCompletion['status']), error: outcome.error ?? null });
    // Salesforce data that changed is a lead update for workflows (e.g. route to the account owner).
    if (changed.length > 0) updated.push({ leadId: lead.id, payload: { changed } });
  }
  await finishBatch(deps.db, orgId, { completions, retries, logs, updated });
  for (const c of completions) if (c.status === 'synced') syncLatency.observe((Date.now() - new Date(claims.get(c.leadId)!.first_queued_at).getTime()) / 1000);
  // Outside the batch's transaction: every worker of the organization touches this one row.
  await markOrgRun(deps.db, orgId);
}

/**
 * A Lead this push created has its owner only now — the API user, or whoever Salesforce's assignment
 * rules picked: the read-back in the creates' composite brings them, so a new lead knows its rep at
 * once instead of at the next push or refresh. Unread (that query failed): the lead keeps what the
 * match read, nothing fails.
 */
function enrichCreatedLeads(deps: EngineDeps, orgId: string, ctx: BatchContext, created: ReadonlyMap<string, string>, readBack: { records: SfRecord[] } | { error: unknown }): void {
  const sources = [...created].filter(([leadId]) => ctx.enrichmentSources.has(leadId));
  if (sources.length === 0) return;
  if ('error' in readBack) {
    deps.logger.warn({ org_id: orgId, err: readBack.error }, 'could not read the owners of created leads; they are read at the next push');
    return;
  }
  const byId = new Map(readBack.records.map((r) => [r.Id.slice(0, 15), r]));
  for (const [leadId, salesforceId] of sources) {
    const record = byId.get(salesforceId.slice(0, 15));
    if (!record) continue;
    const source = ctx.enrichmentSources.get(leadId)!;
    source.lead = { IsConverted: record.IsConverted === true, Owner: record.Owner as never, ConvertedAccount: null, ConvertedContact: null };
    ctx.enrichment.set(leadId, enrich(source));
  }
}

/** Mapping rows whose Salesforce field is gone from describe are flagged (they are not written). */
async function flagMissingFields(deps: EngineDeps, orgId: string, ctx: BatchContext): Promise<void> {
  let flagged = false;
  for (const object of PUSH_OBJECTS) {
    for (const row of ctx.settings.mappings[object]) {
      if (row.flagged || ctx.describe[object].has(row.salesforce_field.toLowerCase())) continue;
      row.flagged = `INVALID_FIELD: Salesforce has no field ${row.salesforce_field} any more`;
      flagged = true;
    }
  }
  if (flagged) {
    await saveSettingsDocument(deps.db, orgId, ctx.settings);
    deps.logger.warn({ org_id: orgId }, 'mapped Salesforce field vanished: mapping flagged');
  }
}

/** A mapped field Salesforce no longer has: flag its row on the settings so it is not retried forever. */
async function flagVanishedField(deps: EngineDeps, orgId: string, settings: SettingsDocument, error: Error): Promise<void> {
  const missing = /No such column '([^']+)'/i.exec(error.message)?.[1] ?? /field[s]?:? ?([A-Za-z0-9_]+__c)/.exec(error.message)?.[1];
  if (!missing) return;
  let flagged = false;
  for (const object of PUSH_OBJECTS) {
    for (const row of settings.mappings[object]) {
      if (row.salesforce_field.toLowerCase() === missing.toLowerCase() && !row.flagged) {
        row.flagged = `INVALID_FIELD: Salesforce has no field ${row.salesforce_field} any more`;
        flagged = true;
      }
    }
  }
  if (!flagged) return;
  await saveSettingsDocument(deps.db, orgId, settings);
  deps.clients.forOrg(orgId).forgetDescribes();
  deps.logger.warn({ org_id: orgId, field: missing }, 'mapped Salesforce field vanished: mapping flagged');
}

/** The batch could not run at all: pause on limits, hold on reconnection, else retry every lead. */
async function handleBatchFailure(deps: EngineDeps, orgId: string, claimed: ClaimedRow[], error: unknown): Promise<void> {
  const ids = claimed.map((c) => c.lead_id);
  const failure = requestFailure(error);
  if (failure.kind === 'hold') {
    // Kept, not failed: the queue resumes when the organization is authorized again.
    await releaseLeads(deps.db, ids);
    return;
  }
  if (failure.kind === 'pause') {
    await releaseLeads(deps.db, ids);
    await pauseOrg(deps.db, orgId, deps.pauseMs ?? 300_000, 'request_limit');
    deps.logger.warn({ org_id: orgId }, 'salesforce API limit reached: sync paused');
    return;
  }
  if (failure.code === 'INVALID_FIELD') await flagVanishedField(deps, orgId, await loadSettings(deps.db, orgId), error as Error);
  syncErrors.inc({ code: failure.code });
  deps.logger.warn({ org_id: orgId, code: failure.code, err: error }, 'sync batch failed; leads will be retried');
  const err = { code: failure.code, message: failure.message };
  const givenUp = claimed.filter((c) => afterTransientFailure(c.attempts) === 'error');
  await finishBatch(deps.db, orgId, {
    completions: givenUp.map((c) => ({ leadId: c.lead_id, claimedSeq: c.change_seq, set: {}, remove: [], status: 'error', error: err })),
    retries: claimed.filter((c) => afterTransientFailure(c.attempts) === 'retry').map((c) => ({ leadId: c.lead_id, delayMs: backoffMs(c.attempts + 1, deps.retryBaseMs ?? 1000), error: err })),
    logs: givenUp.map((c) => ({ lead_id: c.lead_id, object: 'Lead', operation: 'read', salesforce_id: null, status: 'error', error_code: failure.code, message: failure.message })),
    updated: [],
  });
}

export const newWorkerId = () => `worker-${process.pid}-${randomUUID().slice(0, 8)}`;

