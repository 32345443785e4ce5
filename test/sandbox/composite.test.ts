import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, control, open, type Ctx } from './helpers.ts';

let ctx: Ctx;
beforeEach(async () => {
  ctx = await open({ seed: 'empty' });
  await control(ctx.sb, 'POST', '/stats/reset');
});
afterEach(async () => {
  await ctx.sb.close();
});

const U = '/services/data/v64.0';
const lead = (name: string, extra: Record<string, unknown> = {}) => ({ attributes: { type: 'Lead' }, LastName: name, Company: 'Co', ...extra });
const count = async (where: string) => (await ctx.conn.query(`SELECT COUNT() FROM Lead WHERE ${where}`)).totalSize;

describe('Composite with queries and sObject Collections', () => {
  it('runs a collection create, a query referencing it, a collection update and delete; each subrequest has its own status and body; one API call', async () => {
    await control(ctx.sb, 'PUT', '/limits', { daily_api_requests: 100, api_usage: 0 });
    const res = await api(ctx, 'POST', '/composite', {
      compositeRequest: [
        { method: 'POST', url: `${U}/composite/sobjects`, referenceId: 'created', body: { allOrNone: false, records: [lead('Comp1', { Email: 'c1@example.com' }), lead('Comp2'), lead('Bad', { Email: 'nope' })] } },
        { method: 'GET', url: `${U}/query?q=SELECT+Id,LastName+FROM+Lead+WHERE+Id+=+'@{created[0].id}'`, referenceId: 'q' },
        { method: 'PATCH', url: `${U}/composite/sobjects`, referenceId: 'upd', body: { records: [{ attributes: { type: 'Lead' }, id: '@{q.records[0].Id}', Title: 'Updated' }] } },
        { method: 'DELETE', url: `${U}/composite/sobjects?ids=@{created[1].id}`, referenceId: 'del' },
      ],
    });
    expect(res.status).toBe(200);
    const [created, q, upd, del] = res.body.compositeResponse;
    expect(created).toMatchObject({ httpStatusCode: 200, referenceId: 'created' });
    expect(created.body[0]).toEqual({ id: expect.stringMatching(/^00Q/), success: true, errors: [] });
    expect(created.body[2].errors[0].statusCode).toBe('INVALID_EMAIL_ADDRESS');
    expect(q.httpStatusCode).toBe(200);
    expect(q.body).toMatchObject({ totalSize: 1, done: true, records: [{ Id: created.body[0].id, LastName: 'Comp1' }] });
    expect(upd.body).toEqual([{ id: created.body[0].id, success: true, errors: [] }]);
    expect(del.body).toEqual([{ id: created.body[1].id, success: true, errors: [] }]);
    expect(await count(`Title = 'Updated'`)).toBe(1);
    expect(await count(`LastName = 'Comp2'`)).toBe(0);

    // One call in stats and in the daily usage, whatever it holds.
    const stats = await control(ctx.sb, 'GET', '/stats');
    expect(stats.by_kind).toMatchObject({ composite: 1, collections: 0, query: 2 });
    expect(stats.api_calls).toBe(3);
    expect(res.headers.get('sforce-limit-info')).toBe('api-usage=1/100');
  });

  it('refuses more than 25 subrequests, or more than 5 queries and collections, before running any', async () => {
    const heavy = [
      ...Array.from({ length: 3 }, (_, i) => ({ method: 'GET', url: `${U}/query?q=SELECT+Id+FROM+Lead`, referenceId: `q${i}` })),
      ...Array.from({ length: 3 }, (_, i) => ({ method: 'POST', url: `${U}/composite/sobjects`, referenceId: `c${i}`, body: { records: [lead(`Heavy${i}`)] } })),
    ];
    const six = await api(ctx, 'POST', '/composite', { compositeRequest: heavy });
    expect(six.status).toBe(400);
    expect(six.body[0].errorCode).toBe('INVALID_REQUEST');
    expect(await count(`LastName LIKE 'Heavy%'`)).toBe(0);
    const five = await api(ctx, 'POST', '/composite', { compositeRequest: heavy.slice(1) });
    expect(five.status).toBe(200);
    expect(await count(`LastName LIKE 'Heavy%'`)).toBe(3);
  });

  it('REQUEST_LIMIT_EXCEEDED and UNABLE_TO_LOCK_ROW faults fail the whole composite; nothing runs', async () => {
    const body = { compositeRequest: [{ method: 'POST', url: `${U}/composite/sobjects`, referenceId: 'c', body: { records: [lead('Faulted')] } }] };
    await control(ctx.sb, 'POST', '/faults', { faults: [{ match: { path: '/composite$' }, error: 'REQUEST_LIMIT_EXCEEDED', count: 1 }] });
    const refused = await api(ctx, 'POST', '/composite', body);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    // A fault matched by object sees the types inside the subrequests.
    await control(ctx.sb, 'POST', '/faults', { faults: [{ match: { object: 'Lead' }, error: 'UNABLE_TO_LOCK_ROW', count: 1 }] });
    expect((await api(ctx, 'POST', '/composite', body)).status).toBe(400);
    expect(await count(`LastName = 'Faulted'`)).toBe(0);
    expect((await api(ctx, 'POST', '/composite', body)).status).toBe(200);
    expect(await count(`LastName = 'Faulted'`)).toBe(1);
  });

  it('a fault matched by path sees the subrequest URLs: one on composite/sobjects fails a composite that writes, not one that only queries', async () => {
    await control(ctx.sb, 'POST', '/faults', { faults: [{ match: { method: 'POST', path: 'composite/sobjects' }, error: 'SERVER_UNAVAILABLE', count: 1 }] });
    const reads = { compositeRequest: [{ method: 'GET', url: `${U}/query?q=SELECT+Id+FROM+Lead`, referenceId: 'q' }] };
    expect((await api(ctx, 'POST', '/composite', reads)).status).toBe(200);
    const writes = { compositeRequest: [{ method: 'POST', url: `${U}/composite/sobjects`, referenceId: 'c', body: { records: [lead('PathFault')] } }] };
    const refused = await api(ctx, 'POST', '/composite', writes);
    expect(refused.status).toBe(503);
    expect(refused.body[0].errorCode).toBe('SERVER_UNAVAILABLE');
    expect(await count(`LastName = 'PathFault'`)).toBe(0);
    expect((await api(ctx, 'POST', '/composite', writes)).status).toBe(200);
    expect(await count(`LastName = 'PathFault'`)).toBe(1);
  });

  it('DROP_AFTER_COMMIT commits every subrequest, then closes the connection', async () => {
    await control(ctx.sb, 'POST', '/faults', { faults: [{ match: { method: 'POST', path: '/composite$' }, error: 'DROP_AFTER_COMMIT', count: 1 }] });
    const call = api(ctx, 'POST', '/composite', {
      compositeRequest: [
        { method: 'POST', url: `${U}/sobjects/Account`, referenceId: 'a', body: { Name: 'Dropped Co' } },
        { method: 'POST', url: `${U}/composite/sobjects`, referenceId: 'c', body: { records: [lead('Dropped')] } },
      ],
    });
    await expect(call).rejects.toThrow();
    expect(await count(`LastName = 'Dropped'`)).toBe(1);
    expect((await ctx.conn.query(`SELECT Id FROM Account WHERE Name = 'Dropped Co'`)).totalSize).toBe(1);
    expect((await control(ctx.sb, 'GET', '/stats')).by_kind.composite).toBe(1);
  });
});
