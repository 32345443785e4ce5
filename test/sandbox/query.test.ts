import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, control, open, type Ctx } from './helpers.ts';

let ctx: Ctx;
beforeAll(async () => {
  ctx = await open({ seed: 'empty' });
  // 10,000 leads through the admin API would be slow over HTTP; collections of 200 are what clients use.
  for (let batch = 0; batch < 50; batch++) {
    const records = Array.from({ length: 200 }, (_, i) => ({ attributes: { type: 'Lead' }, LastName: `Q${batch * 200 + i}`, Company: 'Query Co', Email: `q${batch * 200 + i}@example.com` }));
    const res = await api(ctx, 'POST', '/composite/sobjects', { records });
    expect(res.body.every((r: any) => r.success)).toBe(true);
  }
});
afterAll(async () => {
  await ctx.sb.close();
});

describe('query', () => {
  it('pages 10,000 records in batches of 2,000 via nextRecordsUrl, and jsforce autoFetch reads them all fast', async () => {
    const first = await api(ctx, 'GET', `/query?q=${encodeURIComponent('SELECT Id, Email FROM Lead')}`);
    expect(first.body.totalSize).toBe(10000);
    expect(first.body.done).toBe(false);
    expect(first.body.records).toHaveLength(2000);
    expect(first.body.nextRecordsUrl).toMatch(/^\/services\/data\/v64\.0\/query\/01g\w+-2000$/);
    const second = await fetch(ctx.sb.url + first.body.nextRecordsUrl, { headers: { authorization: `Bearer ${ctx.token}` } });
    const page2 = await second.json();
    expect(page2.records[0].Id).not.toBe(first.body.records[0].Id);

    const all = await ctx.conn.query('SELECT Id, Email, Owner.Name FROM Lead', { autoFetch: true, maxFetch: 20000 });
    expect(all.records).toHaveLength(10000);
    expect(new Set(all.records.map((r: any) => r.Id)).size).toBe(10000);
  });

  it('honours Sforce-Query-Options batchSize (clamped to 200..2000)', async () => {
    const res = await api(ctx, 'GET', `/query?q=${encodeURIComponent('SELECT Id FROM Lead LIMIT 1000')}`, undefined, { 'Sforce-Query-Options': 'batchSize=300' });
    expect(res.body.records).toHaveLength(300);
    expect(res.body.totalSize).toBe(1000);
    const tiny = await api(ctx, 'GET', `/query?q=${encodeURIComponent('SELECT Id FROM Lead LIMIT 1000')}`, undefined, { 'Sforce-Query-Options': 'batchSize=10' });
    expect(tiny.body.records).toHaveLength(200);
  });

  it('looks leads up by email case-insensitively, and reports bad SOQL as Salesforce does', async () => {
    const q = await ctx.conn.query<any>(`SELECT Id, Email FROM Lead WHERE Email IN ('Q42@EXAMPLE.com', 'q4242@example.com')`);
    expect(q.records.map((r) => r.Email).sort()).toEqual(['q42@example.com', 'q4242@example.com'].sort());
    const bad = await api(ctx, 'GET', `/query?q=${encodeURIComponent('SELECT Nope FROM Lead')}`);
    expect(bad.status).toBe(400);
    expect(bad.body[0].errorCode).toBe('INVALID_FIELD');
    const malformed = await api(ctx, 'GET', `/query?q=${encodeURIComponent('SELECT FROM')}`);
    expect(malformed.body[0].errorCode).toBe('MALFORMED_QUERY');
    const count = await ctx.conn.query(`SELECT COUNT() FROM Lead WHERE Company = 'query co'`);
    expect(count.totalSize).toBe(10000);
    expect(count.records).toEqual([]);
  });

  it('queryAll returns deleted records; query does not', async () => {
    const q = await ctx.conn.query<any>(`SELECT Id FROM Lead WHERE Email = 'q7@example.com'`);
    await ctx.conn.sobject('Lead').destroy(q.records[0].Id);
    expect((await api(ctx, 'GET', `/query?q=${encodeURIComponent("SELECT Id FROM Lead WHERE Email = 'q7@example.com'")}`)).body.totalSize).toBe(0);
    const all = await api(ctx, 'GET', `/queryAll?q=${encodeURIComponent("SELECT Id, IsDeleted FROM Lead WHERE Email = 'q7@example.com'")}`);
    expect(all.body.records[0].IsDeleted).toBe(true);
  });
});

describe('Bulk API 2.0 query', () => {
  it('serves CSV pages with Sforce-Locator ("null" on the last) and Sforce-NumberOfRecords', async () => {
    const job = await api(ctx, 'POST', '/jobs/query', { operation: 'query', query: "SELECT Id, Email FROM Lead WHERE Company = 'Query Co' ORDER BY Email LIMIT 2500" });
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ operation: 'query', object: 'Lead', state: 'UploadComplete', contentType: 'CSV', columnDelimiter: 'COMMA', lineEnding: 'LF' });
    expect(job.body.id).toMatch(/^750/);
    const info = await api(ctx, 'GET', `/jobs/query/${job.body.id}`);
    const info2 = info.body.state === 'JobComplete' ? info : await api(ctx, 'GET', `/jobs/query/${job.body.id}`);
    expect(info2.body.state).toBe('JobComplete');
    expect(info2.body.numberRecordsProcessed).toBe(2500);

    const p1 = await api(ctx, 'GET', `/jobs/query/${job.body.id}/results?maxRecords=2000`);
    expect(p1.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(p1.headers.get('sforce-numberofrecords')).toBe('2000');
    const locator = p1.headers.get('sforce-locator')!;
    expect(locator).not.toBe('null');
    const lines = (p1.body as string).trimEnd().split('\n');
    expect(lines[0]).toBe('"Id","Email"');
    expect(lines).toHaveLength(2001);
    const p2 = await api(ctx, 'GET', `/jobs/query/${job.body.id}/results?maxRecords=2000&locator=${locator}`);
    expect(p2.headers.get('sforce-locator')).toBe('null');
    expect(p2.headers.get('sforce-numberofrecords')).toBe('500');
  });

  it('works end to end through jsforce bulk2.query', async () => {
    const rows: any[] = [];
    for await (const row of await ctx.conn.bulk2.query("SELECT Id, Email, Owner.Name FROM Lead WHERE Email LIKE 'q1%' ORDER BY Email")) rows.push(row);
    expect(rows.length).toBe(1111);
    expect(rows[0]['Owner.Name']).toBe('Sandbox Admin');
    await control(ctx.sb, 'POST', '/stats/reset');
  });
});
