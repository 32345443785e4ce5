/**
 * Mass data for pull benchmarks: `POST /__sandbox/generate/{T}` inserts many realistic Leads,
 * Contacts or Accounts at once. Records are built directly (an admin insert without per-record
 * validation: the template is validated once) and hold only their values; strings that repeat
 * (first and last names, companies, titles, datestamps) are shared, so 100,000 Leads cost tens of MB.
 * Dates are spread over a window, increasing with the id, and some records share one
 * SystemModstamp second, so incremental pulls meet ties.
 */
import type { ObjectDef, SRecord } from './interfaces.ts';
import { seededRandom } from './random.ts';
import type { SandboxState } from './state.ts';
import { canonicalReferences, prepare, sfDateTime } from './validate.ts';

export const GENERATABLE = ['Lead', 'Contact', 'Account'];
export const MAX_GENERATE = 1_000_000;

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger', 'Radia', 'Donald', 'Hedy', 'John', 'Katherine', 'Tim', 'Sophie', 'Niklaus', 'Anita', 'Guido', 'Joan', 'Leslie', 'Shafi', 'Whitfield', 'Mary', 'Carl', 'Evelyn', 'Ivan', 'Jean', 'Kristen'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman', 'Knuth', 'Lamarr', 'McCarthy', 'Johnson', 'Berners-Lee', 'Wilson', 'Wirth', 'Borg', 'van Rossum', 'Clarke', 'Lamport', 'Goldwasser', 'Diffie', 'Keller', 'Sagan', 'Boyd', 'Sutherland', 'Sammet', 'Nygaard'];
const WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne', 'Soylent', 'Aperture', 'Massive', 'Dynamic', 'Pied Piper', 'Oscorp', 'Nakatomi', 'Gringotts', 'Monarch', 'Blue Sun', 'Prestige', 'Sirius', 'Virtucon', 'Zorg'];
const SUFFIX = ['Inc', 'Corp', 'Labs', 'Group', 'Systems', 'Partners', 'Industries', 'Holdings', 'Works', 'Co'];
const TITLES = ['CEO', 'CTO', 'VP Sales', 'Head of Marketing', 'Engineer', 'Product Manager', 'Operations Lead', 'Buyer', 'CFO', 'Office Manager'];
const SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
const STATUSES = ['Open - Not Contacted', 'Working - Contacted', 'Closed - Not Converted'];
const INDUSTRIES = ['Technology', 'Finance', 'Healthcare', 'Retail', 'Manufacturing', 'Education', 'Media', 'Consulting'];
const RATINGS = ['Hot', 'Warm', 'Cold'];
const PLACES: Array<[string, string]> = [['San Francisco', 'United States'], ['New York', 'United States'], ['Berlin', 'Germany'], ['London', 'United Kingdom'], ['Paris', 'France'], ['Toronto', 'Canada'], ['Madrid', 'Spain'], ['Sydney', 'Australia']];
const ACCOUNT_TYPES = ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Technology Partner'];

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

export interface GenerateOptions {
  count: number;
  template: Record<string, unknown>;
  /** The window the records' CreatedDate falls in (default: the 30 days before now). */
  from?: Date;
  to?: Date;
}

/** A string cache: equal strings built per record (full names, companies) are stored once. */
function interner(): (s: string) => string {
  const m = new Map<string, string>();
  return (s) => {
    const hit = m.get(s);
    if (hit !== undefined) return hit;
    m.set(s, s);
    return s;
  };
}

