/**
 * Pull runs (sync-semantics.md, "Pull"; docs/pull.md): a rule's records read from Salesforce in
 * SystemModstamp order — REST pages for small selections, a Bulk API 2.0 query job above
 * BULK_THRESHOLD — and written into leads a batch at a time, each batch one transaction with the
 * checkpoint (watermark + ids at it, Bulk job and locator), so a run that stops for any reason
 * resumes where it was, never from zero and never twice. Account/Owner data comes from the same
 * batched reads and rules as push (match.ts, enrich.ts). Nothing is ever written to Salesforce.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/engine.ts';
import { isUniqueViolation } from '../db/engine.ts';
import { normalizeEmail } from '../db/leads.ts';
import { countSeen, getPullRule, seenIds, type PullRuleRow } from '../db/pull-rules.ts';
import {
  claimRun,
  extendRunLease,
  finishRun,
  holdRun,
  matchLeads,
  recordPullBatch,
  setBulkJob,
  setRunTotal,
  type PullBatch,
  type PullRunRow,
} from '../db/pull-runs.ts';
import { pauseOrg } from '../db/sync.ts';
import { isValidEmail, normalizeValue, type FieldDefinition } from '../leads/data-model.ts';
import { orgDataModel } from '../leads/service.ts';
import { recordsPulled } from '../metrics.ts';
import { SalesforceNotConnected, SalesforceReconnectionRequired, salesforceErrorCode, type FieldDescribe, type OrgClient, type SalesforceClients } from '../salesforce/client.ts';
import { loadSettings } from './engine.ts';
import { enrich, ENRICHMENT_FIELDS, pickAccount, type EnrichmentInput, type SfAccount } from './enrich.ts';
import { accountQueries, contactSelect, dedupe, leadSelect, mappedFields, recordQueries } from './match.ts';
import { checkFilter, pullCountQuery, pullQuery, soqlDateTime, type FilterCheck } from './pull-filter.ts';
import type { SfRecord } from './plan.ts';
import { backoffMs, MAX_ATTEMPTS } from './queue.ts';

/** Above this many records a run reads through a Bulk API 2.0 query job instead of REST pages. */
export const BULK_THRESHOLD = 10_000;
/**
 * Records written to the database per statement (one transaction with the checkpoint): a REST page
 * (at most 2,000), or 2,500 rows of a Bulk result — 40 batches, so 40 composite reads, for 100,000.
 */
export const PULL_BATCH = 2_500;
/**
 * Account/Owner reads of a batch: push's batched queries, sent in a composite body with IN lists of
 * up to this many URL-encoded characters (SOQL allows 100,000 a statement; a query URL ~16 KB).
 */
const READ_CHARS = 90_000;
/** A run's lease; renewed every third of it while the run works. A killed process's run is taken over after it. */
export const PULL_LEASE_MS = 60_000;

export interface PullDeps {
  db: Database;
  config: Config;
  logger: Logger;
  clients: SalesforceClients;
  workerId: string;
  leaseMs?: number;
  batchSize?: number;
  /** REST page size asked for (`Sforce-Query-Options: batchSize`, 200–2,000). */
  pageSize?: number;
  bulkThreshold?: number;
  /** Records per Bulk results page (`maxRecords`); unset lets Salesforce choose. */
  bulkPageSize?: number;
  /** First wait between Bulk job status checks (doubles to 5 s). */
  bulkPollMs?: number;
  /** How long a run waits at the API limit or budget (default 5 min). */
  pauseMs?: number;
  retryBaseMs?: number;
  /** True when the process is stopping: the run is handed back between two batches and resumes later. */
  shouldStop?: () => boolean;
  /** Called after every batch is stored (progress bars; tests). */
  onProgress?: (progress: { runId: string; processed: number; total: number | null }) => void | Promise<void>;
}

class LeaseLost extends Error {}
class Stopping extends Error {}

/** Claims one run that is due (new, resumable, or abandoned by a dead process) and works it to its end or its next pause. */
export async function pullOnce(deps: PullDeps, onlyRunId?: string): Promise<PullRunRow | undefined> {
  const run = await claimRun(deps.db, deps.workerId, deps.leaseMs ?? PULL_LEASE_MS, onlyRunId);
  if (run) await executeRun(deps, run);
  return run;
}

