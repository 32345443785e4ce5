import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, errorOf, open, type Ctx } from './helpers.ts';

let ctx: Ctx;
let acct: string;
let other: string;
beforeAll(async () => {
  ctx = await open({ seed: 'empty' });
  acct = ((await ctx.conn.sobject('Account').create({ Name: 'Parent Co' })) as any).id;
  other = ((await ctx.conn.sobject('Account').create({ Name: 'Other Co', ParentId: acct })) as any).id;
  await ctx.conn.sobject('Account').create({ Name: 'Empty Co' });
  await ctx.conn.sobject('Contact').create(
    [
      { LastName: 'Bravo', Email: 'b@parent.example', AccountId: acct },
      { LastName: 'Alpha', Email: 'a@parent.example', AccountId: acct },
      { LastName: 'Charlie', AccountId: acct },
      { LastName: 'Delta', Email: 'd@other.example', AccountId: other },
    ],
    { allOrNone: true },
  );
});
afterAll(async () => {
  await ctx.sb.close();
});

describe('relationships', () => {
  it("describe lists childRelationships: Account → Contacts and ChildAccounts, User → ManagedUsers and owned records", async () => {
    const account = await ctx.conn.sobject('Account').describe();
    expect(account.childRelationships).toEqual(
      expect.arrayContaining([
        { cascadeDelete: true, childSObject: 'Contact', deprecatedAndHidden: false, field: 'AccountId', junctionIdListNames: [], junctionReferenceTo: [], relationshipName: 'Contacts', restrictedDelete: false },
        expect.objectContaining({ childSObject: 'Account', field: 'ParentId', relationshipName: 'ChildAccounts' }),
        expect.objectContaining({ childSObject: 'Lead', field: 'ConvertedAccountId', relationshipName: null }),
      ]),
    );
    const user = await ctx.conn.sobject('User').describe();
    expect(user.childRelationships).toEqual(expect.arrayContaining([
      expect.objectContaining({ childSObject: 'User', field: 'ManagerId', relationshipName: 'ManagedUsers' }),
      expect.objectContaining({ childSObject: 'Lead', field: 'OwnerId' }),
      expect.objectContaining({ childSObject: 'Account', field: 'OwnerId' }),
    ]));
  });

  it('parent-to-child subqueries return nested {totalSize, done, records}; null without children; WHERE, ORDER BY, LIMIT apply per parent', async () => {
    const q = await ctx.conn.query<any>(`SELECT Name, (SELECT LastName, Email FROM Contacts WHERE Email != null ORDER BY Email LIMIT 5) FROM Account ORDER BY Name`);
    const [emptyCo, otherCo, parentCo] = q.records;
    expect(emptyCo.Name).toBe('Empty Co');
    expect(emptyCo.Contacts).toBeNull();
    expect(otherCo.Contacts).toEqual({ totalSize: 1, done: true, records: [{ attributes: { type: 'Contact', url: expect.stringMatching(/^\/services\/data\/v64\.0\/sobjects\/Contact\/003/) }, LastName: 'Delta', Email: 'd@other.example' }] });
    expect(parentCo.Contacts.totalSize).toBe(2);
    expect(parentCo.Contacts.records.map((r: any) => r.LastName)).toEqual(['Alpha', 'Bravo']);
    const limited = await ctx.conn.query<any>(`SELECT Id, (SELECT Id FROM Contacts ORDER BY LastName DESC LIMIT 1) FROM Account WHERE Id = '${acct}'`);
    expect(limited.records[0].Contacts.totalSize).toBe(1);
    const children = await ctx.conn.query<any>(`SELECT Id, (SELECT Name FROM ChildAccounts) FROM Account WHERE Id = '${acct}'`);
    expect(children.records[0].ChildAccounts.records[0].Name).toBe('Other Co');
  });

  it("jsforce's include() builds and reads the subquery", async () => {
    const rows = await ctx.conn
      .sobject('Account')
      .find({ Id: acct }, ['Id', 'Name'])
      .include('Contacts')
      .select(['LastName', 'Email'])
      .sort({ LastName: 1 })
      .end()
      .execute();
    expect(rows).toHaveLength(1);
    expect((rows[0] as any).Contacts.records.map((r: any) => r.LastName)).toEqual(['Alpha', 'Bravo', 'Charlie']);
  });

  it('deleted children are left out (queryAll keeps them); unknown relationships are INVALID_TYPE', async () => {
    const gone = (await ctx.conn.sobject('Contact').create({ LastName: 'Zulu', AccountId: other })) as any;
    await ctx.conn.sobject('Contact').destroy(gone.id);
    const live = await ctx.conn.query<any>(`SELECT Id, (SELECT Id FROM Contacts) FROM Account WHERE Id = '${other}'`);
    expect(live.records[0].Contacts.totalSize).toBe(1);
    const all = await api(ctx, 'GET', `/queryAll?q=${encodeURIComponent(`SELECT Id, (SELECT Id FROM Contacts) FROM Account WHERE Id = '${other}'`)}`);
    expect(all.body.records[0].Contacts.totalSize).toBe(2);
    const e = await errorOf(ctx.conn.query('SELECT Id, (SELECT Id FROM Leads) FROM Account'));
    expect(e.errorCode).toBe('INVALID_TYPE');
    expect(e.message).toContain("Didn't understand relationship 'Leads' in FROM part of query call");
    const badField = await errorOf(ctx.conn.query('SELECT Id, (SELECT Nope FROM Contacts) FROM Account'));
    expect(badField.errorCode).toBe('INVALID_FIELD');
  });

  it('Bulk 2.0 query jobs refuse subqueries, as Bulk API 2.0 does', async () => {
    const res = await api(ctx, 'POST', '/jobs/query', { operation: 'query', query: 'SELECT Id, (SELECT Id FROM Contacts) FROM Account' });
    expect(res.status).toBe(400);
  });
});

describe('cascade delete', () => {
  it("deleting an Account deletes its Contacts (Contacts is cascadeDelete), and deleted() reports them", async () => {
    const a = (await ctx.conn.sobject('Account').create({ Name: 'Cascade Co' })) as any;
    const c = (await ctx.conn.sobject('Contact').create({ LastName: 'Goes Too', AccountId: a.id })) as any;
    const keep = (await ctx.conn.sobject('Contact').create({ LastName: 'Stays' })) as any;
    await ctx.conn.sobject('Account').destroy(a.id);
    expect((await ctx.conn.query(`SELECT COUNT() FROM Contact WHERE Id = '${c.id}'`)).totalSize).toBe(0);
    expect((await ctx.conn.query(`SELECT COUNT() FROM Contact WHERE Id = '${keep.id}'`)).totalSize).toBe(1);
    const start = new Date(Date.now() - 60_000).toISOString();
    const end = new Date(Date.now() + 120_000).toISOString();
    const deleted = await ctx.conn.sobject('Contact').deleted(start, end);
    expect(deleted.deletedRecords.map((d) => d.id)).toContain(c.id);
  });
});
