import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, control, errorOf, open, type Ctx } from './helpers.ts';

let ctx: Ctx;
beforeAll(async () => {
  ctx = await open({ seed: 'empty' });
  await control(ctx.sb, 'POST', '/fields/Account', { name: 'Ext_Id__c', type: 'string', length: 40, external_id: true });
  await control(ctx.sb, 'POST', '/fields/Account', { name: 'Plain__c', type: 'string' });
});
afterAll(async () => {
  await ctx.sb.close();
});

const account = (extra: Record<string, unknown> = {}) => ({ Name: 'Upsert Co', ...extra });

describe('upsert by external id (single record)', () => {
  it('describe marks the field externalId and idLookup', async () => {
    const d = await ctx.conn.sobject('Account').describe();
    expect(d.fields.find((f) => f.name === 'Ext_Id__c')).toMatchObject({ externalId: true, idLookup: true, unique: false });
    expect(d.fields.find((f) => f.name === 'Plain__c')).toMatchObject({ externalId: false, idLookup: false });
  });

  it('creates (201, created true), then updates (200, created false) the same record', async () => {
    const created = await api(ctx, 'PATCH', '/sobjects/Account/Ext_Id__c/A-1', account({ Industry: 'Retail' }));
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^001/), success: true, errors: [], created: true });
    const updated = await api(ctx, 'PATCH', '/sobjects/Account/Ext_Id__c/a-1', { Industry: 'Banking' });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ id: created.body.id, success: true, errors: [], created: false });
    const rec = (await ctx.conn.sobject('Account').retrieve(created.body.id)) as any;
    expect(rec).toMatchObject({ Ext_Id__c: 'A-1', Industry: 'Banking', Name: 'Upsert Co' });
    // jsforce's upsert drives the same resource.
    const viaJsforce = (await ctx.conn.sobject('Account').upsert({ Ext_Id__c: 'A-2', Name: 'Jsforce Co' }, 'Ext_Id__c')) as any;
    expect(viaJsforce.success).toBe(true);
    expect((await ctx.conn.query(`SELECT Name FROM Account WHERE Ext_Id__c = 'A-2'`)).records[0]).toMatchObject({ Name: 'Jsforce Co' });
    // GET by external id.
    const got = await api(ctx, 'GET', '/sobjects/Account/Ext_Id__c/A-1?fields=Name,Ext_Id__c');
    expect(got.body).toMatchObject({ Name: 'Upsert Co', Ext_Id__c: 'A-1' });
  });

  it('answers 300 with the candidates when several records match, and changes nothing', async () => {
    const a = await control(ctx.sb, 'POST', '/records/Account', { Name: 'Dup 1', Ext_Id__c: 'DUP' });
    const b = await control(ctx.sb, 'POST', '/records/Account', { Name: 'Dup 2', Ext_Id__c: 'DUP' });
    const res = await api(ctx, 'PATCH', '/sobjects/Account/Ext_Id__c/DUP', { Industry: 'Media' });
    expect(res.status).toBe(300);
    expect([...res.body].sort()).toEqual([`/services/data/v64.0/sobjects/Account/${a.id}`, `/services/data/v64.0/sobjects/Account/${b.id}`].sort());
    expect((await ctx.conn.query(`SELECT COUNT() FROM Account WHERE Industry = 'Media'`)).totalSize).toBe(0);
    expect((await api(ctx, 'GET', '/sobjects/Account/Ext_Id__c/DUP')).status).toBe(300);
  });

  it('upserts Leads by Email (a standard idLookup field); Id updates an existing record; POST /sobjects/T/Id creates', async () => {
    const first = await api(ctx, 'PATCH', '/sobjects/Lead/Email/ada@example.com', { LastName: 'Lovelace', Company: 'Engines' });
    expect(first.status).toBe(201);
    const again = await api(ctx, 'PATCH', '/sobjects/Lead/Email/ADA@example.com', { Title: 'Countess' });
    expect(again.body).toMatchObject({ id: first.body.id, created: false });
    const byId = await api(ctx, 'PATCH', `/sobjects/Lead/Id/${first.body.id}`, { Title: 'Analyst' });
    expect(byId.status).toBe(200);
    expect(((await ctx.conn.sobject('Lead').retrieve(first.body.id)) as any).Title).toBe('Analyst');
    const created = await api(ctx, 'POST', '/sobjects/Lead/Id', { LastName: 'New', Company: 'Co' });
    expect(created.status).toBe(201);
    expect(created.body.created).toBe(true);
  });

  it('refuses fields that are not external ids (404), the field in the body (400), and updateOnly without a match (404)', async () => {
    const plain = await api(ctx, 'PATCH', '/sobjects/Account/Plain__c/x', { Name: 'x' });
    expect(plain.status).toBe(404);
    expect(plain.body[0]).toMatchObject({ errorCode: 'NOT_FOUND', message: 'Provided external ID field does not exist or is not accessible: Plain__c' });
    expect((await api(ctx, 'PATCH', '/sobjects/Account/Name/x', { Name: 'x' })).status).toBe(404);
    const inBody = await api(ctx, 'PATCH', '/sobjects/Account/Ext_Id__c/B-1', { Name: 'x', Ext_Id__c: 'B-1' });
    expect(inBody.status).toBe(400);
    expect(inBody.body[0].errorCode).toBe('INVALID_FIELD');
    const only = await api(ctx, 'PATCH', '/sobjects/Account/Ext_Id__c/NOPE?updateOnly=true', { Name: 'x' });
    expect(only.status).toBe(404);
    // Validation is REST's: a create without the required Name fails.
    const e = await errorOf(ctx.conn.sobject('Account').upsert({ Ext_Id__c: 'C-1', Industry: 'Retail' }, 'Ext_Id__c'));
    expect(e.errorCode).toBe('REQUIRED_FIELD_MISSING');
  });
});

