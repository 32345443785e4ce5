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

/**
 * How a caller wants its reads sent. Default: one GET per query, IN lists sized for the query URL.
 * `composite`: five queries per composite call, IN lists up to `maxChars` (Pull reads thousands of
 * emails per batch: far fewer calls).
 */
export interface ReadOptions {
  composite?: boolean;
  maxChars?: number;
}

async function run(client: OrgClient, queries: readonly string[], options: ReadOptions = {}): Promise<SfRecord[]> {
  if (options.composite) return (await client.queries<SfRecord>(queries)).flat();
  const out: SfRecord[] = [];
  for (const q of queries) out.push(...(await client.query<SfRecord>(q)));
  return out;
}

const dedupe = (records: SfRecord[]) => [...new Map(records.map((r) => [r.Id, r])).values()];
const where = (select: readonly string[], object: string, clause: string) => (list: string) => `SELECT ${select.join(', ')} FROM ${object} WHERE ${clause} IN (${list})`;

export async function fetchLeads(client: OrgClient, select: readonly string[], ids: readonly string[], emails: readonly string[], options: ReadOptions = {}): Promise<SfRecord[]> {
  const list = (values: readonly string[], field: string) => inListQueries(values, where(select, 'Lead', field), options.maxChars);
  return dedupe(await run(client, [...list(ids, 'Id'), ...list(emails, 'Email')], options));
}

export async function fetchContacts(client: OrgClient, select: readonly string[], ids: readonly string[], emails: readonly string[], options: ReadOptions = {}): Promise<SfRecord[]> {
  const list = (values: readonly string[], field: string) => inListQueries(values, where(select, 'Contact', field), options.maxChars);
  return dedupe(await run(client, [...list(ids, 'Id'), ...list(emails, 'Email')], options));
}

export async function fetchAccountsByName(client: OrgClient, names: readonly string[], options: ReadOptions = {}): Promise<SfRecord[]> {
  return dedupe(await run(client, inListQueries(names, where(ACCOUNT_SELECT, 'Account', 'Name'), options.maxChars), options));
}