export async function executeRun(deps: PullDeps, run: PullRunRow): Promise<void> {
  const leaseMs = deps.leaseMs ?? PULL_LEASE_MS;
  let lost = false;
  const timer = setInterval(() => {
    extendRunLease(deps.db, run.id, deps.workerId, leaseMs).then(
      (held) => (lost ||= !held),
      (err) => deps.logger.warn({ err, run_id: run.id }, 'could not renew a pull run lease'),
    );
  }, leaseMs / 3);
  timer.unref();
  try {
    const rule = await getPullRule(deps.db, run.org_id, run.rule_id);
    if (!rule) return;
    await new RunWorker(deps, run, rule, () => lost).work();
    await finishRun(deps.db, run.id, deps.workerId, 'succeeded', null);
  } catch (error) {
    await runFailure(deps, run, error);
  } finally {
    clearInterval(timer);
  }
}

/** Why a run stopped: wait for the connection, pause at the API limit, retry passing trouble, or fail. */
async function runFailure(deps: PullDeps, run: PullRunRow, error: unknown): Promise<void> {
  if (error instanceof LeaseLost || (error as { code?: string })?.code === 'P0004') {
    deps.logger.warn({ run_id: run.id }, 'pull run taken over by another process');
    return;
  }
  if (error instanceof Stopping) {
    await holdRun(deps.db, run.id, deps.workerId, new Date(), 'stopped', false);
    return;
  }
  if (error instanceof SalesforceReconnectionRequired) {
    // Kept, not failed: claimable again once the organization is connected.
    await holdRun(deps.db, run.id, deps.workerId, null, 'reconnection_required', false);
    return;
  }
  if (error instanceof SalesforceNotConnected) return finishRun(deps.db, run.id, deps.workerId, 'failed', { code: 'not_connected', message: 'Salesforce is not connected for this organization.' });
  if (error instanceof PermanentFailure) return finishRun(deps.db, run.id, deps.workerId, 'failed', { code: error.code, message: error.message });
  const code = salesforceErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'REQUEST_LIMIT_EXCEEDED' || error instanceof OverBudget) {
    const reason = code === 'REQUEST_LIMIT_EXCEEDED' ? 'request_limit' : 'api_budget';
    const ms = deps.pauseMs ?? 300_000;
    await pauseOrg(deps.db, run.org_id, ms, reason);
    await holdRun(deps.db, run.id, deps.workerId, new Date(Date.now() + ms), reason, false);
    return;
  }
  if (code && /^(MALFORMED_QUERY|INVALID_|INSUFFICIENT_ACCESS|API_DISABLED|API_ERROR|INVALIDJOB|QUERY_TOO_COMPLICATED)/.test(code)) {
    return finishRun(deps.db, run.id, deps.workerId, 'failed', { code, message });
  }
  // Passing trouble (5xx, timeouts, a lost connection): retried from the checkpoint with backoff.
  if (run.attempts + 1 >= MAX_ATTEMPTS) return finishRun(deps.db, run.id, deps.workerId, 'failed', { code: code ?? 'CONNECTION_ERROR', message });
  deps.logger.warn({ run_id: run.id, code, err: error }, 'pull run interrupted; it resumes from its checkpoint');
  await holdRun(deps.db, run.id, deps.workerId, new Date(Date.now() + backoffMs(run.attempts + 1, deps.retryBaseMs ?? 1000)), code ?? 'CONNECTION_ERROR', true);
}

class PermanentFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
class OverBudget extends Error {}

interface Batch {
  records: SfRecord[];
  /** Bulk only: where this batch ends (the page it came from and the records done in it). */
  bulk?: { locator: string | null; offset: number };
}

type IdKey = 'salesforce_lead_id' | 'salesforce_contact_id';

/** One claimed run, from its checkpoint to its end. */
class RunWorker {
  private readonly client: OrgClient;
  private readonly idKey: IdKey;
  private watermark: string | null;
  private readonly startWatermark: number | null;
  private processed: number;
  private total: number | null;
  private mapping: Array<{ field: FieldDefinition; salesforce: FieldDescribe }> = [];

