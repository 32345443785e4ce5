/**
 * Every SOQL feature of sandbox.md, driven through jsforce the way LeadSync (or any client) sends it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, errorOf, open, type Ctx } from './helpers.ts';

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
