/**
 * Org data to start from. `empty`: only the admin user. `demo`: a realistic small org — users (one
 * inactive), a lead queue, accounts with owners and websites, contacts, and leads of which some are
 * converted and some sit in the queue. Deterministic: a seeded generator, fixed dates.
 */
import { insertRecord } from './dml.ts';
import type { SRecord } from './interfaces.ts';
import type { SandboxState } from './state.ts';
import type { WriteContext } from './validate.ts';
import { seededRandom } from './random.ts';

export type SeedName = 'demo' | 'empty';

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger', 'Radia', 'Donald', 'Hedy', 'John', 'Katherine', 'Tim', 'Sophie', 'Niklaus', 'Anita', 'Guido'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman', 'Knuth', 'Lamarr', 'McCarthy', 'Johnson', 'Berners-Lee', 'Wilson', 'Wirth', 'Borg', 'van Rossum'];
const WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne', 'Soylent', 'Aperture', 'Massive', 'Dynamic', 'Pied', 'Piper', 'Oscorp', 'Nakatomi', 'Gringotts'];
const SUFFIX = ['Inc', 'Corp', 'Labs', 'Group', 'Systems', 'Partners', 'Industries', 'Holdings', 'Works', 'Co'];
const INDUSTRIES = ['Technology', 'Finance', 'Healthcare', 'Retail', 'Manufacturing', 'Education', 'Media', 'Consulting'];
const SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
const STATUSES = ['Open - Not Contacted', 'Working - Contacted', 'Closed - Not Converted'];
const TITLES = ['CEO', 'CTO', 'VP Sales', 'Head of Marketing', 'Engineer', 'Product Manager', 'Operations Lead', 'Buyer'];