  constructor(
    private readonly deps: PullDeps,
    private readonly run: PullRunRow,
    private readonly rule: PullRuleRow,
    private readonly leaseLost: () => boolean,
  ) {
    this.client = deps.clients.forOrg(run.org_id);
    this.idKey = rule.object === 'Lead' ? 'salesforce_lead_id' : 'salesforce_contact_id';
    this.watermark = rule.watermark;
    this.startWatermark = rule.watermark ? Date.parse(rule.watermark) : null;
    this.processed = run.processed;
    this.total = run.total;
  }

  async work(): Promise<void> {
    await this.checkBudget();
    const describe = await this.client.describeFields(this.rule.object);
    const filter = checkFilter(this.rule.filter, this.rule.object, describe.map((f) => f.name));
    if (!filter.ok) throw new PermanentFailure('invalid_filter', `The rule's filter is not valid any more: ${filter.reason}.`);
    const settings = await loadSettings(this.deps.db, this.run.org_id);
    const model = await orgDataModel(this.deps.db, this.run.org_id);
    const byName = new Map(describe.map((f) => [f.name.toLowerCase(), f]));
    const rows = settings.mappings[this.rule.object === 'Lead' ? 'lead' : 'contact'];
    for (const row of rows) {
      const field = model.get(row.spara_field);
      const salesforce = byName.get(row.salesforce_field.toLowerCase());
      // Email and the Salesforce id are taken as they are; read-only fields are LeadSync's own.
      if (row.flagged || !field || !salesforce || field.read_only || field.key === 'email' || field.key === 'salesforce_lead_id' || field.key === 'salesforce_contact_id') continue;
      this.mapping.push({ field, salesforce });
    }
    const mapped = mappedFields(rows, byName);
    const select = this.rule.object === 'Lead' ? [...leadSelect(mapped), 'Company', 'SystemModstamp'] : [...contactSelect(mapped), 'SystemModstamp'];
    const unique = [...new Map(select.map((f) => [f.toLowerCase(), f])).values()];

    const batches = this.run.bulk_job_id ? this.bulkResume(this.run.bulk_job_id, filter, unique) : this.freshRead(filter, unique);
    for await (const batch of readAhead(batches)) {
      if (this.leaseLost()) throw new LeaseLost();
      await this.store(batch);
      if (this.deps.shouldStop?.()) throw new Stopping();
      await this.deps.onProgress?.({ runId: this.run.id, processed: this.processed, total: this.total });
      await this.checkBudget();
    }
  }

  private conditions(): string[] {
    const and = this.rule.object === 'Lead' ? ['IsConverted = false'] : [];
    if (this.watermark) and.push(`SystemModstamp >= ${soqlDateTime(this.watermark)}`);
    return and;
  }

  /** From the watermark: count (the run's total), then REST pages or a Bulk job. */
  private async *freshRead(filter: Extract<FilterCheck, { ok: true }>, select: string[]): AsyncGenerator<Batch> {
    const and = this.conditions();
    const remaining = await this.client.count(pullCountQuery(this.rule.object, filter, and));
    // Records at the watermark's instant that were taken already are counted by Salesforce, not read again.
    const left = Math.max(0, remaining - (this.watermark ? await countSeen(this.deps.db, this.rule.id) : 0));
    await setRunTotal(this.deps.db, this.run.id, this.deps.workerId, left);
    this.total = this.processed + left;
    const soql = pullQuery(select, this.rule.object, filter, and);
    if (remaining > (this.deps.bulkThreshold ?? BULK_THRESHOLD)) {
      const job = await this.client.bulkQueryStart(soql);
      await setBulkJob(this.deps.db, this.run.id, this.deps.workerId, job);
      yield* this.bulkPages(job, null, 0);
      return;
    }
    let page = await this.client.queryPage<SfRecord>(soql, { batchSize: this.deps.pageSize ?? 2000 });
    for (;;) {
      for (let i = 0; i < page.records.length; i += this.batchSize) yield { records: page.records.slice(i, i + this.batchSize) };
      if (!page.nextRecordsUrl) return;
      page = await this.client.queryMore<SfRecord>(page.nextRecordsUrl);
    }
  }

