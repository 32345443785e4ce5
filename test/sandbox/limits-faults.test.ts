import jsforce from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, control, errorOf, open, type Ctx } from './helpers.ts';

let ctx: Ctx;
beforeEach(async () => {
  ctx = await open({ seed: 'empty' });
  await control(ctx.sb, 'POST', '/stats/reset');
});
afterEach(async () => {
  await ctx.sb.close();
});

describe('limits', () => {
  it('reports usage in Sforce-Limit-Info and /limits, and refuses calls past the daily limit', async () => {
    await control(ctx.sb, 'PUT', '/limits', { daily_api_requests: 3, api_usage: 0 });
    const a = await api(ctx, 'GET', '/limits');
    expect(a.headers.get('sforce-limit-info')).toBe('api-usage=1/3');
    expect(a.body.DailyApiRequests).toEqual({ Max: 3, Remaining: 2 });
    await api(ctx, 'GET', '/sobjects');
    await api(ctx, 'GET', '/sobjects');
    const refused = await api(ctx, 'GET', '/sobjects');
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    expect(refused.headers.get('sforce-limit-info')).toBe('api-usage=3/3');
    expect((await errorOf(Promise.resolve(ctx.conn.query('SELECT Id FROM Lead')))).errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    await control(ctx.sb, 'PUT', '/limits', { daily_api_requests: 15000 });
    expect((await api(ctx, 'GET', '/limits')).status).toBe(200);
  });
});

describe('stats', () => {
  it('counts REST calls by kind; OAuth only in by_kind', async () => {
    await ctx.conn.query('SELECT Id FROM Lead');
    await ctx.conn.sobject('Lead').create({ LastName: 'a', Company: 'b' });
    await ctx.conn.sobject('Lead').create([{ LastName: 'a', Company: 'b' }, { LastName: 'c', Company: 'd' }]);
    await ctx.conn.sobject('Lead').describe();
    await api(ctx, 'POST', '/composite', { compositeRequest: [{ method: 'GET', url: '/services/data/v64.0/limits', referenceId: 'x' }] });
    await ctx.conn.oauth2.authenticate(ctx.sb.username, ctx.sb.password);
    const stats = await control(ctx.sb, 'GET', '/stats');
    expect(stats).toEqual({ api_calls: 5, by_kind: { query: 1, collections: 1, composite: 1, sobject: 1, describe: 1, bulk: 0, oauth: 1 } });
    expect(await control(ctx.sb, 'POST', '/stats/reset')).toEqual({ api_calls: 0, by_kind: { query: 0, collections: 0, composite: 0, sobject: 0, describe: 0, bulk: 0, oauth: 0 } });
  });
});

describe('faults', () => {
  it('UNABLE_TO_LOCK_ROW: per-record errors in a 200 for collections, nothing saved; count limits it', async () => {
    await control(ctx.sb, 'POST', '/faults', { faults: [{ match: { path: 'composite/sobjects', object: 'Lead' }, error: 'UNABLE_TO_LOCK_ROW', count: 1 }] });
    const rec = { attributes: { type: 'Lead' }, LastName: 'Locked', Company: 'Co' };
    const res = await api(ctx, 'POST', '/composite/sobjects', { records: [rec, rec] });
    expect(res.status).toBe(200);
    expect(res.body[0].success).toBe(false);
    expect(res.body[0].errors[0].statusCode).toBe('UNABLE_TO_LOCK_ROW');
    expect((await ctx.conn.query(`SELECT COUNT() FROM Lead WHERE LastName = 'Locked'`)).totalSize).toBe(0);
    const retry = await api(ctx, 'POST', '/composite/sobjects', { records: [rec] });
    expect(retry.body[0].success).toBe(true);
    // Objects that do not match are untouched.
    await control(ctx.sb, 'POST', '/faults', { faults: [{ match: { object: 'Contact' }, error: 'UNABLE_TO_LOCK_ROW' }] });
    expect((await api(ctx, 'POST', '/composite/sobjects', { records: [rec] })).body[0].success).toBe(true);
  });

  it('SERVER_UNAVAILABLE (503) and REQUEST_LIMIT_EXCEEDED (403) by method and path', async () => {
    await control(ctx.sb, 'POST', '/faults', { faults: [{ match: { method: 'GET', path: '/query' }, error: 'SERVER_UNAVAILABLE', count: 1 }, { match: { method: 'GET', path: '/limits' }, error: 'REQUEST_LIMIT_EXCEEDED', count: 1 }] });
    const down = await api(ctx, 'GET', `/query?q=${encodeURIComponent('SELECT Id FROM Lead')}`);
    expect(down.status).toBe(503);
    expect(down.body[0].errorCode).toBe('SERVER_UNAVAILABLE');
    const lim = await api(ctx, 'GET', '/limits');
    expect(lim.status).toBe(403);
    expect(lim.body[0].errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
    expect((await api(ctx, 'GET', '/limits')).status).toBe(200);
  });

  it('INVALID_SESSION_ID makes jsforce refresh and retry', async () => {
    const conn = new jsforce.Connection({ oauth2: { loginUrl: ctx.sb.url, clientId: ctx.sb.clientId, clientSecret: ctx.sb.clientSecret }, version: '64.0' });
    await conn.login(ctx.sb.username, ctx.sb.password);
    await control(ctx.sb, 'POST', '/faults', { faults: [{ match: { path: '/query' }, error: 'INVALID_SESSION_ID', count: 1 }] });
    let refreshed = 0;
    conn.on('refresh', () => refreshed++);
    const q = await conn.query('SELECT Id FROM User');
    expect(q.totalSize).toBe(1);
    expect(refreshed).toBe(1);
  });

  it('DROP_AFTER_COMMIT: the client sees a socket error, yet the record exists', async () => {
    await control(ctx.sb, 'POST', '/faults', { faults: [{ match: { method: 'POST', object: 'Lead' }, error: 'DROP_AFTER_COMMIT', count: 1 }] });
    const err = await errorOf(ctx.conn.sobject('Lead').create({ LastName: 'Dropped', Company: 'Co', Email: 'dropped@example.com' }));
    expect(String((err as any).code ?? err.message)).toMatch(/ECONNRESET|socket|fetch failed|other side closed|UND_ERR/i);
    const q = await ctx.conn.query<any>(`SELECT Id, LastName FROM Lead WHERE Email = 'dropped@example.com'`);
    expect(q.totalSize).toBe(1);
  });

  it('LATENCY delays then proceeds; probability 0 never fires; DELETE clears', async () => {
    await control(ctx.sb, 'POST', '/faults', { faults: [{ match: { path: '/limits' }, error: 'LATENCY', latency_ms: 300 }, { error: 'SERVER_UNAVAILABLE', probability: 0 }] });
    const t0 = performance.now();
    const res = await api(ctx, 'GET', '/limits');
    expect(res.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    await control(ctx.sb, 'DELETE', '/faults');
    expect((await control(ctx.sb, 'GET', '/faults')).faults).toEqual([]);
    expect((await api(ctx, 'GET', '/limits')).status).toBe(200);
  });

  it('probability fires for roughly that share of calls', async () => {
    await control(ctx.sb, 'POST', '/faults', { faults: [{ match: { path: '/limits' }, error: 'SERVER_UNAVAILABLE', probability: 0.5 }] });
    let failures = 0;
    for (let i = 0; i < 60; i++) if ((await api(ctx, 'GET', '/limits')).status === 503) failures++;
    expect(failures).toBeGreaterThan(15);
    expect(failures).toBeLessThan(45);
  });
});