const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** Loads a seed into an empty store. Returns the admin user's id. */
export function seed(state: SandboxState, name: SeedName): string {
  const dml = state.dml();
  // Seeded records are dated in the past, a day apart, so "most recently created" is well defined.
  const base = Date.UTC(2026, 0, 1, 9, 0, 0);
  let tick = 0;
  const at = () => new Date(base + tick++ * 60_000);
  const admin = (userId: string): WriteContext => ({ userId, now: at(), allowDuplicates: true, admin: true });
  const put = (type: string, fields: Record<string, unknown>, userId: string): SRecord => insertRecord(dml, state.store.describe(type)!, fields, admin(userId));

  // Every org has these profiles; users need one.
  const adminProfile = put('Profile', { Name: 'System Administrator', UserType: 'Standard', Description: 'Full access' }, '');
  put('Profile', { Name: 'Standard User', UserType: 'Standard' }, '');
  // The admin creates itself: its CreatedById is its own id, set once the id exists.
  const adminUser = put('User', { ProfileId: adminProfile.Id, Username: state.config.username, LastName: 'Admin', FirstName: 'Sandbox', Email: state.config.username, Alias: 'sadmin', Title: 'System Administrator', CompanyName: 'LeadSync Sandbox' }, '');
  state.store.update(state.store.describe('User')!, adminUser, { CreatedById: adminUser.Id, LastModifiedById: adminUser.Id });
  state.adminUserId = adminUser.Id;
  if (name === 'empty') return adminUser.Id;

  const r = seededRandom(20261128);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const a = adminUser.Id;

  const director = put('UserRole', { Name: 'Sales Director', DeveloperName: 'Sales_Director' }, a);
  const executive = put('UserRole', { Name: 'Account Executive', DeveloperName: 'Account_Executive', ParentRoleId: director.Id }, a);
  const zones = ['America/Los_Angeles', 'America/New_York', 'Europe/London', 'Europe/Berlin'];
  const reps: SRecord[] = [];
  for (let i = 0; i < 9; i++) {
    const first = FIRST[i];
    const last = LAST[i];
    reps.push(
      put('User', {
        Username: `${slug(first)}.${slug(last)}@sandbox.example`,
        FirstName: first,
        LastName: last,
        Email: `${slug(first)}.${slug(last)}@sandbox.example`,
        Alias: (first.slice(0, 1) + last).slice(0, 8).toLowerCase(),
        Title: i === 0 ? 'Sales Director' : 'Account Executive',
        Department: 'Sales',
        UserRoleId: i === 0 ? director.Id : executive.Id,
        ...(i === 0 ? {} : { ManagerId: reps[0].Id }),
        TimeZoneSidKey: zones[i % zones.length],
        // One rep has left the company: records they own must not be assigned to them.
        IsActive: i !== 8,
        CompanyName: 'LeadSync Sandbox',
      }, a),
    );
  }
  const active = reps.filter((u) => u.IsActive !== false);
  const queue = put('Group', { Name: 'Inbound Lead Queue', DeveloperName: 'Inbound_Lead_Queue', Type: 'Queue', Email: 'inbound-queue@sandbox.example' }, a);

  const accounts: SRecord[] = [];
  for (let i = 0; i < 50; i++) {
    const name = `${WORDS[i % WORDS.length]} ${SUFFIX[Math.floor(i / WORDS.length) * 3 + (i % 3)] ?? pick(SUFFIX)}`;
    accounts.push(
      put('Account', {
        Name: name,
        Website: `https://www.${slug(name)}.example`,
        Industry: pick(INDUSTRIES),
        Type: pick(['Prospect', 'Customer - Direct', 'Technology Partner']),
        NumberOfEmployees: 10 + Math.floor(r() * 5000),
        BillingCountry: pick(['United States', 'Germany', 'United Kingdom', 'France', 'Canada']),
        Phone: `+1 555 01${String(i).padStart(2, '0')}`,
        // Every fifth account belongs to the inactive rep, to exercise "owner is not active".
        OwnerId: i % 5 === 4 ? reps[8].Id : active[i % active.length].Id,
      }, a),
    );
  }

  // 175 here and one per converted lead below: 200 contacts in all.
  const contacts: SRecord[] = [];
  for (let i = 0; i < 175; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const acct = accounts[i % accounts.length];
    contacts.push(
      put('Contact', {
        FirstName: first,
        LastName: last,
        Email: `${slug(first)}.${slug(last)}.${i}@${slug(String(acct.Name))}.example`,
        Title: pick(TITLES),
        Phone: `+1 555 02${String(i).padStart(3, '0')}`,
        LeadSource: pick(SOURCES),
        AccountId: acct.Id,
        OwnerId: active[i % active.length].Id,
      }, a),
    );
  }

  const leadType = state.store.describe('Lead')!;
  for (let i = 0; i < 300; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const company = i % 10 === 0 ? String(accounts[i % 50].Name) : `${pick(WORDS)} ${pick(SUFFIX)}`;
    const owner = i % 7 === 0 ? queue.Id : active[i % active.length].Id;
    const lead = put('Lead', {
      FirstName: first,
      LastName: last,
      Company: company,
      Email: `${slug(first)}.${slug(last)}.${i}@${slug(company)}.example`,
      Title: pick(TITLES),
      Phone: `+1 555 03${String(i).padStart(3, '0')}`,
      LeadSource: pick(SOURCES),
      Status: pick(STATUSES),
      Industry: pick(INDUSTRIES),
      OwnerId: owner,
    }, a);
    // Every twelfth lead was converted into an existing account and a new contact.
    if (i % 12 === 5) {
      const acct = accounts[(i * 7) % accounts.length];
      const contact = put('Contact', { FirstName: first, LastName: last, Email: lead.Email, Title: lead.Title, Phone: lead.Phone, AccountId: acct.Id, OwnerId: active[i % active.length].Id }, a);
      state.store.update(leadType, lead, {
        IsConverted: true,
        Status: 'Closed - Converted',
        ConvertedDate: String(lead.CreatedDate).slice(0, 10),
        ConvertedAccountId: acct.Id,
        ConvertedContactId: contact.Id,
        OwnerId: active[i % active.length].Id,
      });
    }
  }
  // New Leads created through the API are spread over the active reps, in turn.
  state.rules.setAssignment('Lead', { active: true, entries: [{ owner_ids: active.map((u) => u.Id) }] });
  return a;
}