  private get batchSize(): number {
    return this.deps.batchSize ?? PULL_BATCH;
  }

  /** A run that stopped while reading a Bulk job: from its stored page and offset; a job Salesforce no longer has is read again from the watermark. */
  private async *bulkResume(job: string, filter: Extract<FilterCheck, { ok: true }>, select: string[]): AsyncGenerator<Batch> {
    try {
      await this.client.bulkQueryState(job);
    } catch (error) {
      const code = salesforceErrorCode(error);
      if (code !== 'NOT_FOUND' && code !== 'INVALIDJOB' && code !== 'HTTP_404') throw error;
      await setBulkJob(this.deps.db, this.run.id, this.deps.workerId, null);
      yield* this.freshRead(filter, select);
      return;
    }
    yield* this.bulkPages(job, this.run.bulk_locator, this.run.bulk_offset);
  }

  private async *bulkPages(job: string, locator: string | null, skip: number): AsyncGenerator<Batch> {
    await this.waitForJob(job);
    let current = locator;
    let toSkip = skip;
    for (;;) {
      const { next, rows } = await this.client.bulkQueryResults(job, current, this.deps.bulkPageSize);
      let offset = 0;
      let records: SfRecord[] = [];
      for await (const row of rows) {
        offset++;
        if (offset <= toSkip) continue;
        records.push(fromCsvRow(row as Record<string, string>));
        if (records.length >= this.batchSize) {
          yield { records, bulk: { locator: current, offset } };
          records = [];
        }
      }
      if (records.length > 0) yield { records, bulk: { locator: current, offset } };
      toSkip = 0;
      if (!next) return;
      current = next;
    }
  }

  private async waitForJob(job: string): Promise<void> {
    let wait = this.deps.bulkPollMs ?? 500;
    for (;;) {
      const { state, errorMessage } = await this.client.bulkQueryState(job);
      if (state === 'JobComplete') return;
      if (state === 'Failed' || state === 'Aborted') throw new PermanentFailure('BULK_QUERY_FAILED', `The Bulk API query job ${job} ended ${state}${errorMessage ? `: ${errorMessage}` : ''}.`);
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(5_000, wait * 2);
    }
  }

  private async checkBudget(): Promise<void> {
    const usage = await this.client.apiUsage();
    if (usage && usage.used >= (usage.max * this.deps.config.sync.apiBudgetPercent) / 100) throw new OverBudget('API budget reached');
  }

