import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, control, errorOf, open, type Ctx } from './helpers.ts';

let ctx: Ctx;
beforeAll(async () => {
  ctx = await open({ seed: 'empty' });
});
afterAll(async () => {
  await ctx.sb.close();
});

const minute = (offsetMin: number) => {
  const d = new Date(Date.now() + offsetMin * 60_000);
  d.setUTCSeconds(0, 0);
  return d;
};
const stamp = (d: Date, plusSec = 0) => new Date(d.getTime() + plusSec * 1000).toISOString();

describe('change tracking: updated and deleted', () => {
  it('updated() returns the ids whose SystemModstamp falls in the window (seconds of start/end truncated); deleted records are not listed', async () => {
    const t0 = minute(-120);
    const mk = async (name: string, at: Date) => (await control(ctx.sb, 'POST', '/records/Lead', { LastName: name, Company: 'Co', SystemModstamp: stamp(at), LastModifiedDate: stamp(at) })).id as string;
    const before = await mk('Before', new Date(t0.getTime() - 1000));
    const atStart = await mk('AtStart', t0);
    const inside = await mk('Inside', new Date(t0.getTime() + 30 * 60_000 + 15_000));
    const atEnd = await mk('AtEnd', new Date(t0.getTime() + 60 * 60_000));
    const gone = await mk('Gone', new Date(t0.getTime() + 10 * 60_000));
    // Deleted now: it leaves the updated list and its deletion is outside this window.
    await ctx.conn.sobject('Lead').destroy(gone);

    const res = await ctx.conn.sobject('Lead').updated(stamp(t0, 42), stamp(new Date(t0.getTime() + 60 * 60_000), 59));
    expect(res.ids.sort()).toEqual([atStart, inside].sort());
    expect(res.ids).not.toContain(before);
    expect(res.ids).not.toContain(atEnd);
    expect(res.latestDateCovered).toBe(stamp(new Date(t0.getTime() + 60 * 60_000)).replace('Z', '+0000'));

    // An update moves a record into the current window.
    await ctx.conn.sobject('Lead').update({ Id: before, Title: 'Touched' });
    const now = await ctx.conn.sobject('Lead').updated(stamp(minute(-1)), stamp(minute(2)));
    expect(now.ids).toEqual([before]);
  });

  it('deleted() returns {deletedRecords: [{id, deletedDate}], earliestDateAvailable, latestDateCovered}', async () => {
    const a = (await ctx.conn.sobject('Contact').create({ LastName: 'ToDelete' })) as any;
    const b = (await ctx.conn.sobject('Contact').create({ LastName: 'Kept' })) as any;
    await ctx.conn.sobject('Contact').destroy(a.id);
    const res = await ctx.conn.sobject('Contact').deleted(stamp(minute(-1)), stamp(minute(2)));
    expect(res.deletedRecords).toEqual([{ id: a.id, deletedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/) }]);
    expect(res.deletedRecords.map((d) => d.id)).not.toContain(b.id);
    expect(res.latestDateCovered).toBe(stamp(minute(2)).replace('Z', '+0000'));
    expect(Date.parse(res.earliestDateAvailable.replace('+0000', 'Z'))).toBeLessThanOrEqual(minute(-1).getTime());
    const raw = await api(ctx, 'GET', `/sobjects/Contact/deleted/?start=${encodeURIComponent(stamp(minute(-1)))}&end=${encodeURIComponent(stamp(minute(2)))}`);
    expect(raw.status).toBe(200);
    expect(Object.keys(raw.body).sort()).toEqual(['deletedRecords', 'earliestDateAvailable', 'latestDateCovered']);
  });

  it('refuses a start not before end, or more than 30 days ago (INVALID_REPLICATION_DATE), and missing dates', async () => {
    let e = await errorOf(ctx.conn.sobject('Lead').updated(stamp(minute(0)), stamp(minute(0), 30)));
    expect(e.errorCode).toBe('INVALID_REPLICATION_DATE');
    e = await errorOf(ctx.conn.sobject('Lead').deleted(stamp(minute(-31 * 24 * 60)), stamp(minute(0))));
    expect(e.errorCode).toBe('INVALID_REPLICATION_DATE');
    const missing = await api(ctx, 'GET', '/sobjects/Lead/updated/');
    expect(missing.status).toBe(400);
    const bad = await api(ctx, 'GET', '/sobjects/Lead/updated/?start=yesterday&end=today');
    expect(bad.body[0].errorCode).toBe('INVALID_REPLICATION_DATE');
    expect((await api(ctx, 'POST', `/sobjects/Lead/updated/?start=${stamp(minute(-1))}&end=${stamp(minute(1))}`)).status).toBe(405);
  });
});
