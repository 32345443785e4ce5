import { beforeAll, describe, expect, it } from 'vitest';
import { SalesforceError } from '../interfaces.ts';
import type { SRecord } from '../interfaces.ts';
import { executeSoql, parsedQueryCacheSize } from './index.ts';
import { encodeString } from './literals.ts';
import { TestStore } from './test-store.ts';

const NOW = new Date(Date.UTC(2026, 10, 25, 15, 30)); // Wednesday
const opts = { includeDeleted: false, apiVersion: '62.0', now: NOW };

function fixture() {
  const s = new TestStore();
  const sam = s.insert('User', { FirstName: 'Sam', LastName: 'Ray', Email: 'sam@acme.test', IsActive: true, Alias: 'sray', Username: 'sam@acme.test.org', Title: 'AE' });
  const old = s.insert('User', { FirstName: 'Olga', LastName: 'Old', Email: 'olga@acme.test', IsActive: false });
  const queue = s.insert('Group', { Name: 'Inbound Queue', Type: 'Queue', Email: 'queue@acme.test' });
  const acme = s.insert('Account', { Name: 'Acme', OwnerId: sam.Id, Website: 'acme.test' });
  const beta = s.insert('Account', { Name: 'Beta Corp', OwnerId: old.Id });
  const orphan = s.insert('Account', { Name: 'Orphan' });
  const cAnn = s.insert('Contact', { FirstName: 'Ann', LastName: 'Lee', Email: 'ann@x.test', AccountId: acme.Id, OwnerId: sam.Id });
  const cBob = s.insert('Contact', { FirstName: 'Bob', LastName: "O'Brien", Email: 'bob@x.test', AccountId: orphan.Id, OwnerId: old.Id });
  const L = (f: Record<string, unknown>) => s.insert('Lead', { Company: 'Co', IsConverted: false, ...f });
  const leads = {
    l1: L({ FirstName: 'Alice', LastName: 'Zed', Email: 'Alice@Example.com', OwnerId: sam.Id, NumberOfEmployees: 10, Status: 'Open', CreatedDate: '2026-11-25T09:00:00.000Z', Interests__c: 'chat;email' }),
    l2: L({ FirstName: 'bob', LastName: 'Young', Email: 'bob@example.com', OwnerId: queue.Id, NumberOfEmployees: 250, Status: 'Working', CreatedDate: '2026-11-24T23:59:59.000Z', Interests__c: 'phone' }),
    l3: L({ FirstName: 'Carl', LastName: 'Xu', Email: null, OwnerId: old.Id, NumberOfEmployees: null, Status: 'Open', CreatedDate: '2026-10-01T00:00:00.000Z', Company: '100% Pure_Co' }),
    l4: L({ FirstName: 'Dana', LastName: "D'Arcy", Email: 'dana@example.com', OwnerId: sam.Id, NumberOfEmployees: 5, Status: 'Closed', IsConverted: true, ConvertedDate: '2026-11-20', ConvertedAccountId: acme.Id, ConvertedContactId: cAnn.Id, CreatedDate: '2025-06-01T12:00:00.000Z' }),
    l5: L({ FirstName: 'Eve', LastName: 'Back\\slash', Email: 'eve@example.com', OwnerId: sam.Id, IsDeleted: true, CreatedDate: '2026-11-26T00:00:00.000Z' }),
  };
  return { s, sam, old, queue, acme, beta, orphan, cAnn, cBob, leads };
}

const ids = (r: { records: Array<Record<string, unknown>> }) => r.records.map((x) => x.Id);
const names = (r: { records: Array<Record<string, unknown>> }) => r.records.map((x) => x.FirstName);