  /** One batch into leads, with the checkpoint, in one statement (retried when a concurrent insert took an email). */
  private async store(batch: Batch): Promise<void> {
    const atStart = batch.records.filter((r) => this.startWatermark !== null && modstamp(r) === this.startWatermark).map((r) => r.Id);
    const taken = atStart.length > 0 ? await seenIds(this.deps.db, this.rule.id, atStart) : new Set<string>();
    const records = batch.records.filter((r) => !taken.has(r.Id));
    const enrichment = records.length > 0 ? await this.enrichment(records) : new Map<string, ReturnType<typeof enrich>>();
    const checkpoint = this.checkpoint(batch);
    for (let attempt = 0; ; attempt++) {
      try {
        const document = await this.batchDocument(records, enrichment, checkpoint);
        await recordPullBatch(this.deps.db, this.run.org_id, this.run.id, this.deps.workerId, document);
        break;
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 3) throw error;
      }
    }
    if (checkpoint.watermark) this.watermark = checkpoint.watermark;
    this.processed += records.length;
    recordsPulled.inc({ org: this.run.org_id }, records.length);
  }

  /** The watermark after this batch and the ids taken at its instant (records arrive in SystemModstamp, Id order). */
  private checkpoint(batch: Batch): PullBatch['checkpoint'] {
    const last = batch.records[batch.records.length - 1];
    const bulk = batch.bulk ? { bulk_locator: batch.bulk.locator, bulk_offset: batch.bulk.offset } : {};
    if (!last) return bulk;
    const instant = modstamp(last);
    const seen = batch.records.filter((r) => modstamp(r) === instant).map((r) => r.Id);
    const moved = this.watermark === null || instant !== Date.parse(this.watermark);
    return { ...bulk, watermark: new Date(instant).toISOString(), reset_seen: moved, seen };
  }

  private async batchDocument(records: SfRecord[], enrichment: Map<string, ReturnType<typeof enrich>>, checkpoint: PullBatch['checkpoint']): Promise<PullBatch> {
    const doc: PullBatch = { updates: [], inserts: [], skipped: [], processed: records.length, checkpoint };
    const candidates: Array<{ record: SfRecord; email: string }> = [];
    for (const record of records) {
      const raw = typeof record.Email === 'string' ? record.Email.trim() : '';
      if (!raw) doc.skipped.push({ salesforce_id: record.Id, reason: 'missing_email', message: `${this.rule.object} ${record.Id} has no email address.` });
      else if (!isValidEmail(raw)) doc.skipped.push({ salesforce_id: record.Id, reason: 'invalid_email', message: `${this.rule.object} ${record.Id} has an invalid email address: ${raw.slice(0, 100)}` });
      else candidates.push({ record, email: normalizeEmail(raw) });
    }
    const matches = await matchLeads(this.deps.db, this.run.org_id, this.idKey, candidates.map((c) => c.record.Id.slice(0, 15)), candidates.map((c) => c.email));
    const byId = new Map<string, string>();
    for (const m of [...matches].sort((a, b) => Number(a.seq) - Number(b.seq))) if (m.sf15 && !byId.has(m.sf15)) byId.set(m.sf15, m.id);
    const byEmail = new Map(matches.filter((m) => m.email).map((m) => [m.email!, m.id]));
    // The last record for a lead (or a new email) wins within the batch, as it would across batches.
    const target = new Map<string, { record: SfRecord; email: string; leadId?: string }>();
    for (const c of candidates) {
      const idMatch = byId.get(c.record.Id.slice(0, 15));
      const emailMatch = byEmail.get(c.email);
      if (idMatch && emailMatch && idMatch !== emailMatch) {
        doc.skipped.push({ salesforce_id: c.record.Id, reason: 'email_conflict', message: `The lead of ${c.record.Id} is ${idMatch}, but another lead (${emailMatch}) already has ${c.email}.` });
        continue;
      }
      const leadId = idMatch ?? emailMatch;
      const key = leadId ?? `new:${c.email}`;
      const earlier = target.get(key);
      if (earlier) doc.skipped.push({ salesforce_id: earlier.record.Id, reason: 'duplicate_email', message: `${earlier.record.Id} and ${c.record.Id} are the same lead (${c.email}); the later record is pulled.` });
      target.set(key, { ...c, leadId });
    }
    for (const { record, email, leadId } of target.values()) {
      const fields: Record<string, unknown> = { ...this.values(record), email, [this.idKey]: record.Id };
      const remove: string[] = [];
      const e = enrichment.get(record.Id);
      if (e) for (const key of ENRICHMENT_FIELDS) if (e[key] === null) remove.push(key);
      else fields[key] = e[key];
      if (leadId) doc.updates.push({ lead_id: leadId, email, fields, remove });
      else doc.inserts.push({ email, fields: Object.fromEntries(Object.entries(fields)) });
    }
    return doc;
  }

  /** The record's values through the mapping rows read in reverse, as LeadSync values; a value that does not fit is left out. */
  private values(record: SfRecord): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const { field, salesforce } of this.mapping) {
      const value = toSparaValue(record[salesforce.name], field.type);
      if (value === undefined) continue;
      const normalized = normalizeValue(field, value);
      if ('value' in normalized) out[field.key] = normalized.value;
    }
    return out;
  }

  /**
   * Account and Owner data for the batch: the records' own relationship fields plus push's batched
   * reads (the same queries and rules) — the other object by email and Accounts by company name —
   * sent together, five to a composite call: one call per batch.
   */
  private async enrichment(records: SfRecord[]): Promise<Map<string, ReturnType<typeof enrich>>> {
    const key = (r: SfRecord) => (typeof r.Email === 'string' ? r.Email.trim().toLowerCase() : '');
    const emails = [...new Set(records.map(key).filter((e) => e && isValidEmail(e)))];
    const lead = this.rule.object === 'Lead';
    const companies = lead ? [...new Set(records.map((r) => (typeof r.Company === 'string' ? r.Company.trim() : '')).filter(Boolean))] : [];
    const others = emails.length ? recordQueries(lead ? 'Contact' : 'Lead', lead ? contactSelect([]) : leadSelect([]), [], emails, READ_CHARS) : [];
    const results = await this.client.queries<SfRecord>([...others, ...accountQueries(companies, READ_CHARS)]);
    const byEmail = new Map<string, SfRecord[]>();
    for (const r of dedupe(results.slice(0, others.length).flat())) if (key(r)) byEmail.set(key(r), [...(byEmail.get(key(r)) ?? []), r]);
    const accounts = dedupe(results.slice(others.length).flat()) as unknown as SfAccount[];
    const newest = (list: SfRecord[]) => [...list].sort((a, b) => String(b.CreatedDate ?? '').localeCompare(String(a.CreatedDate ?? '')))[0];
    const out = new Map<string, ReturnType<typeof enrich>>();
    for (const r of records) {
      const found = byEmail.get(key(r)) ?? [];
      let source: EnrichmentInput;
      if (lead) {
        const contact = newest(found);
        source = {
          company: typeof r.Company === 'string' ? r.Company : null,
          lead: { IsConverted: false, Owner: r.Owner as never, ConvertedAccount: null, ConvertedContact: null },
          contact: contact ? { Owner: contact.Owner as never, Account: contact.Account as never } : null,
        };
      } else {
        // A Contact's own Account and owner; a converted Lead with the email names the Account first.
        const match = newest(found.filter((l) => l.IsConverted === true)) ?? newest(found);
        source = {
          company: null,
          lead: match ? { IsConverted: match.IsConverted === true, Owner: match.Owner as never, ConvertedAccount: match.ConvertedAccount as never, ConvertedContact: { Owner: r.Owner as never } } : null,
          contact: { Owner: r.Owner as never, Account: r.Account as never },
        };
      }
      if (!pickAccount(source)) source.accountsByName = accounts;
      out.set(r.Id, enrich(source));
    }
    return out;
  }
}

