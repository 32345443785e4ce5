/**
 * Salesforce Account and Owner data for a lead (sync-semantics.md, "Salesforce Account and Owner
 * data"). PURE: the rules over records the batched match queries already read — no I/O.
 */

/** An owner as SOQL returns it through the polymorphic `Owner` relationship. */
export interface SfOwner {
  Id: string;
  Name?: string | null;
  Email?: string | null;
  IsActive?: boolean | null;
  /** `User` or `Queue` on the polymorphic owner; undefined when read through a User-only lookup. */
  Type?: string | null;
}

export interface SfAccount {
  Id: string;
  Name?: string | null;
  Website?: string | null;
  CreatedDate?: string | null;
  Owner?: SfOwner | null;
}

export interface EnrichmentInput {
  /** The lead's `company` field. */
  company?: string | null;
  /** The lead's Salesforce Lead (stored id or by email; converted Leads count here). */
  lead?: {
    IsConverted?: boolean | null;
    Owner?: SfOwner | null;
    ConvertedAccount?: SfAccount | null;
    /** The converted lead's Contact, with its owner. */
    ConvertedContact?: { Owner?: SfOwner | null } | null;
  } | null;
  /** The most recently created Contact with the lead's email. */
  contact?: { Owner?: SfOwner | null; Account?: SfAccount | null } | null;
  /** Accounts whose Name equals the company (case-insensitive), any order. */
  accountsByName?: readonly SfAccount[];
  /**
   * The connected Salesforce user (the integration user LeadSync writes as). It owns what LeadSync
   * creates until assignment rules or a person reassign it: nobody's sales rep.
   */
  integrationUserId?: string | null;
}

export const ENRICHMENT_FIELDS = [
  'salesforce_account_id',
  'salesforce_account_name',
  'salesforce_account_owner_email',
  'salesforce_account_owner_id',
  'salesforce_account_owner_name',
  'salesforce_account_website',
  'salesforce_assigned_sales_rep_id',
  'salesforce_assigned_sales_rep_name',
  'salesforce_assigned_sales_rep_email',
] as const;
export type EnrichmentField = (typeof ENRICHMENT_FIELDS)[number];
/** Every enrichment field; `null` means Salesforce has no value now and the stored one is cleared. */
export type Enrichment = Record<EnrichmentField, string | null>;

/** An owner that may be named as a rep: an active User, never a Queue. */
export function isActiveUser(owner: SfOwner | null | undefined): owner is SfOwner {
  if (!owner || !owner.Id) return false;
  if (owner.Type && owner.Type !== 'User') return false;
  if (!owner.Id.startsWith('005')) return false;
  return owner.IsActive === true;
}

const newest = (accounts: readonly SfAccount[]) =>
  [...accounts].sort((a, b) => String(b.CreatedDate ?? '').localeCompare(String(a.CreatedDate ?? '')) || b.Id.localeCompare(a.Id))[0];

/** The Account by the seed's priority: converted lead → newest Contact with the email → company name. */
export function pickAccount(input: EnrichmentInput): SfAccount | undefined {
  if (input.lead?.IsConverted && input.lead.ConvertedAccount?.Id) return input.lead.ConvertedAccount;
  if (input.contact?.Account?.Id) return input.contact.Account;
  const company = input.company?.trim().toLowerCase();
  if (!company) return undefined;
  const named = (input.accountsByName ?? []).filter((a) => (a.Name ?? '').trim().toLowerCase() === company);
  return named.length > 0 ? newest(named) : undefined;
}

/**
 * The assigned rep: the matched Contact's owner, else the unconverted Lead's, else the converted
 * lead's Contact's. The integration user is skipped (the next source is tried); the first other
 * owner decides — an inactive user or a queue there means no rep.
 */
export function pickRep(input: EnrichmentInput): SfOwner | undefined {
  const candidates = [input.contact?.Owner, input.lead && !input.lead.IsConverted ? input.lead.Owner : undefined, input.lead?.IsConverted ? input.lead.ConvertedContact?.Owner : undefined];
  const integration = input.integrationUserId ? input.integrationUserId.slice(0, 15) : undefined;
  const owner = candidates.find((o) => o?.Id && o.Id.slice(0, 15) !== integration);
  return isActiveUser(owner) ? owner : undefined;
}

export function enrich(input: EnrichmentInput): Enrichment {
  const account = pickAccount(input);
  const accountOwner = account?.Owner;
  const rep = pickRep(input);
  const activeOwner = isActiveUser(accountOwner) ? accountOwner : undefined;
  return {
    salesforce_account_id: account?.Id ?? null,
    salesforce_account_name: account?.Name ?? null,
    salesforce_account_owner_email: accountOwner?.Email ?? null,
    salesforce_account_owner_id: activeOwner?.Id ?? null,
    salesforce_account_owner_name: activeOwner?.Name ?? null,
    salesforce_account_website: account?.Website ?? null,
    salesforce_assigned_sales_rep_id: rep?.Id ?? null,
    salesforce_assigned_sales_rep_name: rep?.Name ?? null,
    salesforce_assigned_sales_rep_email: rep?.Email ?? null,
  };
}
