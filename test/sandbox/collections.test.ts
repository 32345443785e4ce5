import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, open, type Ctx } from './helpers.ts';

let ctx: Ctx;
beforeAll(async () => {
  ctx = await open({ seed: 'empty' });
});
afterAll(async () => {
  await ctx.sb.close();
});

const lead = (i: number, extra: Record<string, unknown> = {}) => ({ attributes: { type: 'Lead' }, LastName: `L${i}`, Company: 'Co', Email: `l${i}@example.com`, ...extra });

describe('sObject Collections', () => {
  it('creates with partial failure: results in input order, per-record errors, good records saved', async () => {
    const res = await api(ctx, 'POST', '/composite/sobjects', { allOrNone: false, records: [lead(1), lead(2, { LastName: null }), lead(3, { Email: 'bad' })] });
    expect(res.status).toBe(200);
    expect(res.body[0]).toEqual({ id: expect.stringMatching(/^00Q/), success: true, errors: [] });
    expect(res.body[1]).toEqual({ success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] }] });
    expect(res.body[2].errors[0].statusCode).toBe('INVALID_EMAIL_ADDRESS');
    expect((await ctx.conn.query(`SELECT Id FROM Lead WHERE Email = 'l1@example.com'`)).totalSize).toBe(1);
  });

  it('rolls everything back with allOrNone', async () => {
    const res = await api(ctx, 'POST', '/composite/sobjects', { allOrNone: true, records: [lead(10), lead(11, { Company: '' })] });
    expect(res.body[0]).toEqual({ success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] }] });
    expect(res.body[1].errors[0].statusCode).toBe('REQUIRED_FIELD_MISSING');
    expect((await ctx.conn.query(`SELECT Id FROM Lead WHERE Email = 'l10@example.com'`)).totalSize).toBe(0);

    // Updates roll back too.
    const ok = await ctx.conn.sobject('Lead').create({ LastName: 'Keep', Company: 'Co', Title: 'Before' }) as any;
    const upd = await api(ctx, 'PATCH', '/composite/sobjects', { allOrNone: true, records: [{ attributes: { type: 'Lead' }, id: ok.id, Title: 'After' }, { attributes: { type: 'Lead' }, id: '00Qxx', Title: 'x' }] });
    expect(upd.body[1].errors[0].statusCode).toBe('MALFORMED_ID');
    expect(upd.body[0].errors[0].statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(((await ctx.conn.sobject('Lead').retrieve(ok.id)) as any).Title).toBe('Before');
  });

  it('writes 200 records through jsforce quickly; refuses 201', async () => {
    const records = Array.from({ length: 200 }, (_, i) => ({ LastName: `Bulk${i}`, Company: 'Co', Email: `bulk${i}@example.com` }));
    const res = await ctx.conn.sobject('Lead').create(records, { allOrNone: false });
    expect(res.every((r) => r.success)).toBe(true);
    const updated = await ctx.conn.sobject('Lead').update(res.map((r) => ({ Id: r.id!, Title: 'Updated' })), { allOrNone: false });
    expect(updated.every((r) => r.success)).toBe(true);
    expect((await ctx.conn.query(`SELECT COUNT() FROM Lead WHERE Title = 'Updated'`)).totalSize).toBe(200);

    const tooMany = await api(ctx, 'POST', '/composite/sobjects', { records: Array.from({ length: 201 }, (_, i) => lead(1000 + i)) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body[0].errorCode).toBe('EXCEEDED_ID_LIMIT');
  });

  it('deletes by ?ids= with per-record results; unknown and already-deleted ids fail alone', async () => {
    const a = (await ctx.conn.sobject('Lead').create({ LastName: 'Del1', Company: 'Co' })) as any;
    const b = (await ctx.conn.sobject('Lead').create({ LastName: 'Del2', Company: 'Co' })) as any;
    const res = await api(ctx, 'DELETE', `/composite/sobjects?ids=${a.id},${b.id},bogus&allOrNone=false`);
    expect(res.status).toBe(200);
    expect(res.body[0]).toEqual({ id: a.id, success: true, errors: [] });
    expect(res.body[1].success).toBe(true);
    expect(res.body[2].errors[0].statusCode).toBe('MALFORMED_ID');
    const again = await api(ctx, 'DELETE', `/composite/sobjects?ids=${a.id}`);
    expect(again.body[0].errors[0]).toMatchObject({ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted' });
  });

  it('retrieves several records by id through jsforce', async () => {
    const created = await ctx.conn.sobject('Account').create([{ Name: 'R1' }, { Name: 'R2' }]);
    const got = (await ctx.conn.sobject('Account').retrieve(created.map((c) => c.id!), { fields: ['Name'] } as any)) as any[];
    expect(got.map((g) => g.Name)).toEqual(['R1', 'R2']);
  });
});

describe('Composite', () => {
  it('resolves @{ref.id} references between subrequests', async () => {
    const res = await api(ctx, 'POST', '/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v64.0/sobjects/Account', referenceId: 'acct', body: { Name: 'Composite Co' } },
        { method: 'POST', url: '/services/data/v64.0/sobjects/Contact', referenceId: 'ct', body: { LastName: 'Ref', AccountId: '@{acct.id}' } },
        { method: 'GET', url: '/services/data/v64.0/sobjects/Contact/@{ct.id}?fields=AccountId', referenceId: 'read' },
      ],
    });
    expect(res.status).toBe(200);
    const [acct, ct, read] = res.body.compositeResponse;
    expect(acct).toMatchObject({ httpStatusCode: 201, referenceId: 'acct', body: { success: true } });
    expect(acct.httpHeaders.Location).toBe(`/services/data/v64.0/sobjects/Account/${acct.body.id}`);
    expect(ct.httpStatusCode).toBe(201);
    expect(read.body.AccountId).toBe(acct.body.id);
  });

  it('rolls back with allOrNone and halts the others; without it, a failed reference halts its dependants', async () => {
    const res = await api(ctx, 'POST', '/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v64.0/sobjects/Account', referenceId: 'a', body: { Name: 'Rolled Back Co' } },
        { method: 'POST', url: '/services/data/v64.0/sobjects/Contact', referenceId: 'c', body: { FirstName: 'no last name' } },
      ],
    });
    const [a, c] = res.body.compositeResponse;
    expect(c.httpStatusCode).toBe(400);
    expect(c.body[0].errorCode).toBe('REQUIRED_FIELD_MISSING');
    expect(a.httpStatusCode).toBe(400);
    expect(a.body[0].errorCode).toBe('PROCESSING_HALTED');
    expect((await ctx.conn.query(`SELECT Id FROM Account WHERE Name = 'Rolled Back Co'`)).totalSize).toBe(0);

    const partial = await api(ctx, 'POST', '/composite', {
      compositeRequest: [
        { method: 'POST', url: '/services/data/v64.0/sobjects/Account', referenceId: 'bad', body: { Website: 'no name' } },
        { method: 'POST', url: '/services/data/v64.0/sobjects/Contact', referenceId: 'dep', body: { LastName: 'x', AccountId: '@{bad.id}' } },
        { method: 'POST', url: '/services/data/v64.0/sobjects/Account', referenceId: 'fine', body: { Name: 'Kept Co' } },
      ],
    });
    const [bad, dep, fine] = partial.body.compositeResponse;
    expect(bad.httpStatusCode).toBe(400);
    expect(dep.body[0].errorCode).toBe('PROCESSING_HALTED');
    expect(fine.httpStatusCode).toBe(201);
  });

  it('makes collections inside an allOrNone composite all-or-none, and allows at most 5 of them', async () => {
    const res = await api(ctx, 'POST', '/composite', {
      allOrNone: true,
      compositeRequest: [
        { method: 'POST', url: '/services/data/v64.0/sobjects/Account', referenceId: 'acct', body: { Name: 'Outer Co' } },
        { method: 'POST', url: '/services/data/v64.0/composite/sobjects', referenceId: 'coll', body: { allOrNone: false, records: [lead(500), lead(501, { LastName: '' })] } },
      ],
    });
    const [acct, coll] = res.body.compositeResponse;
    expect(acct.body[0].errorCode).toBe('PROCESSING_HALTED');
    expect(coll.body[0].errors[0].statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect((await ctx.conn.query(`SELECT Id FROM Account WHERE Name = 'Outer Co'`)).totalSize).toBe(0);
    expect((await ctx.conn.query(`SELECT Id FROM Lead WHERE Email = 'l500@example.com'`)).totalSize).toBe(0);

    const six = Array.from({ length: 6 }, (_, i) => ({ method: 'GET', url: '/services/data/v64.0/query?q=SELECT+Id+FROM+Lead', referenceId: `q${i}` }));
    expect((await api(ctx, 'POST', '/composite', { compositeRequest: six })).status).toBe(400);
  });

  it('allows at most 25 subrequests', async () => {
    const subs = Array.from({ length: 26 }, (_, i) => ({ method: 'GET', url: '/services/data/v64.0/limits', referenceId: `r${i}` }));
    const res = await api(ctx, 'POST', '/composite', { compositeRequest: subs });
    expect(res.status).toBe(400);
    const ok = await api(ctx, 'POST', '/composite', { compositeRequest: subs.slice(0, 25) });
    expect(ok.status).toBe(200);
    expect(ok.body.compositeResponse).toHaveLength(25);
  });
});