/**
 * The next batch is read (Salesforce's answer, the CSV parsed) while the current one is stored: at
 * most two batches in memory, the network and the database busy at once.
 */
async function* readAhead<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = source.next();
  // A failure while the current batch is stored surfaces when the next one is awaited.
  next.catch(() => {});
  for (;;) {
    const { value, done } = await next;
    if (done) return;
    next = source.next();
    next.catch(() => {});
    yield value;
  }
}

/** SystemModstamp as epoch milliseconds (REST `…+0000`, Bulk CSV `…Z`). */
function modstamp(record: SfRecord): number {
  return Date.parse(String(record.SystemModstamp).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** A Salesforce value as the LeadSync type wants it; undefined for no value (a pull never blanks a field). */
export function toSparaValue(value: unknown, type: FieldDefinition['type']): string | number | boolean | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  switch (type) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      return value === true || value === 'true' ? true : value === false || value === 'false' ? false : undefined;
    case 'date':
      return String(value).slice(0, 10);
    case 'datetime': {
      const ms = Date.parse(String(value).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
      return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
    }
    default:
      return typeof value === 'object' ? undefined : String(value);
  }
}

/**
 * A Bulk CSV row as REST would give the record: dotted columns nested (`Owner.Name` → `Owner: {Name}`),
 * empty cells null (a relationship with no values null), `true`/`false` booleans.
 */
export function fromCsvRow(row: Record<string, string>): SfRecord {
  const out: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(row)) {
    const value = raw === '' ? null : raw === 'true' ? true : raw === 'false' ? false : raw;
    const path = column.split('.');
    let node = out;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]] = value;
  }
  const prune = (node: Record<string, unknown>): Record<string, unknown> | null => {
    let any = false;
    for (const [k, v] of Object.entries(node)) {
      if (v && typeof v === 'object') node[k] = prune(v as Record<string, unknown>);
      if (node[k] !== null) any = true;
    }
    return any ? node : null;
  };
  for (const [k, v] of Object.entries(out)) if (v && typeof v === 'object') out[k] = prune(v as Record<string, unknown>);
  return out as SfRecord;
}
