/**
 * Every SOQL feature of sandbox.md, driven through jsforce the way LeadSync (or any client) sends it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, errorOf, open, V, type Ctx } from './helpers.ts';

describe('SOQL through jsforce', () => {
  let ctx: Ctx;
  let sam: string;
  let gone: string;
  let queue: string;
  let acme: string;
  const q = async (soql: string) => (await ctx.conn.query<any>(soql)).records;
  const ids = async (soql: string) => (await q(soql)).map((r: any) => r.LastName ?? r.Name);
  const today = new Date().toISOString().slice(0, 10);
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

  beforeAll(async () => {
    ctx = await open({ seed: 'empty' });
    const rec = (type: string, body: Record<string, unknown>) => control(ctx.sb, 'POST', `/records/${type}`, body).then((r) => r.id as string);
    sam = await rec('User', { FirstName: 'Sam', LastName: 'Rep', Alias: 'srep', Email: 'sam@corp.example', Username: 'sam@corp.example', IsActive: true });
    gone = await rec('User', { FirstName: 'Old', LastName: 'Rep', Alias: 'orep', Email: 'old@corp.example', Username: 'old@corp.example', IsActive: false });
    queue = await rec('Group', { Name: 'Inbound Queue', Type: 'Queue' });
    acme = await rec('Account', { Name: 'Acme', Website: 'https://acme.example', OwnerId: sam });
    await rec('Contact', { LastName: 'Coyote', Email: 'wile@acme.example', AccountId: acme, OwnerId: gone });
    await rec('Lead', { LastName: 'Alpha', Company: 'A Co', Email: 'Alpha@Example.com', OwnerId: sam, AnnualRevenue: 100, CreatedDate: daysAgo(2) });
    await rec('Lead', { LastName: 'Beta', Company: "O'Brien & Sons", Email: 'beta@example.com', OwnerId: queue, AnnualRevenue: 5000, CreatedDate: daysAgo(40) });
    await rec('Lead', { LastName: 'Gamma', Company: 'C Co', Email: null, OwnerId: gone, AnnualRevenue: null, CreatedDate: daysAgo(0) });
    const conv = await rec('Lead', { LastName: 'Delta', Company: 'Acme', Email: 'delta@example.com', CreatedDate: daysAgo(400) });
    await control(ctx.sb, 'POST', '/convert-lead', { lead_id: conv, account_id: acme });
  });
  afterAll(() => ctx.sb.close());

  it('parent relationships, incl. the polymorphic Owner (User or Queue) with Type and IsActive', async () => {
    const rows = await q('SELECT LastName, Owner.Name, Owner.Email, Owner.IsActive, Owner.Type FROM Lead WHERE IsConverted = false ORDER BY LastName');
    expect(rows.map((r: any) => [r.LastName, r.Owner.Name, r.Owner.Type, r.Owner.IsActive])).toEqual([
      ['Alpha', 'Sam Rep', 'User', true],
      ['Beta', 'Inbound Queue', 'Queue', false],
      ['Gamma', 'Old Rep', 'User', false],
    ]);
    expect(rows[0].Owner.Email).toBe('sam@corp.example');
  });

  it('multi-level relationships and converted lead relationships', async () => {
    const [contact] = await q('SELECT LastName, Account.Name, Account.Owner.Email, Owner.IsActive FROM Contact WHERE Email = \'wile@acme.example\'');
    expect(contact).toMatchObject({ LastName: 'Coyote', Account: { Name: 'Acme', Owner: { Email: 'sam@corp.example' } }, Owner: { IsActive: false } });
    const [converted] = await q('SELECT LastName, ConvertedAccount.Name, ConvertedContact.AccountId FROM Lead WHERE IsConverted = true');
    expect(converted).toMatchObject({ LastName: 'Delta', ConvertedAccount: { Name: 'Acme' }, ConvertedContact: { AccountId: acme } });
    const [queued] = await q("SELECT LastName FROM Lead WHERE Owner.Type = 'Queue'");
    expect(queued.LastName).toBe('Beta');
  });

  it('comparison operators on numbers, null, booleans', async () => {
    expect(await ids('SELECT LastName FROM Lead WHERE AnnualRevenue = 100')).toEqual(['Alpha']);
    expect((await ids('SELECT LastName FROM Lead WHERE AnnualRevenue != 100 ORDER BY LastName')).sort()).toEqual(['Beta', 'Delta', 'Gamma']);
    expect(await ids('SELECT LastName FROM Lead WHERE AnnualRevenue > 100')).toEqual(['Beta']);
    expect(await ids('SELECT LastName FROM Lead WHERE AnnualRevenue >= 100 ORDER BY AnnualRevenue DESC')).toEqual(['Beta', 'Alpha']);
    expect(await ids('SELECT LastName FROM Lead WHERE AnnualRevenue < 5000')).toEqual(['Alpha']);
    expect(await ids('SELECT LastName FROM Lead WHERE AnnualRevenue <= 5000 ORDER BY LastName')).toEqual(['Alpha', 'Beta']);
    expect(await ids('SELECT LastName FROM Lead WHERE Email = null ORDER BY LastName')).toEqual(['Gamma']);
    expect(await ids('SELECT LastName FROM Lead WHERE IsConverted = true')).toEqual(['Delta']);
  });

  it('string comparison is case-insensitive: =, IN, NOT IN, LIKE', async () => {
    expect(await ids("SELECT LastName FROM Lead WHERE Email = 'alpha@example.COM'")).toEqual(['Alpha']);
    expect(await ids("SELECT LastName FROM Lead WHERE Email IN ('ALPHA@example.com', 'beta@EXAMPLE.com') ORDER BY LastName")).toEqual(['Alpha', 'Beta']);
    expect(await ids("SELECT LastName FROM Lead WHERE Email NOT IN ('alpha@example.com') AND Email != null ORDER BY LastName")).toEqual(['Beta', 'Delta']);
    expect(await ids("SELECT LastName FROM Lead WHERE Company LIKE 'a%' ORDER BY LastName")).toEqual(['Alpha', 'Delta']);
    expect(await ids("SELECT LastName FROM Lead WHERE Company LIKE '_ Co' ORDER BY LastName")).toEqual(['Alpha', 'Gamma']);
  });

  it('escapes follow SOQL: a quoted quote, backslashes', async () => {
    expect(await ids("SELECT LastName FROM Lead WHERE Company = 'O\\'Brien & Sons'")).toEqual(['Beta']);
    const err = await errorOf(ctx.conn.query("SELECT Id FROM Lead WHERE Company = 'bad \\q escape'"));
    expect(err.errorCode).toBe('MALFORMED_QUERY');
  });

  it('AND, OR, NOT and parentheses', async () => {
    expect(await ids("SELECT LastName FROM Lead WHERE (AnnualRevenue = 100 OR AnnualRevenue = 5000) AND NOT Email = 'beta@example.com'")).toEqual(['Alpha']);
    expect(await ids('SELECT LastName FROM Lead WHERE NOT (IsConverted = true OR Email = null) ORDER BY LastName')).toEqual(['Alpha', 'Beta']);
  });

  it('INCLUDES and EXCLUDES on ;-separated values', async () => {
    await control(ctx.sb, 'POST', '/fields/Lead', { name: 'Interests__c', type: 'string', length: 255 });
    await control(ctx.sb, 'POST', '/records/Lead', { LastName: 'Multi', Company: 'M', Interests__c: 'Sales;Support' });
    expect(await ids("SELECT LastName FROM Lead WHERE Interests__c INCLUDES ('Support')")).toEqual(['Multi']);
    expect(await ids("SELECT LastName FROM Lead WHERE Interests__c EXCLUDES ('Support') AND Interests__c != null")).toEqual([]);
  });

  it('date and datetime literals, TODAY and LAST_N_DAYS:n', async () => {
    expect(await ids('SELECT LastName FROM Lead WHERE CreatedDate = TODAY AND Company = \'C Co\'')).toEqual(['Gamma']);
    expect(await ids("SELECT LastName FROM Lead WHERE CreatedDate = LAST_N_DAYS:7 AND Company != 'M' ORDER BY LastName")).toEqual(['Alpha', 'Gamma']);
    expect(await ids(`SELECT LastName FROM Lead WHERE CreatedDate < ${daysAgo(30).slice(0, 19)}Z ORDER BY CreatedDate`)).toEqual(['Delta', 'Beta']);
    expect((await ids(`SELECT LastName FROM Lead WHERE ConvertedDate = ${today}`)).length).toBe(1);
  });

  it('ORDER BY with NULLS FIRST|LAST, LIMIT, OFFSET, COUNT()', async () => {
    expect(await ids('SELECT LastName FROM Lead WHERE IsConverted = false AND Company != \'M\' ORDER BY Email ASC NULLS LAST')).toEqual(['Alpha', 'Beta', 'Gamma']);
    expect(await ids('SELECT LastName FROM Lead WHERE IsConverted = false AND Company != \'M\' ORDER BY Email DESC NULLS FIRST')).toEqual(['Gamma', 'Beta', 'Alpha']);
    expect(await ids('SELECT LastName FROM Lead ORDER BY LastName LIMIT 2 OFFSET 1')).toEqual(['Beta', 'Delta']);
    const count = await ctx.conn.query('SELECT COUNT() FROM Lead WHERE IsConverted = false');
    expect(count.totalSize).toBe(4);
    expect(count.records).toEqual([]);
  });

  it('bad SOQL gets MALFORMED_QUERY or INVALID_FIELD, as Salesforce', async () => {
    expect((await errorOf(ctx.conn.query('SELECT Id FROM Lead WHERE'))).errorCode).toBe('MALFORMED_QUERY');
    const noColumn = await errorOf(ctx.conn.query('SELECT Shoe FROM Lead'));
    expect(noColumn.errorCode).toBe('INVALID_FIELD');
    expect(noColumn.message).toContain("No such column 'Shoe' on entity 'Lead'");
    expect((await errorOf(ctx.conn.query('SELECT Id FROM Nope'))).errorCode).toBe('INVALID_TYPE');
    expect((await errorOf(ctx.conn.query("SELECT Id FROM Lead WHERE AnnualRevenue = 'lots'"))).errorCode).toBe('INVALID_FIELD');
  });

  it('15- and 18-character ids both match', async () => {
    expect((await q(`SELECT Name FROM Account WHERE Id = '${acme.slice(0, 15)}'`))[0].Name).toBe('Acme');
    expect((await q(`SELECT Name FROM Account WHERE Id IN ('${acme}')`))[0].Name).toBe('Acme');
  });
});

describe('SOQL through jsforce: result shape, queryAll, large results, Bulk 2.0', () => {
  let ctx: Ctx;
  let sam: string;
  let queue: string;
  let acme: string;
  let first: string;
  const url = (type: string, id: string) => `/services/data/v${V}/sobjects/${type}/${id}`;

  beforeAll(async () => {
    ctx = await open({ seed: 'empty' });
    const rec = (type: string, body: Record<string, unknown>) => control(ctx.sb, 'POST', `/records/${type}`, body).then((r) => r.id as string);
    sam = await rec('User', { FirstName: 'Sam', LastName: 'Rep', Alias: 'srep', Email: 'sam@corp.example', Username: 'sam2@corp.example', IsActive: true });
    queue = await rec('Group', { Name: 'Overflow Queue', Type: 'Queue', Email: 'overflow@corp.example' });
    acme = await rec('Account', { Name: 'Acme', OwnerId: sam });
    // 2,500 leads through sObject Collections (200 a call), half of them owned by the queue.
    const leads = Array.from({ length: 2500 }, (_, i) => ({
      LastName: `Bulk${String(i).padStart(4, '0')}`,
      Company: i % 2 ? 'Odd Co' : 'Even Co',
      Email: `bulk${i}@example.com`,
      OwnerId: i % 2 ? queue : sam,
    }));
    for (let i = 0; i < leads.length; i += 200) {
      const results = await ctx.conn.sobject('Lead').create(leads.slice(i, i + 200), { allOrNone: true });
      if (i === 0) first = results[0]!.id!;
    }
  });
  afterAll(() => ctx.sb.close());

  it('records are shaped as Salesforce REST: attributes, select order, canonical casing, Name objects', async () => {
    const res = await ctx.conn.query<any>(`SELECT lastname, OWNER.name, owner.type, Email, id FROM lead WHERE Email IN ('BULK0@example.com', 'bulk1@example.com') ORDER BY LastName`);
    expect(res.totalSize).toBe(2);
    expect(res.records[0]).toEqual({
      attributes: { type: 'Lead', url: url('Lead', first) },
      LastName: 'Bulk0000',
      Owner: { attributes: { type: 'Name', url: url('User', sam) }, Name: 'Sam Rep', Type: 'User' },
      Email: 'bulk0@example.com',
      Id: first,
    });
    expect(Object.keys(res.records[0])).toEqual(['attributes', 'LastName', 'Owner', 'Email', 'Id']);
    expect(res.records[1].Owner).toEqual({ attributes: { type: 'Name', url: url('Group', queue) }, Name: 'Overflow Queue', Type: 'Queue' });
    const [account] = (await ctx.conn.query<any>(`SELECT Name, Owner.Email, CreatedDate FROM Account WHERE Id = '${acme}'`)).records;
    expect(account.Owner).toEqual({ attributes: { type: 'User', url: url('User', sam) }, Email: 'sam@corp.example' });
    expect(account.CreatedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  });

  it('query hides deleted records; queryAll (jsforce scanAll) returns them with IsDeleted = true', async () => {
    const target = (await ctx.conn.query<any>("SELECT Id FROM Lead WHERE Email = 'bulk7@example.com'")).records[0].Id as string;
    await ctx.conn.sobject('Lead').destroy(target);
    expect((await ctx.conn.query(`SELECT Id FROM Lead WHERE Id = '${target}'`)).totalSize).toBe(0);
    const all = await ctx.conn.query<any>(`SELECT Id, IsDeleted FROM Lead WHERE Id = '${target.slice(0, 15)}'`, { scanAll: true });
    expect(all.records.map((r: any) => [r.Id, r.IsDeleted])).toEqual([[target, true]]);
    expect((await ctx.conn.query('SELECT COUNT() FROM Lead')).totalSize).toBe(2499);
    expect((await ctx.conn.query('SELECT COUNT() FROM Lead', { scanAll: true })).totalSize).toBe(2500);
  });

  it('jsforce autoFetch follows nextRecordsUrl past 2,000 rows, in ORDER BY order', async () => {
    const res = await ctx.conn.query<any>('SELECT Id, LastName, Owner.Type FROM Lead ORDER BY LastName DESC', { autoFetch: true, maxFetch: 10_000 });
    expect(res.totalSize).toBe(2499);
    expect(res.records.length).toBe(2499);
    expect(res.records[0].LastName).toBe('Bulk2499');
    expect(res.records[2498].LastName).toBe('Bulk0000');
    const names = res.records.map((r: any) => r.LastName);
    expect(names).toEqual([...names].sort().reverse());
    expect(new Set(res.records.map((r: any) => r.Owner.Type))).toEqual(new Set(['User', 'Queue']));
  });

  it('LIMIT and OFFSET apply before pagination; OFFSET over 2000 is refused', async () => {
    const page = await ctx.conn.query<any>("SELECT LastName FROM Lead WHERE Company = 'even co' ORDER BY LastName LIMIT 3 OFFSET 2000");
    // 1,250 leads match: an offset of 2,000 leaves none.
    expect(page.records).toEqual([]);
    const inRange = await ctx.conn.query<any>("SELECT LastName FROM Lead WHERE Company = 'even co' ORDER BY LastName LIMIT 3 OFFSET 1000");
    expect(inRange.records.map((r: any) => r.LastName)).toEqual(['Bulk2000', 'Bulk2002', 'Bulk2004']);
    const err = await errorOf(ctx.conn.query('SELECT Id FROM Lead LIMIT 5 OFFSET 2001'));
    expect(err.errorCode).toBe('NUMBER_OUTSIDE_VALID_RANGE');
  });

  it('Bulk 2.0 query runs the same engine (relationship columns flattened in CSV)', async () => {
    const rows: any[] = [];
    for await (const row of await ctx.conn.bulk2.query("SELECT Id, Email, Owner.Name FROM Lead WHERE Owner.Type = 'Queue' AND Email LIKE 'bulk1%'")) rows.push(row);
    // Odd numbers whose decimal form starts with 1: 1, 11..19 odd, 101..199 odd, 1001..1999 odd.
    expect(rows.length).toBe(1 + 5 + 50 + 500);
    expect(new Set(rows.map((r) => r['Owner.Name']))).toEqual(new Set(['Overflow Queue']));
  });

  it('WHERE Email IN (200 emails) with relationship fields answers in one call', async () => {
    const emails = Array.from({ length: 200 }, (_, i) => `'BULK${i * 3}@EXAMPLE.COM'`).join(', ');
    const res = await ctx.conn.query<any>(`SELECT Id, Email, Owner.Email, Owner.IsActive FROM Lead WHERE Email IN (${emails})`);
    expect(res.totalSize).toBe(200);
    expect(res.records.filter((r: any) => r.Owner.IsActive === false).length).toBe(100);
  });

  it('errors carry Salesforce codes and the positioned message', async () => {
    const badId = await errorOf(ctx.conn.query("SELECT Id FROM Lead WHERE Id IN ('00Q000000000001', 'nope')"));
    expect(badId.errorCode).toBe('INVALID_QUERY_FILTER_OPERATOR');
    expect(badId.message).toContain('invalid ID field: nope');
    const mixed = await errorOf(ctx.conn.query("SELECT Id FROM Lead WHERE Company = 'a' AND Company = 'b' OR Company = 'c'"));
    expect(mixed.errorCode).toBe('MALFORMED_QUERY');
    expect(mixed.message).toContain("unexpected token: 'OR'");
    const rel = await errorOf(ctx.conn.query('SELECT Owner.Profile.Name FROM Lead'));
    expect(rel.errorCode).toBe('INVALID_FIELD');
    expect(rel.message).toContain("Didn't understand relationship 'Profile' in field path");
    const col = await errorOf(ctx.conn.query('SELECT Id, Shoe FROM Lead'));
    expect(col.message).toContain('ERROR at Row:1:Column:12');
    const typed = await errorOf(ctx.conn.query("SELECT Id FROM Lead WHERE CreatedDate > '2026-01-01'"));
    expect(typed.errorCode).toBe('INVALID_FIELD');
    expect(typed.message).toContain("value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes");
  });
});