describe('WHERE', () => {
  const f = fixture();
  const run = (where: string) => names(executeSoql(`SELECT Id, FirstName FROM Lead WHERE ${where} ORDER BY FirstName`, f.s, opts));
  it.each([
    ["Email = 'alice@example.com'", ['Alice']],
    ["Email = 'ALICE@EXAMPLE.COM'", ['Alice']],
    ["Email != 'alice@example.com'", ['bob', 'Carl', 'Dana']],
    ["Email <> 'alice@example.com'", ['bob', 'Carl', 'Dana']],
    ['Email = null', ['Carl']],
    ["Email = ''", ['Carl']],
    ['Email != null', ['Alice', 'bob', 'Dana']],
    ["Email IN ('bob@example.com', 'DANA@example.com', 'nobody@x.test')", ['bob', 'Dana']],
    ["Email NOT IN ('bob@example.com')", ['Alice', 'Carl', 'Dana']],
    ["Email IN ('bob@example.com', null)", ['bob', 'Carl']],
    ["FirstName LIKE 'a%'", ['Alice']],
    ["FirstName LIKE '_ob'", ['bob']],
    ["Company LIKE '100\\% Pure\\_%'", ['Carl']],
    ["Company LIKE '100\\%Pure%'", []],
    ["LastName = 'D\\'Arcy'", ['Dana']],
    ['NumberOfEmployees > 5', ['Alice', 'bob']],
    ['NumberOfEmployees >= 5', ['Alice', 'bob', 'Dana']],
    ['NumberOfEmployees < 250', ['Alice', 'Dana']],
    ['NumberOfEmployees <= 10.5', ['Alice', 'Dana']],
    ['NumberOfEmployees = null', ['Carl']],
    ['NumberOfEmployees IN (5, 250)', ['bob', 'Dana']],
    ['IsConverted = true', ['Dana']],
    ['IsConverted = FALSE', ['Alice', 'bob', 'Carl']],
    ["LastName > 'x'", ['Alice', 'bob', 'Carl']],
    ["Status = 'open' AND NumberOfEmployees > 1", ['Alice']],
    ["Status = 'Open' OR Status = 'Closed'", ['Alice', 'Carl', 'Dana']],
    ["(Status = 'Open' OR Status = 'Closed') AND IsConverted = false", ['Alice', 'Carl']],
    ["Status = 'Open' AND (FirstName = 'Carl' OR NumberOfEmployees = 10)", ['Alice', 'Carl']],
    ["NOT Status = 'Open'", ['bob', 'Dana']],
    ["NOT (Status = 'Open' OR Status = 'Closed')", ['bob']],
    ["Status = 'Open' AND NOT FirstName = 'Carl'", ['Alice']],
    ["((Email = 'bob@example.com'))", ['bob']],
    ["Interests__c INCLUDES ('email')", ['Alice']],
    ["Interests__c INCLUDES ('chat;email', 'phone')", ['Alice', 'bob']],
    ["Interests__c INCLUDES ('chat;phone')", []],
    ["Interests__c EXCLUDES ('phone')", ['Alice', 'Carl', 'Dana']],
    ['CreatedDate = TODAY', ['Alice']],
    ['CreatedDate = YESTERDAY', ['bob']],
    ['CreatedDate < TODAY', ['bob', 'Carl', 'Dana']],
    ['CreatedDate <= TODAY', ['Alice', 'bob', 'Carl', 'Dana']],
    ['CreatedDate > YESTERDAY', ['Alice']],
    ['CreatedDate >= YESTERDAY', ['Alice', 'bob']],
    ['CreatedDate = LAST_N_DAYS:1', ['Alice', 'bob']],
    ['CreatedDate = LAST_N_DAYS:60', ['Alice', 'bob', 'Carl']],
    ['CreatedDate < LAST_N_DAYS:60', ['Dana']],
    ['CreatedDate = THIS_MONTH', ['Alice', 'bob']],
    ['CreatedDate = LAST_N_MONTHS:2', ['Carl']],
    ['CreatedDate = LAST_YEAR', ['Dana']],
    ['CreatedDate != THIS_YEAR', ['Dana']],
    ['CreatedDate > 2026-11-24T23:59:59Z', ['Alice']],
    ['CreatedDate >= 2026-11-24T23:59:59Z', ['Alice', 'bob']],
    ['CreatedDate = 2026-11-25T10:00:00+01:00', ['Alice']],
    ['CreatedDate < 2026-11-24T15:59:59-08:00', ['Carl', 'Dana']],
    ['ConvertedDate = 2026-11-20', ['Dana']],
    ['ConvertedDate = THIS_WEEK', []],
    ['ConvertedDate = LAST_WEEK', ['Dana']],
    ['ConvertedDate > 2026-11-19', ['Dana']],
    ["Owner.IsActive = true", ['Alice', 'Dana']],
    ["Owner.Type = 'Queue'", ['bob']],
    ["Owner.Type = 'user' AND Owner.IsActive = false", ['Carl']],
    ["Owner.Email = 'SAM@acme.test'", ['Alice', 'Dana']],
    ["Owner.Name = 'Inbound Queue'", ['bob']],
    ["ConvertedAccount.Name = 'acme'", ['Dana']],
    ['ConvertedAccount.Name = null', ['Alice', 'bob', 'Carl']],
    ["ConvertedContact.Account.Owner.Email LIKE 'sam@%'", ['Dana']],
  ])('%s', (where, want) => expect(run(where)).toEqual(want));

  it('compares ids in their canonical 18-character form, from 15 or 18 characters in any case', () => {
    const id = f.leads.l2.Id;
    const q = (lit: string) => ids(executeSoql(`SELECT Id FROM Lead WHERE Id = '${lit}'`, f.s, opts));
    expect(q(id)).toEqual([id]);
    expect(q(id.slice(0, 15))).toEqual([id]);
    expect(q(id.slice(0, 15).toLowerCase() + id.slice(15).toLowerCase())).toEqual([id]);
    expect(q(f.leads.l1.Id.slice(0, 15))).toEqual([f.leads.l1.Id]);
    expect(ids(executeSoql(`SELECT Id FROM Lead WHERE OwnerId = '${f.queue.Id.slice(0, 15)}'`, f.s, opts))).toEqual([id]);
    expect(ids(executeSoql(`SELECT Id FROM Lead WHERE Id IN ('${f.leads.l1.Id}', '${f.acme.Id}', '${f.leads.l3.Id.slice(0, 15)}')`, f.s, opts))).toEqual([f.leads.l1.Id, f.leads.l3.Id]);
  });

  it('decodes every SOQL escape the way the product encodes values', () => {
    const q = `SELECT Id FROM Lead WHERE LastName = ${encodeString('Back\\slash')}`;
    expect(executeSoql(q, f.s, { ...opts, includeDeleted: true }).totalSize).toBe(1);
    expect(executeSoql(`SELECT Id FROM Contact WHERE LastName IN (${encodeString("O'Brien")})`, f.s, opts).totalSize).toBe(1);
    expect(executeSoql("SELECT Id FROM Lead WHERE LastName = 'Z\\u0065d'", f.s, opts).totalSize).toBe(1);
  });
});

