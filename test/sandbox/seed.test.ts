import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeId } from '../../src/sandbox/ids.ts';
import { api, control, open, type Ctx } from './helpers.ts';

let ctx: Ctx;
beforeAll(async () => {
  ctx = await open({ seed: 'demo' });
});
afterAll(async () => {
  await ctx.sb.close();
});

async function count(soql: string): Promise<number> {
  return (await ctx.conn.query(soql)).totalSize;
}

describe('demo seed', () => {
  it('has about 10 users with one inactive, a lead queue, 50 accounts with owners and websites, 200 contacts, 300 leads', async () => {
    expect(await count('SELECT COUNT() FROM User')).toBe(10);
    expect(await count('SELECT COUNT() FROM User WHERE IsActive = false')).toBe(1);
    const queues = await ctx.conn.query<any>(`SELECT Id, Name FROM Group WHERE Type = 'Queue'`);
    expect(queues.totalSize).toBe(1);
    expect(await count('SELECT COUNT() FROM Account')).toBe(50);
    expect(await count('SELECT COUNT() FROM Account WHERE Website = null OR OwnerId = null')).toBe(0);
    expect(await count('SELECT COUNT() FROM Contact')).toBe(200);
    expect(await count('SELECT COUNT() FROM Lead')).toBe(300);
    expect(await count('SELECT COUNT() FROM Lead WHERE IsConverted = true')).toBeGreaterThan(10);
    expect(await count(`SELECT COUNT() FROM Lead WHERE OwnerId = '${queues.records[0].Id}'`)).toBeGreaterThan(10);
  });

  it('links converted leads to their account and contact, and relationship fields resolve', async () => {
    const q = await ctx.conn.query<any>('SELECT Id, Email, ConvertedAccountId, ConvertedAccount.Name, ConvertedContact.Email FROM Lead WHERE IsConverted = true LIMIT 5');
    for (const l of q.records) {
      expect(l.ConvertedAccount.Name).toBeTruthy();
      expect(l.ConvertedContact.Email).toBe(l.Email);
    }
    const c = await ctx.conn.query<any>('SELECT Account.Owner.Email, Owner.IsActive FROM Contact LIMIT 1');
    expect(c.records[0].Account.Owner.Email).toMatch(/@sandbox\.example$/);
  });

  it('is deterministic: a reset reproduces the same ids and data', async () => {
    const before = await ctx.conn.query<any>('SELECT Id, Email, OwnerId FROM Lead ORDER BY Id LIMIT 20');
    await control(ctx.sb, 'POST', '/reset', { seed: 'demo' });
    const after = await ctx.conn.query<any>('SELECT Id, Email, OwnerId FROM Lead ORDER BY Id LIMIT 20');
    expect(after.records).toEqual(before.records);
    for (const r of after.records) expect(normalizeId(r.Id.slice(0, 15))).toBe(r.Id);
  });

  it('admin inserts through the control API set system fields; empty reset leaves only the admin', async () => {
    const { id } = await control(ctx.sb, 'POST', '/records/User', { Username: 'new@sandbox.example', LastName: 'New', Email: 'new@sandbox.example', Alias: 'new', IsActive: false, CreatedDate: '2020-01-01T00:00:00.000+0000' });
    const u = (await api(ctx, 'GET', `/sobjects/User/${id}?fields=IsActive,CreatedDate,Name`)).body;
    expect(u).toMatchObject({ IsActive: false, CreatedDate: '2020-01-01T00:00:00.000+0000', Name: 'New' });
    // The API user cannot create users.
    expect((await api(ctx, 'POST', '/sobjects/User', { Username: 'x@y.example', LastName: 'X', Email: 'x@y.example', Alias: 'x' })).status).toBe(400);
    await control(ctx.sb, 'POST', '/reset', { seed: 'empty' });
    expect(await count('SELECT COUNT() FROM Lead')).toBe(0);
    expect(await count('SELECT COUNT() FROM User')).toBe(1);
  });
});
