import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, control, open, type Ctx } from './helpers.ts';

let ctx: Ctx;
let rep: string;
let queue: string;
let apiUser: string;
beforeAll(async () => {
  ctx = await open({ seed: 'empty' });
  apiUser = ctx.conn.userInfo!.id;
  rep = (await control(ctx.sb, 'POST', '/records/User', { Username: 'rep@sandbox.example', LastName: 'Rep', Email: 'rep@sandbox.example', Alias: 'rep' })).id;
  queue = (await control(ctx.sb, 'POST', '/records/Group', { Name: 'Web Queue', Type: 'Queue' })).id;
});
afterAll(async () => {
  await ctx.sb.close();
});

const NO_ASSIGN = { 'Sforce-Auto-Assign': 'FALSE' };
const ownerOf = async (id: string) => ((await ctx.conn.sobject('Lead').retrieve(id)) as any).OwnerId as string;

async function setRule(active = true) {
  return control(ctx.sb, 'PUT', '/assignment-rules/Lead', {
    active,
    entries: [
      { field: 'LeadSource', equals: 'Web', owner_id: queue },
      { owner_id: rep },
    ],
  });
}

describe('Lead assignment rules', () => {
  it('without a rule (empty seed), a new lead is owned by the API user', async () => {
    const res = (await ctx.conn.sobject('Lead').create({ LastName: 'NoRule', Company: 'Co' })) as any;
    expect(await ownerOf(res.id)).toBe(apiUser);
  });

  it('routes single creates by the first matching entry; an OwnerId in the body loses to the rule', async () => {
    await setRule();
    const web = (await ctx.conn.sobject('Lead').create({ LastName: 'Web', Company: 'Co', LeadSource: 'web' })) as any;
    expect(await ownerOf(web.id)).toBe(queue);
    const other = (await ctx.conn.sobject('Lead').create({ LastName: 'Other', Company: 'Co', LeadSource: 'Other' })) as any;
    expect(await ownerOf(other.id)).toBe(rep);
    const explicit = (await ctx.conn.sobject('Lead').create({ LastName: 'Explicit', Company: 'Co', OwnerId: apiUser })) as any;
    expect(await ownerOf(explicit.id)).toBe(rep);
  });

  it('Sforce-Auto-Assign: FALSE (any case) keeps the owner given, or the API user', async () => {
    await setRule();
    const plain = (await ctx.conn.sobject('Lead').create({ LastName: 'Off', Company: 'Co', LeadSource: 'Web' }, { headers: NO_ASSIGN })) as any;
    expect(await ownerOf(plain.id)).toBe(apiUser);
    const given = await api(ctx, 'POST', '/sobjects/Lead', { LastName: 'Given', Company: 'Co', OwnerId: rep }, { 'Sforce-Auto-Assign': 'false' });
    expect(await ownerOf(given.body.id)).toBe(rep);
    const on = await api(ctx, 'POST', '/sobjects/Lead', { LastName: 'On', Company: 'Co', LeadSource: 'Web' }, { 'Sforce-Auto-Assign': 'TRUE' });
    expect(await ownerOf(on.body.id)).toBe(queue);
  });

  it('routes sObject Collections creates, unless the header says FALSE; updates keep their owner', async () => {
    await setRule();
    const res = await ctx.conn.sobject('Lead').create([{ LastName: 'C1', Company: 'Co', LeadSource: 'Web' }, { LastName: 'C2', Company: 'Co' }], { allOrNone: false });
    expect(await ownerOf(res[0].id!)).toBe(queue);
    expect(await ownerOf(res[1].id!)).toBe(rep);
    const off = await ctx.conn.sobject('Lead').create([{ LastName: 'C3', Company: 'Co', LeadSource: 'Web' }], { allOrNone: false, headers: NO_ASSIGN });
    expect(await ownerOf(off[0].id!)).toBe(apiUser);
    await ctx.conn.sobject('Lead').update({ Id: off[0].id!, Title: 'Changed' });
    expect(await ownerOf(off[0].id!)).toBe(apiUser);
  });

  it('routes Leads created in a composite (record and collection subrequests), with the header on the composite or a subrequest', async () => {
    await setRule();
    const sub = (extra: Record<string, unknown> = {}) => [
      { method: 'POST', url: '/services/data/v64.0/sobjects/Lead', referenceId: 'one', body: { LastName: 'Comp1', Company: 'Co', LeadSource: 'Web' }, ...extra },
      { method: 'POST', url: '/services/data/v64.0/composite/sobjects', referenceId: 'many', body: { records: [{ attributes: { type: 'Lead' }, LastName: 'Comp2', Company: 'Co' }] }, ...extra },
    ];
    const routed = await api(ctx, 'POST', '/composite', { compositeRequest: sub() });
    const [one, many] = routed.body.compositeResponse;
    expect(await ownerOf(one.body.id)).toBe(queue);
    expect(await ownerOf(many.body[0].id)).toBe(rep);

    const off = await api(ctx, 'POST', '/composite', { compositeRequest: sub() }, NO_ASSIGN);
    expect(await ownerOf(off.body.compositeResponse[0].body.id)).toBe(apiUser);
    expect(await ownerOf(off.body.compositeResponse[1].body[0].id)).toBe(apiUser);
    const offSub = await api(ctx, 'POST', '/composite', { compositeRequest: sub({ httpHeaders: NO_ASSIGN }) });
    expect(await ownerOf(offSub.body.compositeResponse[0].body.id)).toBe(apiUser);
  });

  it('an inactive rule routes nothing; GET reads the rule; reset removes it', async () => {
    await setRule(false);
    const res = (await ctx.conn.sobject('Lead').create({ LastName: 'Inactive', Company: 'Co', LeadSource: 'Web' })) as any;
    expect(await ownerOf(res.id)).toBe(apiUser);
    const got = await control(ctx.sb, 'GET', '/assignment-rules/Lead');
    expect(got).toEqual({ type: 'Lead', active: false, entries: [{ field: 'LeadSource', equals: 'Web', owner_id: queue }, { owner_id: rep }] });
    await setRule(true);
    await control(ctx.sb, 'POST', '/reset', { seed: 'empty' });
    expect(await control(ctx.sb, 'GET', '/assignment-rules/Lead')).toEqual({ type: 'Lead', active: false, entries: [] });
  });

  it('refuses bad rules with 400: other objects, unknown fields, owners that cannot own leads', async () => {
    const put = (type: string, body: unknown) =>
      fetch(`${ctx.sb.url}/__sandbox/assignment-rules/${type}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const account = (await control(ctx.sb, 'POST', '/records/Account', { Name: 'A' })).id;
    const inactive = (await control(ctx.sb, 'POST', '/records/User', { Username: 'gone@sandbox.example', LastName: 'Gone', Email: 'gone@sandbox.example', Alias: 'gone', IsActive: false })).id;
    const user = (await control(ctx.sb, 'POST', '/records/User', { Username: 'u@sandbox.example', LastName: 'U', Email: 'u@sandbox.example', Alias: 'u' })).id;
    const cases: Array<[string, unknown]> = [
      ['Contact', { active: true, entries: [{ owner_id: user }] }],
      ['Lead', { active: 'yes', entries: [] }],
      ['Lead', { active: true, entries: [{ field: 'Nope__c', equals: 'x', owner_id: user }] }],
      ['Lead', { active: true, entries: [{ owner_id: account }] }],
      ['Lead', { active: true, entries: [{ owner_id: inactive }] }],
      ['Lead', { active: true, entries: [{ owner_id: 'junk' }] }],
    ];
    for (const [type, body] of cases) {
      const res = await put(type, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error).toBeTruthy();
    }
    expect((await put('Lead', { active: true, entries: [{ owner_id: user }] })).status).toBe(200);
  });
});

describe('demo seed assignment rule', () => {
  it('spreads new Leads over the active reps in turn', async () => {
    const demo = await open({ seed: 'demo' });
    try {
      const reps = await demo.conn.query<{ Id: string }>(`SELECT Id FROM User WHERE IsActive = true AND Username != 'admin@sandbox.example'`);
      expect(reps.totalSize).toBe(8);
      const created = await demo.conn.sobject('Lead').create(
        Array.from({ length: 16 }, (_, i) => ({ LastName: `RR${i}`, Company: 'Co' })),
        { allOrNone: true },
      );
      const owners = await demo.conn.query<{ OwnerId: string }>(`SELECT OwnerId FROM Lead WHERE Id IN ('${created.map((c) => c.id).join("','")}')`);
      const counts = new Map<string, number>();
      for (const r of owners.records) counts.set(r.OwnerId, (counts.get(r.OwnerId) ?? 0) + 1);
      expect([...counts.keys()].sort()).toEqual(reps.records.map((r) => r.Id).sort());
      expect([...counts.values()]).toEqual(Array(8).fill(2));
    } finally {
      await demo.sb.close();
    }
  });
});