describe('SELECT shaping', () => {
  const f = fixture();
  it('returns attributes and fields in select order with canonical casing', () => {
    const r = executeSoql(`SELECT email, ID, firstname, isdeleted, createddate, numberofemployees FROM lead WHERE Id = '${f.leads.l1.Id}'`, f.s, opts);
    expect(r.records).toEqual([
      {
        attributes: { type: 'Lead', url: `/services/data/v62.0/sobjects/Lead/${f.leads.l1.Id}` },
        Email: 'Alice@Example.com',
        Id: f.leads.l1.Id,
        FirstName: 'Alice',
        IsDeleted: false,
        CreatedDate: '2026-11-25T09:00:00.000+0000',
        NumberOfEmployees: 10,
      },
    ]);
    expect(Object.keys(r.records[0]!)).toEqual(['attributes', 'Email', 'Id', 'FirstName', 'IsDeleted', 'CreatedDate', 'NumberOfEmployees']);
  });

  it('nests parents, Name objects for the polymorphic owner, null for empty references', () => {
    const r = executeSoql(
      'SELECT Id, Owner.Name, Owner.Email, Email, Owner.IsActive, Owner.Type, Owner.Alias, ConvertedAccount.Name, ConvertedContact.AccountId, ConvertedAccount.Owner.Email FROM Lead ORDER BY FirstName',
      f.s,
      opts,
    );
    const url = (t: string, id: string) => `/services/data/v62.0/sobjects/${t}/${id}`;
    const [alice, bob, , dana] = r.records;
    expect(alice).toEqual({
      attributes: { type: 'Lead', url: url('Lead', f.leads.l1.Id) },
      Id: f.leads.l1.Id,
      Owner: { attributes: { type: 'Name', url: url('User', f.sam.Id) }, Name: 'Sam Ray', Email: 'sam@acme.test', IsActive: true, Type: 'User', Alias: 'sray' },
      Email: 'Alice@Example.com',
      ConvertedAccount: null,
      ConvertedContact: null,
    });
    expect(bob!.Owner).toEqual({ attributes: { type: 'Name', url: url('Group', f.queue.Id) }, Name: 'Inbound Queue', Email: 'queue@acme.test', IsActive: false, Type: 'Queue', Alias: null });
    expect(dana!.ConvertedAccount).toEqual({
      attributes: { type: 'Account', url: url('Account', f.acme.Id) },
      Name: 'Acme',
      Owner: { attributes: { type: 'User', url: url('User', f.sam.Id) }, Email: 'sam@acme.test' },
    });
    expect(dana!.ConvertedContact).toEqual({ attributes: { type: 'Contact', url: url('Contact', f.cAnn.Id) }, AccountId: f.acme.Id });
    expect(Object.keys(dana!)).toEqual(['attributes', 'Id', 'Owner', 'Email', 'ConvertedAccount', 'ConvertedContact']);
  });

  it('multi-level parents on Contact: Account.Owner.Email, null when the account has no owner', () => {
    const r = executeSoql('SELECT Email, Account.Name, Account.Owner.Email, Owner.Name FROM Contact ORDER BY Email', f.s, opts);
    expect(r.records.map((x) => x.Account)).toEqual([
      { attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${f.acme.Id}` }, Name: 'Acme', Owner: { attributes: { type: 'User', url: `/services/data/v62.0/sobjects/User/${f.sam.Id}` }, Email: 'sam@acme.test' } },
      { attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${f.orphan.Id}` }, Name: 'Orphan', Owner: null },
    ]);
  });

  it('COUNT() returns no records and the count (after LIMIT)', () => {
    expect(executeSoql('SELECT COUNT() FROM Lead', f.s, opts)).toEqual({ totalSize: 4, records: [] });
    expect(executeSoql("SELECT COUNT() FROM Lead WHERE Status = 'Open'", f.s, opts)).toEqual({ totalSize: 2, records: [] });
    expect(executeSoql('SELECT COUNT() FROM Lead LIMIT 3', f.s, opts)).toEqual({ totalSize: 3, records: [] });
  });

  it('supports a FROM alias', () => {
    const r = executeSoql("SELECT l.Email, l.Owner.Name FROM Lead l WHERE l.FirstName = 'bob'", f.s, opts);
    expect(r.records[0]).toMatchObject({ Email: 'bob@example.com', Owner: { Name: 'Inbound Queue' } });
  });
});

