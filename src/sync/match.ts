/**
 * The batched reads of a push: one SOQL family per object for a whole batch — stored ids, emails,
 * and company names — with the Owner and Account relationship fields that enrichment needs in the
 * same queries. Never one query per lead.
 */
import type { OrgClient } from '../salesforce/client.ts';
import { inListQueries } from '../salesforce/soql.ts';
import type { FieldInfo, SfRecord } from './plan.ts';

const OWNER = ['Id', 'Name', 'Email', 'IsActive'];
const rel = (prefix: string, fields: readonly string[]) => fields.map((f) => `${prefix}.${f}`);

/** Lead fields read for matching, writing (current values) and enrichment. */
export function leadSelect(mapped: readonly string[]): string[] {
  return unique([
    'Id', 'Email', 'CreatedDate', 'IsConverted', 'ConvertedContactId', 'ConvertedAccountId', 'OwnerId',
    ...rel('Owner', [...OWNER, 'Type']),
    'ConvertedAccount.Id', 'ConvertedAccount.Name', 'ConvertedAccount.Website', 'ConvertedAccount.CreatedDate',
    ...rel('ConvertedAccount.Owner', OWNER),
    ...mapped,
  ]);
}

/** What a just-created Lead is read back for: its owner (it is not converted, and has no Account yet). */
export const CREATED_LEAD_SELECT = ['Id', 'IsConverted', ...rel('Owner', [...OWNER, 'Type'])];

export function contactSelect(mapped: readonly string[]): string[] {
  return unique([
    'Id', 'Email', 'CreatedDate', 'AccountId', 'OwnerId',
    ...rel('Owner', OWNER),
    'Account.Id', 'Account.Name', 'Account.Website', 'Account.CreatedDate',
    ...rel('Account.Owner', OWNER),
    ...mapped,
  ]);
}

export const ACCOUNT_SELECT = ['Id', 'Name', 'Website', 'CreatedDate', ...rel('Owner', OWNER)];

function unique(fields: readonly string[]): string[] {
  const seen = new Set<string>();
  return fields.filter((f) => !seen.has(f.toLowerCase()) && seen.add(f.toLowerCase()));
}

/** Mapped fields that exist in describe (current values are needed to skip no-op writes). */
export function mappedFields(rows: ReadonlyArray<{ salesforce_field: string; flagged?: string }>, describe: ReadonlyMap<string, FieldInfo>): string[] {
  return rows.filter((r) => !r.flagged).map((r) => describe.get(r.salesforce_field.toLowerCase())?.name).filter((n): n is string => n !== undefined);
}

export interface ReadOptions {
  /** Send the queries as one Composite request (one API call) instead of one call each. */
  composite?: boolean;
  maxChars?: number;
}

async function run(client: OrgClient, queries: readonly string[], options: ReadOptions = {}): Promise<SfRecord[]> {
  if (options.composite) return (await client.queries<SfRecord>(queries)).flat();
  const out: SfRecord[] = [];
  for (const q of queries) out.push(...(await client.query<SfRecord>(q)));
  return out;
}

/** Records once each (a record found by id and by email comes back twice). */
export const dedupe = (records: SfRecord[]) => [...new Map(records.map((r) => [r.Id, r])).values()];
const where = (select: readonly string[], object: string, clause: string) => (list: string) => `SELECT ${select.join(', ')} FROM ${object} WHERE ${clause} IN (${list})`;

/**
 * The queries that read Leads or Contacts by stored ids and by emails, IN lists split to fit
 * `maxChars` (default: what a query URL allows; Pull sends them in a composite body, where longer fit).
 */
export function recordQueries(object: 'Lead' | 'Contact', select: readonly string[], ids: readonly string[], emails: readonly string[], maxChars?: number): string[] {
  return [...inListQueries(ids, where(select, object, 'Id'), maxChars), ...inListQueries(emails, where(select, object, 'Email'), maxChars)];
}

/** The queries that read Accounts by name (step 3 of the Account priority). */
export function accountQueries(names: readonly string[], maxChars?: number): string[] {
  return inListQueries(names, where(ACCOUNT_SELECT, 'Account', 'Name'), maxChars);
}

export async function fetchLeads(client: OrgClient, select: readonly string[], ids: readonly string[], emails: readonly string[], options: ReadOptions = {}): Promise<SfRecord[]> {
  return dedupe(await run(client, recordQueries('Lead', select, ids, emails, options.maxChars), options));
}

export async function fetchContacts(client: OrgClient, select: readonly string[], ids: readonly string[], emails: readonly string[], options: ReadOptions = {}): Promise<SfRecord[]> {
  return dedupe(await run(client, recordQueries('Contact', select, ids, emails, options.maxChars), options));
}

export async function fetchAccountsByName(client: OrgClient, names: readonly string[], options: ReadOptions = {}): Promise<SfRecord[]> {
  return dedupe(await run(client, accountQueries(names, options.maxChars), options));
}

/** IN lists of queries sent in a composite's body: far longer than a query URL allows (SOQL's own limit is 100,000 characters). */
export const BODY_QUERY_CHARS = 90_000;

export interface BatchReadSpec {
  leadSelect: readonly string[];
  contactSelect: readonly string[];
  leadIds: readonly string[];
  contactIds: readonly string[];
  emails: readonly string[];
  /** Company names, for Accounts by name (step 3 of the Account priority). */
  companies: readonly string[];
}

export interface BatchReads {
  leads: SfRecord[];
  contacts: SfRecord[];
  accounts: SfRecord[];
}

/**
 * A push batch's reads as one Composite request — one API call while each family fits one query,
 * as a batch of 200 leads does: Leads by stored id and by email, Contacts by stored id and by email,
 * Accounts by company name. Contacts that matched Leads were converted into, and that neither list
 * found, are read after (a second call, only then).
 */
export async function readBatch(client: OrgClient, spec: BatchReadSpec): Promise<BatchReads> {
  const families: Array<[keyof BatchReads, string[]]> = [
    ['leads', recordQueries('Lead', spec.leadSelect, spec.leadIds, spec.emails, BODY_QUERY_CHARS)],
    ['contacts', recordQueries('Contact', spec.contactSelect, spec.contactIds, spec.emails, BODY_QUERY_CHARS)],
    ['accounts', accountQueries(spec.companies, BODY_QUERY_CHARS)],
  ];
  const tags = families.flatMap(([family, queries]) => queries.map(() => family));
  const answers = await client.queries<SfRecord>(families.flatMap(([, queries]) => queries));
  const out: BatchReads = { leads: [], contacts: [], accounts: [] };
  answers.forEach((records, n) => out[tags[n]].push(...records));
  const seen = new Set(out.contacts.map((c) => c.Id.slice(0, 15)));
  const converted = out.leads.map((l) => l.ConvertedContactId).filter((id): id is string => typeof id === 'string' && !seen.has(id.slice(0, 15)));
  if (converted.length > 0) out.contacts.push(...(await fetchContacts(client, spec.contactSelect, converted, [], { composite: true, maxChars: BODY_QUERY_CHARS })));
  return { leads: dedupe(out.leads), contacts: dedupe(out.contacts), accounts: dedupe(out.accounts) };
}