describe('upsert with sObject Collections', () => {
  it('creates and updates in input order with created flags; several matches fail that record only', async () => {
    await control(ctx.sb, 'POST', '/records/Account', { Name: 'Twin 1', Ext_Id__c: 'TWIN' });
    await control(ctx.sb, 'POST', '/records/Account', { Name: 'Twin 2', Ext_Id__c: 'TWIN' });
    await api(ctx, 'PATCH', '/sobjects/Account/Ext_Id__c/COL-1', { Name: 'Before' });
    const res = await ctx.conn.sobject('Account').upsert(
      [
        { Ext_Id__c: 'COL-1', Name: 'After' },
        { Ext_Id__c: 'COL-2', Name: 'Fresh' },
        { Ext_Id__c: 'TWIN', Name: 'Ambiguous' },
        { Ext_Id__c: 'COL-3' },
      ],
      'Ext_Id__c',
      { allOrNone: false },
    );
    expect(res[0]).toMatchObject({ success: true, created: false });
    expect(res[1]).toMatchObject({ success: true, created: true, id: expect.stringMatching(/^001/) });
    expect(res[2]).toMatchObject({ success: false, errors: [expect.objectContaining({ statusCode: 'DUPLICATE_EXTERNAL_ID' })] });
    expect(res[3]).toMatchObject({ success: false, errors: [expect.objectContaining({ statusCode: 'REQUIRED_FIELD_MISSING' })] });
    const names = await ctx.conn.query<any>(`SELECT Ext_Id__c, Name FROM Account WHERE Ext_Id__c IN ('COL-1', 'COL-2') ORDER BY Ext_Id__c`);
    expect(names.records.map((r) => r.Name)).toEqual(['After', 'Fresh']);
  });

  it('upserts on Id: records with an id update, records without one are created; allOrNone rolls back', async () => {
    const existing = (await ctx.conn.sobject('Contact').create({ LastName: 'Existing' })) as any;
    const res = await api(ctx, 'PATCH', '/composite/sobjects/Contact/Id', {
      allOrNone: false,
      records: [
        { attributes: { type: 'Contact' }, Id: existing.id, Title: 'Updated' },
        { attributes: { type: 'Contact' }, LastName: 'Created' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { id: existing.id, success: true, errors: [], created: false },
      { id: expect.stringMatching(/^003/), success: true, errors: [], created: true },
    ]);
    const rolled = await api(ctx, 'PATCH', '/composite/sobjects/Contact/Id', {
      allOrNone: true,
      records: [
        { attributes: { type: 'Contact' }, LastName: 'Never' },
        { attributes: { type: 'Contact' }, Id: 'bogus', Title: 'x' },
      ],
    });
    expect(rolled.body[0].errors[0].statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(rolled.body[1].errors[0].statusCode).toBe('MALFORMED_ID');
    expect((await ctx.conn.query(`SELECT COUNT() FROM Contact WHERE LastName = 'Never'`)).totalSize).toBe(0);
  });

  it('refuses a field that is not an external id, and records of another type', async () => {
    expect((await api(ctx, 'PATCH', '/composite/sobjects/Account/Plain__c', { records: [{ attributes: { type: 'Account' }, Plain__c: 'x', Name: 'x' }] })).status).toBe(404);
    const mixed = await api(ctx, 'PATCH', '/composite/sobjects/Account/Ext_Id__c', { records: [{ attributes: { type: 'Contact' }, Ext_Id__c: 'x', LastName: 'x' }] });
    expect(mixed.status).toBe(400);
    expect(mixed.body[0].errorCode).toBe('INVALID_TYPE');
  });
});

describe('unique custom fields', () => {
  it('refuse a second record with the same value (DUPLICATE_VALUE)', async () => {
    await control(ctx.sb, 'POST', '/fields/Contact', { name: 'Badge__c', type: 'string', unique: true });
    const first = (await ctx.conn.sobject('Contact').create({ LastName: 'One', Badge__c: 'B1' })) as any;
    const e = await errorOf(ctx.conn.sobject('Contact').create({ LastName: 'Two', Badge__c: 'b1' }));
    expect(e.errorCode).toBe('DUPLICATE_VALUE');
    expect(e.message).toBe(`duplicate value found: Badge__c duplicates value on record with id: ${first.id}`);
    await ctx.conn.sobject('Contact').update({ Id: first.id, Badge__c: 'B1', Title: 'same value on itself is fine' });
  });
});