describe('deleted records', () => {
  const f = fixture();
  it('are excluded unless includeDeleted, and IsDeleted is selectable and filterable', () => {
    expect(executeSoql('SELECT Id FROM Lead', f.s, opts).totalSize).toBe(4);
    const all = executeSoql('SELECT Id, IsDeleted FROM Lead WHERE IsDeleted = true', f.s, { ...opts, includeDeleted: true });
    expect(all.records).toEqual([expect.objectContaining({ Id: f.leads.l5.Id, IsDeleted: true })]);
    expect(executeSoql(`SELECT Id FROM Lead WHERE Id = '${f.leads.l5.Id}'`, f.s, opts).totalSize).toBe(0);
    expect(executeSoql(`SELECT Id FROM Lead WHERE Email = 'eve@example.com'`, f.s, { ...opts, includeDeleted: true }).totalSize).toBe(1);
  });
});

describe('ORDER BY, LIMIT, OFFSET', () => {
  const f = fixture();
  const run = (tail: string) => names(executeSoql(`SELECT FirstName FROM Lead ${tail}`, f.s, opts));
  it.each([
    ['ORDER BY FirstName', ['Alice', 'bob', 'Carl', 'Dana']],
    ['ORDER BY FirstName DESC', ['Dana', 'Carl', 'bob', 'Alice']],
    ['ORDER BY Email', ['Carl', 'Alice', 'bob', 'Dana']],
    ['ORDER BY Email ASC NULLS LAST', ['Alice', 'bob', 'Dana', 'Carl']],
    ['ORDER BY Email DESC', ['Dana', 'bob', 'Alice', 'Carl']],
    ['ORDER BY Email DESC NULLS FIRST', ['Carl', 'Dana', 'bob', 'Alice']],
    ['ORDER BY Status, NumberOfEmployees DESC', ['Dana', 'Alice', 'Carl', 'bob']],
    ['ORDER BY NumberOfEmployees', ['Carl', 'Dana', 'Alice', 'bob']],
    ['ORDER BY CreatedDate DESC', ['Alice', 'bob', 'Carl', 'Dana']],
    ['ORDER BY Owner.Name, FirstName', ['bob', 'Carl', 'Alice', 'Dana']],
    ['ORDER BY FirstName LIMIT 2', ['Alice', 'bob']],
    ['ORDER BY FirstName LIMIT 2 OFFSET 1', ['bob', 'Carl']],
    ['ORDER BY FirstName OFFSET 3', ['Dana']],
    ['ORDER BY FirstName LIMIT 0', []],
  ])('%s', (tail, want) => expect(run(tail)).toEqual(want));
});

