import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, control, open, type Ctx } from './helpers.ts';

let ctx: Ctx;
beforeAll(async () => {
  ctx = await open({ seed: 'empty' });
});
afterAll(async () => {
  await ctx.sb.close();
});

const EMAIL = /^[a-z0-9.-]+@[a-z0-9-]+\.example$/;

async function generateRaw(type: string, body: unknown) {
  const res = await fetch(`${ctx.sb.url}/__sandbox/generate/${type}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('POST /__sandbox/generate/{T}', () => {
  it('inserts realistic Leads: distinct valid emails, names, companies, dates inside the window, some sharing a SystemModstamp second', async () => {
    await control(ctx.sb, 'POST', '/reset', { seed: 'empty' });
    const res = await control(ctx.sb, 'POST', '/generate/Lead', { count: 1000, from: '2026-01-01T00:00:00Z', to: '2026-01-31T00:00:00Z' });
    expect(res).toMatchObject({ count: 1000, first_id: expect.stringMatching(/^00Q/), last_id: expect.stringMatching(/^00Q/) });
    const rows: any[] = [];
    let page = await ctx.conn.query<any>('SELECT Id, FirstName, LastName, Name, Company, Email, Status, OwnerId, CreatedDate, SystemModstamp FROM Lead ORDER BY Id', { autoFetch: false });
    rows.push(...page.records);
    while (!page.done) {
      page = await ctx.conn.queryMore<any>(page.nextRecordsUrl!);
      rows.push(...page.records);
    }
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.Email.toLowerCase())).size).toBe(1000);
    for (const r of rows) {
      expect(r.Email).toMatch(EMAIL);
      expect(r.Name).toBe(`${r.FirstName} ${r.LastName}`);
      expect(r.Company).toBeTruthy();
      expect(r.Status).toBeTruthy();
      expect(r.OwnerId).toBe(ctx.conn.userInfo!.id);
      expect(r.CreatedDate >= '2026-01-01T00:00:00.000+0000' && r.CreatedDate <= '2026-01-31T00:00:00.000+0000').toBe(true);
      expect(r.SystemModstamp >= r.CreatedDate).toBe(true);
    }
    expect(new Set(rows.map((r) => r.Company)).size).toBeGreaterThan(50);
    const perSecond = new Map<string, number>();
    for (const r of rows) perSecond.set(r.SystemModstamp, (perSecond.get(r.SystemModstamp) ?? 0) + 1);
    expect([...perSecond.values()].some((n) => n >= 3)).toBe(true);
    expect(perSecond.size).toBeGreaterThan(700);
    // Ids increase with creation time.
    expect(rows.map((r) => r.CreatedDate)).toEqual([...rows.map((r) => r.CreatedDate)].sort());
    // Updated since a moment: an incremental pull sees a strict subset.
    const mid = rows[500].SystemModstamp;
    const since = await ctx.conn.query(`SELECT COUNT() FROM Lead WHERE SystemModstamp >= ${mid}`);
    expect(since.totalSize).toBe(rows.filter((r) => r.SystemModstamp >= mid).length);
  });

  it('applies a template to every record, and spreads owners over the active users of the demo org', async () => {
    await control(ctx.sb, 'POST', '/reset', { seed: 'demo' });
    await control(ctx.sb, 'POST', '/generate/Lead', { count: 80, template: { LeadSource: 'Purchased List', Title: 'Buyer' } });
    const q = await ctx.conn.query<any>(`SELECT OwnerId, Owner.IsActive FROM Lead WHERE LeadSource = 'Purchased List' AND Title = 'Buyer' AND CreatedDate = LAST_N_DAYS:31`);
    expect(q.totalSize).toBe(80);
    expect(q.records.every((r) => r.Owner.IsActive === true)).toBe(true);
    expect(new Set(q.records.map((r) => r.OwnerId)).size).toBeGreaterThan(5);
    await control(ctx.sb, 'POST', '/generate/Account', { count: 5 });
    await control(ctx.sb, 'POST', '/generate/Contact', { count: 5 });
    const contacts = await ctx.conn.query<any>('SELECT Email, Account.Name FROM Contact ORDER BY CreatedDate DESC LIMIT 5');
    expect(contacts.records.every((c) => c.Account && EMAIL.test(c.Email))).toBe(true);
  });

  it('refuses bad requests with 400/404 and inserts nothing', async () => {
    await control(ctx.sb, 'POST', '/reset', { seed: 'empty' });
    expect((await generateRaw('Lead', { count: 0 })).status).toBe(400);
    expect((await generateRaw('Lead', { count: 'many' })).status).toBe(400);
    expect((await generateRaw('Lead', { count: 2_000_000 })).status).toBe(400);
    expect((await generateRaw('User', { count: 1 })).status).toBe(400);
    expect((await generateRaw('Nope', { count: 1 })).status).toBe(404);
    expect((await generateRaw('Lead', { count: 1, template: { Nope__c: 1 } })).status).toBe(400);
    expect((await generateRaw('Lead', { count: 1, template: { Email: 'not-an-email' } })).status).toBe(400);
    expect((await generateRaw('Lead', { count: 1, from: 'yesterday' })).status).toBe(400);
    expect((await ctx.conn.query('SELECT COUNT() FROM Lead')).totalSize).toBe(0);
  });

  it('holds 100,000 Leads that query, queryMore and Bulk 2.0 query serve', async () => {
    await control(ctx.sb, 'POST', '/reset', { seed: 'empty' });
    await control(ctx.sb, 'POST', '/generate/Lead', { count: 100_000 });
    expect((await ctx.conn.query('SELECT COUNT() FROM Lead')).totalSize).toBe(100_000);
    const one = await ctx.conn.query<any>('SELECT Id, Email FROM Lead ORDER BY Id DESC LIMIT 1');
    const byEmail = await ctx.conn.query<any>(`SELECT Id FROM Lead WHERE Email = '${one.records[0].Email.toUpperCase()}'`);
    expect(byEmail.records.map((r) => r.Id)).toEqual([one.records[0].Id]);

    let page = await ctx.conn.query<any>('SELECT Id FROM Lead', { autoFetch: false });
    let seen = page.records.length;
    while (!page.done) {
      page = await ctx.conn.queryMore<any>(page.nextRecordsUrl!);
      seen += page.records.length;
    }
    expect(seen).toBe(100_000);

    // jsforce reads one results page (50,000 rows) per job well; more pages it pipes into one CSV parser.
    const rows = await ctx.conn.bulk2.query(`SELECT Id, Email, SystemModstamp FROM Lead WHERE FirstName = 'Ada'`, { pollInterval: 10, pollTimeout: 60_000 });
    let n = 0;
    for await (const r of rows as AsyncIterable<any>) if (EMAIL.test(r.Email) && r.Email.startsWith('ada.')) n++;
    expect(n).toBe((await ctx.conn.query(`SELECT COUNT() FROM Lead WHERE FirstName = 'Ada'`)).totalSize);
    expect(n).toBeGreaterThan(1000);

    // Every page of a 100,000-row job through plain HTTP.
    const job = await api(ctx, 'POST', '/jobs/query', { operation: 'query', query: 'SELECT Id FROM Lead' });
    const ids = new Set<string>();
    let locator = '';
    do {
      const res = await api(ctx, 'GET', `/jobs/query/${job.body.id}/results${locator ? `?locator=${locator}` : ''}`);
      const lines = String(res.body).trim().split('\n').slice(1);
      for (const l of lines) ids.add(l.replace(/"/g, ''));
      locator = res.headers.get('sforce-locator')!;
    } while (locator !== 'null');
    expect(ids.size).toBe(100_000);
  }, 120_000);
});