/** Inserts `count` generated records; returns their first and last ids and the date window covered. */
export function generate(state: SandboxState, o: ObjectDef, opts: GenerateOptions): { count: number; first_id: string | null; last_id: string | null; from: string; to: string } {
  const store = state.store;
  const ctx = { userId: state.adminUserId, now: new Date(), allowDuplicates: true, admin: true };
  const { values: template } = prepare(store, o, opts.template, undefined, ctx);
  canonicalReferences(o, template);
  const to = opts.to ?? new Date();
  const from = opts.from ?? new Date(to.getTime() - 30 * 86_400_000);
  const rand = seededRandom(store.count(o.name) + 7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const intern = interner();

  const owners: string[] = [];
  for (const u of store.scan('User')) if (u.IsActive !== false && u.IsDeleted !== true) owners.push(u.Id);
  const accounts: SRecord[] = [];
  if (o.name === 'Contact') for (const a of store.scan('Account')) if (a.IsDeleted !== true) accounts.push(a);

  // Creation seconds: one "tick" per record, but every tenth tick holds 2–5 records (a shared second).
  const ticks: number[] = [];
  for (let t = 0, n = 0; n < opts.count; t++) {
    const size = t % 10 === 9 ? 2 + (t % 4) : 1;
    for (let k = 0; k < size && n < opts.count; k++, n++) ticks.push(t);
  }
  const lastTick = Math.max(1, ticks[ticks.length - 1] ?? 1);
  const span = Math.max(0, to.getTime() - from.getTime());
  let stampMs = -1;
  let stamp = '';
  const dateAt = (ms: number) => {
    const sec = Math.floor(ms / 1000) * 1000;
    if (sec !== stampMs) {
      stampMs = sec;
      stamp = sfDateTime(new Date(sec));
    }
    return stamp;
  };
  const base = store.count(o.name);
  let firstId: string | null = null;
  let lastId: string | null = null;
  for (let i = 0; i < opts.count; i++) {
    const tick = ticks[i];
    const createdMs = from.getTime() + Math.floor((span * tick) / lastTick);
    const created = dateAt(createdMs);
    // A record alone in its second is sometimes modified later (but never after the window).
    const shared = (i > 0 && ticks[i - 1] === tick) || ticks[i + 1] === tick;
    let modified = created;
    if (!shared && i % 5 === 2) {
      const ms = Math.min(to.getTime(), createdMs + ((i % 7) + 1) * 3_600_000);
      modified = sfDateTime(new Date(ms - (ms % 1000)));
    }
    const n = base + i;
    const first = pick(FIRST);
    const last = pick(LAST);
    const word = pick(WORDS);
    const company = intern(`${word} ${pick(SUFFIX)}`);
    const owner = owners.length ? owners[i % owners.length] : state.adminUserId;
    const id = store.ids.next(o.keyPrefix);
    const admin = state.adminUserId;
    // Object literals with the keys in one fixed order per type (no spreads): V8 then shares one
    // hidden class and keeps the values in-object, about 8 bytes a field.
    let rec: SRecord;
    if (o.name === 'Lead') {
      const [city, country] = pick(PLACES);
      rec = {
        Id: id,
        IsDeleted: false,
        CreatedDate: created,
        CreatedById: admin,
        LastModifiedDate: modified,
        LastModifiedById: admin,
        SystemModstamp: modified,
        FirstName: first,
        LastName: last,
        Name: intern(`${first} ${last}`),
        Company: company,
        Email: `${slug(first)}.${slug(last)}.${n}@${slug(word)}.example`,
        Title: pick(TITLES),
        Phone: `+1 555 ${String(n % 10_000_000).padStart(7, '0')}`,
        LeadSource: pick(SOURCES),
        Status: pick(STATUSES),
        Industry: pick(INDUSTRIES),
        Rating: pick(RATINGS),
        City: city,
        Country: country,
        NumberOfEmployees: 1 + Math.floor(rand() * 5000),
        OwnerId: owner,
        IsConverted: false,
        IsUnreadByOwner: true,
        HasOptedOutOfEmail: false,
        HasOptedOutOfFax: false,
        DoNotCall: false,
      };
    } else if (o.name === 'Contact') {
      const acct = accounts.length ? accounts[i % accounts.length] : undefined;
      rec = {
        Id: id,
        IsDeleted: false,
        CreatedDate: created,
        CreatedById: admin,
        LastModifiedDate: modified,
        LastModifiedById: admin,
        SystemModstamp: modified,
        FirstName: first,
        LastName: last,
        Name: intern(`${first} ${last}`),
        Email: `${slug(first)}.${slug(last)}.${n}@${slug(word)}.example`,
        Title: pick(TITLES),
        Phone: `+1 555 ${String(n % 10_000_000).padStart(7, '0')}`,
        LeadSource: pick(SOURCES),
        AccountId: acct ? acct.Id : null,
        OwnerId: owner,
        IsEmailBounced: false,
        HasOptedOutOfEmail: false,
        HasOptedOutOfFax: false,
        DoNotCall: false,
      };
    } else {
      const [city, country] = pick(PLACES);
      const name = `${company} ${n}`;
      rec = {
        Id: id,
        IsDeleted: false,
        CreatedDate: created,
        CreatedById: admin,
        LastModifiedDate: modified,
        LastModifiedById: admin,
        SystemModstamp: modified,
        Name: name,
        Website: `https://www.${slug(name)}.example`,
        Industry: pick(INDUSTRIES),
        Type: pick(ACCOUNT_TYPES),
        BillingCity: city,
        BillingCountry: country,
        NumberOfEmployees: 1 + Math.floor(rand() * 5000),
        OwnerId: owner,
      };
    }
    // Booleans are stored (never null); other fields only when they have a value.
    for (const f of o.fields.values()) if (f.type === 'boolean' && !(f.name in rec)) rec[f.name] = false;
    for (const k in template) rec[k] = template[k];
    if ('FirstName' in template || 'LastName' in template) rec.Name = [rec.FirstName, rec.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ');
    store.insert(o, rec);
    firstId ??= id;
    lastId = id;
  }
  return { count: opts.count, first_id: firstId, last_id: lastId, from: sfDateTime(from), to: sfDateTime(to) };
}