const fail = (soql: string, store: TestStore): SalesforceError => {
  try {
    executeSoql(soql, store, opts);
  } catch (err) {
    if (err instanceof SalesforceError) return err;
    throw err;
  }
  throw new Error(`expected ${soql} to fail`);
};

describe('errors', () => {
  const f = fixture();
  it.each([
    ['SELECT Foo FROM Lead', 'INVALID_FIELD', "No such column 'Foo' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name."],
    ['SELECT Id FROM Lead WHERE Bogus__c = 1', 'INVALID_FIELD', "No such column 'Bogus__c' on entity 'Lead'"],
    ['SELECT Owner.Bogus FROM Lead', 'INVALID_FIELD', "No such column 'Bogus' on entity 'Name'"],
    ['SELECT Account.Owner.Bogus FROM Contact', 'INVALID_FIELD', "No such column 'Bogus' on entity 'User'"],
    ['SELECT Foo.Name FROM Lead', 'INVALID_FIELD', "Didn't understand relationship 'Foo' in field path."],
    ['SELECT Owner.Profile.Name FROM Lead', 'INVALID_FIELD', "Didn't understand relationship 'Profile' in field path."],
    ['SELECT Id FROM Foo', 'INVALID_TYPE', "sObject type 'Foo' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name."],
    ["SELECT Id FROM Lead WHERE Id = 'xyz'", 'INVALID_QUERY_FILTER_OPERATOR', 'invalid ID field: xyz'],
    ["SELECT Id FROM Lead WHERE Id IN ('00Q5g0000000001EAA', 'nope')", 'INVALID_QUERY_FILTER_OPERATOR', 'invalid ID field: nope'],
    ["SELECT Id FROM Lead WHERE OwnerId = '005!'", 'INVALID_QUERY_FILTER_OPERATOR', 'invalid ID field: 005!'],
    ["SELECT Id FROM Lead WHERE NumberOfEmployees = 'ten'", 'INVALID_FIELD', "value of filter criterion for field 'NumberOfEmployees' must be of type double and should not be enclosed in quotes"],
    ['SELECT Id FROM Lead WHERE Email = 5', 'INVALID_FIELD', "value of filter criterion for field 'Email' must be of type string and should be enclosed in quotes"],
    ["SELECT Id FROM Lead WHERE IsConverted = 'true'", 'INVALID_FIELD', "value of filter criterion for field 'IsConverted' must be of type boolean and should not be enclosed in quotes"],
    ["SELECT Id FROM Lead WHERE CreatedDate = '2026-01-01'", 'INVALID_FIELD', "must be of type dateTime and should not be enclosed in quotes"],
    ['SELECT Id FROM Lead WHERE CreatedDate = 2026-01-01', 'INVALID_FIELD', "must be of type dateTime"],
    ['SELECT Id FROM Lead WHERE ConvertedDate = 2026-01-01T00:00:00Z', 'INVALID_FIELD', "must be of type date and"],
    ['SELECT Id FROM Lead WHERE Email = TODAY', 'INVALID_FIELD', "must be of type string"],
    ['SELECT Id FROM Lead WHERE NumberOfEmployees LIKE 5', 'INVALID_QUERY_FILTER_OPERATOR', 'invalid operator on double field'],
    ["SELECT Id FROM Lead WHERE Description = 'x'", 'INVALID_FIELD', "field 'Description' can not be filtered in a query call"],
    ['SELECT Id FROM Lead ORDER BY Description', 'INVALID_FIELD', "field 'Description' can not be sorted in a query call"],
    ['SELECT Id FROM Lead WHERE A = 1 AND B = 2 OR C = 3', 'MALFORMED_QUERY', "unexpected token: 'OR'"],
    ['SELECT Id Name FROM Lead', 'MALFORMED_QUERY', "unexpected token: 'Name'"],
    ['SELECT Id FROM Lead WHERE', 'MALFORMED_QUERY', "unexpected token: '<EOF>'"],
    ['SELECT FROM Lead', 'MALFORMED_QUERY', 'unexpected token'],
    ['', 'MALFORMED_QUERY', "unexpected token: '<EOF>'"],
    ["SELECT Id FROM Lead WHERE Email = 'open", 'MALFORMED_QUERY', "expecting '''"],
    ["SELECT Id FROM Lead WHERE Email = 'a\\x'", 'MALFORMED_QUERY', "Illegal character sequence '\\x' in string literal"],
    ['SELECT Id, Id FROM Lead', 'MALFORMED_QUERY', 'duplicate field selected: Id'],
    ['SELECT Id, COUNT() FROM Lead', 'MALFORMED_QUERY', 'unexpected token'],
    ['SELECT Id FROM Lead LIMIT 10 OFFSET 2001', 'NUMBER_OUTSIDE_VALID_RANGE', 'Maximum SOQL offset allowed is 2000'],
    ['SELECT Status, COUNT(Id) FROM Lead GROUP BY Status', 'MALFORMED_QUERY', 'not supported by the LeadSync sandbox'],
    ['SELECT Id, (SELECT Id FROM Nope) FROM Account', 'INVALID_TYPE', "Didn't understand relationship 'Nope' in FROM part of query call"],
    ['SELECT Id FROM Lead WHERE Id IN (SELECT ConvertedLeadId__c FROM Contact)', 'MALFORMED_QUERY', 'not supported by the LeadSync sandbox'],
  ])('%s → %s', (soql, code, message) => {
    const err = fail(soql, f.s);
    expect(err.status).toBe(400);
    expect(err.errorCode).toBe(code);
    expect(err.message).toContain(message);
  });

  it('points at the offending token as Salesforce does', () => {
    expect(fail('SELECT Id, Foo FROM Lead', f.s).message).toBe(
      "\nSELECT Id, Foo FROM Lead\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
    );
  });
});

describe('indexes and performance', () => {
  it('uses store.lookup / store.get instead of scanning for Email, Id, Name, AND and OR of them', () => {
    const f = fixture();
    const cases: Array<[string, number]> = [
      ["SELECT Id FROM Lead WHERE Email = 'bob@example.com'", 1],
      ["SELECT Id FROM Lead WHERE Email IN ('bob@example.com', 'alice@example.com') AND IsConverted = false", 2],
      [`SELECT Id FROM Lead WHERE Id IN ('${f.leads.l1.Id}', '${f.leads.l2.Id.slice(0, 15)}')`, 2],
      ["SELECT Id FROM Lead WHERE (Email = 'bob@example.com' OR Email = 'dana@example.com') AND Status != 'x'", 2],
      ["SELECT Id FROM Lead WHERE Status = 'Open' AND Name = 'alice zed'", 1],
      ["SELECT Id FROM Account WHERE Name IN ('acme', 'Beta Corp')", 2],
    ];
    for (const [soql, n] of cases) {
      const before = f.s.scans;
      expect(executeSoql(soql, f.s, opts).totalSize, soql).toBe(n);
      expect(f.s.scans, soql).toBe(before);
    }
  });

  it('scans when a condition cannot use an index (OR with a non-indexed branch, NOT, relationship)', () => {
    const f = fixture();
    for (const soql of [
      "SELECT Id FROM Lead WHERE Email = 'bob@example.com' OR Status = 'Open'",
      "SELECT Id FROM Lead WHERE NOT Email = 'bob@example.com'",
      "SELECT Id FROM Lead WHERE Owner.Email = 'sam@acme.test'",
      "SELECT Id FROM Lead WHERE Email IN ('bob@example.com', null)",
    ]) {
      const before = f.s.scans;
      executeSoql(soql, f.s, opts);
      expect(f.s.scans, soql).toBe(before + 1);
    }
  });

  describe('10,000 leads', () => {
    const s = new TestStore();
    const owners = Array.from({ length: 10 }, (_, i) => s.insert('User', { FirstName: `U${i}`, LastName: 'Rep', Email: `u${i}@acme.test`, IsActive: i % 3 !== 0 }));
    const leads: SRecord[] = [];
    beforeAll(() => {
      for (let i = 0; i < 10_000; i++) {
        leads.push(s.insert('Lead', { LastName: `L${i}`, Company: `C${i % 50}`, Email: `lead${i}@example.com`, OwnerId: owners[i % 10]!.Id, IsConverted: i % 7 === 0 }));
      }
    });


    // Speed is measured by `npm run bench`, not asserted here (shared machines are noisy).
    it('a full query with relationship fields and ORDER BY returns every record in order', () => {
      const r = executeSoql('SELECT Id, Email, Owner.Name, Owner.IsActive FROM Lead ORDER BY Email LIMIT 10000', s, opts);
      expect(r.totalSize).toBe(10_000);
      const emails = r.records.map((x) => String(x.Email).toLowerCase());
      expect(emails).toEqual([...emails].sort());
    });

    it('WHERE Email IN (200 emails) goes through the index, not a scan', () => {
      const emails = Array.from({ length: 200 }, (_, i) => encodeString(`LEAD${i * 37}@example.com`)).join(', ');
      const soql = `SELECT Id, Email, IsConverted, Owner.Email FROM Lead WHERE Email IN (${emails}) AND IsConverted = false`;
      const before = s.scans;
      const r = executeSoql(soql, s, opts);
      expect(s.scans).toBe(before);
      expect(r.totalSize).toBe(Array.from({ length: 200 }, (_, i) => i * 37).filter((n) => n % 7 !== 0).length);
      const byId = `SELECT Id FROM Lead WHERE Id IN (${leads.slice(0, 200).map((l) => `'${l.Id}'`).join(', ')})`;
      expect(executeSoql(byId, s, opts).totalSize).toBe(200);
      expect(s.scans).toBe(before);
    });

    it('caches parsed queries by text', () => {
      const soql = "SELECT Id FROM Lead WHERE Email = 'lead5@example.com'";
      executeSoql(soql, s, opts);
      const size = parsedQueryCacheSize();
      executeSoql(soql, s, opts);
      expect(parsedQueryCacheSize()).toBe(size);
      executeSoql(`${soql} LIMIT 1`, s, opts);
      expect(parsedQueryCacheSize()).toBe(size + 1);
    });
  });
});
