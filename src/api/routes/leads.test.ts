import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/helpers/api.ts';
import { engineName } from '../../../test/helpers/database.ts';
import { insertCustomField } from '../../db/custom-fields.ts';

describe(`leads API (${engineName})`, () => {
  let api: TestApi;
  let org: { id: string; apiKey: string };
  let base: string;
  const call = (method: string, path: string, body?: unknown) => api.call(method, `${base}${path}`, { token: org.apiKey, body });
  const queueRow = async (leadId: string) =>
    (await api.database.db.query<{ change_seq: number }>('select change_seq from sync_queue where lead_id = $1', [leadId])).rows[0];

  beforeAll(async () => {
    api = await startTestApi();
    org = await api.createOrg();
    base = `/api/v1/orgs/${org.id}`;
    await call('POST', '/data-model/fields', { key: 'budget', label: 'Budget', type: 'number' });
    await call('POST', '/data-model/fields', { key: 'vip', label: 'VIP', type: 'boolean' });
    await call('POST', '/data-model/fields', { key: 'demo_on', label: 'Demo on', type: 'date' });
    await call('POST', '/data-model/fields', { key: 'seen_at', label: 'Seen at', type: 'datetime' });
  });
  afterAll(() => api.close());

  it('creates a lead (201) and returns the lead object', async () => {
    const res = await call('POST', '/leads', { fields: { email: 'ada@example.com', first_name: 'Ada', budget: 5000, vip: true } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      source: 'api',
      fields: { email: 'ada@example.com', first_name: 'Ada', budget: 5000, vip: true },
      sync: { status: 'pending', last_synced_at: null, last_error: null },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
  });

  it('upserts by email case-insensitively (200) and merges fields', async () => {
    const first = await call('POST', '/leads', { fields: { email: 'grace@example.com', first_name: 'Grace' } });
    const second = await call('POST', '/leads', { fields: { email: 'GRACE@Example.COM', company: 'Navy' } });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.fields).toMatchObject({ first_name: 'Grace', company: 'Navy' });
    const list = await call('GET', '/leads?email=Grace%40EXAMPLE.com');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.next_cursor).toBeNull();
  });

  it('creates a new lead each time when there is no email', async () => {
    const a = await call('POST', '/leads', { fields: { first_name: 'Anon' } });
    const b = await call('POST', '/leads', { fields: { first_name: 'Anon' } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('concurrent upserts with one email make one lead', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => call('POST', '/leads', { fields: { email: 'race@example.com', title: `t${i}` } })));
    expect(results.map((r) => r.status).filter((s) => s === 201)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
  });

  it('a custom field added by another process is accepted at once, though this one validated writes before it existed', async () => {
    expect((await call('POST', '/leads', { fields: { email: 'early@example.com', budget: 1 } })).status).toBe(201);
    expect((await call('POST', '/leads', { fields: { email: 'early@example.com', plan: 'gold' } })).body.error.code).toBe('unknown_field');
    // Another `serve` on the same database adds the field: this process has not seen it.
    await insertCustomField(api.database.db, { org_id: org.id, key: 'plan', label: 'Plan', type: 'string' });
    const res = await call('POST', '/leads', { fields: { email: 'early@example.com', plan: 'gold' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.fields).toMatchObject({ plan: 'gold', budget: 1 });
    // A wrong type is still refused against the fresh model.
    expect((await call('POST', '/leads', { fields: { email: 'early@example.com', budget: 'lots' } })).body.error.code).toBe('validation_failed');
  });

  it('a new lead is queued for sync with status pending in the same write; an upsert of a known email updates it', async () => {
    const created = await call('POST', '/leads', { fields: { email: 'Queued@Example.com', first_name: 'Q' } });
    expect(created.status).toBe(201);
    expect(created.body.sync.status).toBe('pending');
    expect(await queueRow(created.body.id)).toEqual({ change_seq: 1 });
    const again = await call('POST', '/leads', { fields: { email: 'queued@example.com', first_name: 'Quinn' } });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);
    expect(await queueRow(created.body.id)).toEqual({ change_seq: 2 });
    const { rows } = await api.database.db.query<{ n: number }>('select count(*)::int as n from leads where org_id = $1 and email_normalized = $2', [org.id, 'queued@example.com']);
    expect(rows[0].n).toBe(1);
  });

  it('PATCH changes fields, null clears one, GET reads it back', async () => {
    const lead = (await call('POST', '/leads', { fields: { email: 'pat@example.com', first_name: 'Pat', city: 'Oslo' } })).body;
    const patched = await call('PATCH', `/leads/${lead.id}`, { fields: { city: null, title: 'CTO', demo_on: '2026-12-01', seen_at: '2026-11-28T15:03:00+01:00' } });
    expect(patched.status).toBe(200);
    expect(patched.body.fields).toEqual({ email: 'pat@example.com', first_name: 'Pat', title: 'CTO', demo_on: '2026-12-01', seen_at: '2026-11-28T14:03:00.000Z' });
    const got = await call('GET', `/leads/${lead.id}`);
    expect(got.body.fields).toEqual(patched.body.fields);
  });

  it('PATCH to an email another lead has is a 409, and nothing changes', async () => {
    await call('POST', '/leads', { fields: { email: 'taken@example.com' } });
    const lead = (await call('POST', '/leads', { fields: { email: 'mine@example.com', first_name: 'Me' } })).body;
    const res = await call('PATCH', `/leads/${lead.id}`, { fields: { email: 'TAKEN@example.com', first_name: 'Changed' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect((await call('GET', `/leads/${lead.id}`)).body.fields.first_name).toBe('Me');
  });

  it('salesforce ids are writable, validated, and null forgets them', async () => {
    const lead = (await call('POST', '/leads', { fields: { email: 'ids@example.com', salesforce_lead_id: '00Q5e00000AbCdEFGH' } })).body;
    expect(lead.fields.salesforce_lead_id).toBe('00Q5e00000AbCdEFGH');
    const bad = await call('PATCH', `/leads/${lead.id}`, { fields: { salesforce_contact_id: '00Q5e00000AbCdEFGH' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields['fields.salesforce_contact_id']).toMatch(/003/);
    const cleared = await call('PATCH', `/leads/${lead.id}`, { fields: { salesforce_lead_id: null } });
    expect(cleared.body.fields.salesforce_lead_id).toBeUndefined();
  });

  it('marks the lead for sync in the same transaction as every change', async () => {
    const lead = (await call('POST', '/leads', { fields: { email: 'queue@example.com' } })).body;
    expect((await queueRow(lead.id)).change_seq).toBe(1);
    await call('PATCH', `/leads/${lead.id}`, { fields: { first_name: 'Q' } });
    expect((await queueRow(lead.id)).change_seq).toBe(2);
    await call('POST', `/leads/${lead.id}/messages`, { role: 'lead', channel: 'chat', text: 'hi' });
    expect((await queueRow(lead.id)).change_seq).toBe(3);
    // An update that changes nothing costs no sync work.
    await call('PATCH', `/leads/${lead.id}`, { fields: { first_name: 'Q' } });
    expect((await queueRow(lead.id)).change_seq).toBe(3);
  });

  it('a refused write leaves neither the lead nor the queue touched', async () => {
    const lead = (await call('POST', '/leads', { fields: { email: 'atomic@example.com', first_name: 'A' } })).body;
    const before = await queueRow(lead.id);
    const res = await call('PATCH', `/leads/${lead.id}`, { fields: { first_name: 'B', budget: 'lots' } });
    expect(res.status).toBe(400);
    expect((await call('GET', `/leads/${lead.id}`)).body.fields.first_name).toBe('A');
    expect(await queueRow(lead.id)).toEqual(before);
  });

  describe('bad input', () => {
    const cases: Array<[string, unknown, number, string]> = [
      ['unknown field', { fields: { shoe_size: 42 } }, 400, 'unknown_field'],
      ['read-only field', { fields: { salesforce_account_name: 'X' } }, 400, 'read_only_field'],
      ['read-only conversation', { fields: { conversation: 'x' } }, 400, 'read_only_field'],
      ['wrong type (string for number)', { fields: { budget: '5000' } }, 400, 'validation_failed'],
      ['wrong type (number for string)', { fields: { first_name: 5 } }, 400, 'validation_failed'],
      ['wrong type (string for boolean)', { fields: { vip: 'yes' } }, 400, 'validation_failed'],
      ['bad email', { fields: { email: 'not-an-email' } }, 400, 'validation_failed'],
      ['bad date', { fields: { demo_on: '2026-02-30' } }, 400, 'validation_failed'],
      ['datetime without zone', { fields: { seen_at: '2026-11-28T10:00:00' } }, 400, 'validation_failed'],
      ['object value', { fields: { first_name: { a: 1 } } }, 400, 'validation_failed'],
      ['fields missing', {}, 400, 'validation_failed'],
      ['fields not an object', { fields: 'x' }, 400, 'validation_failed'],
      ['unknown top-level property', { fields: {}, extra: 1 }, 400, 'validation_failed'],
      ['string too long', { fields: { first_name: 'x'.repeat(1001) } }, 400, 'validation_failed'],
    ];
    for (const [name, body, status, code] of cases) {
      it(`${name} → ${status} ${code}`, async () => {
        const res = await call('POST', '/leads', body);
        expect(res.status).toBe(status);
        expect(res.body.error.code).toBe(code);
        expect(res.body.error.message).toEqual(expect.any(String));
      });
    }

    it('a bad email names the field in details.fields', async () => {
      const res = await call('POST', '/leads', { fields: { email: 'nope' } });
      expect(res.body.error.details.fields).toHaveProperty(['fields.email']);
    });

    it('malformed JSON → 400, never 500', async () => {
      const res = await api.call('POST', `${base}/leads`, { token: org.apiKey, rawBody: '{"fields": {"email": ' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    });

    it('a body over 1 MiB → 413 payload_too_large', async () => {
      const res = await api.call('POST', `${base}/leads`, { token: org.apiKey, body: { fields: { first_name: 'x'.repeat(1024 * 1024 + 10) } } });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
    });

    it('a non-JSON content type → 415 in the error shape', async () => {
      const res = await api.call('POST', `${base}/leads`, { token: org.apiKey, rawBody: 'email=a', headers: { 'content-type': 'text/plain' } });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
    });

    it('nothing is written by refused requests', async () => {
      const before = (await call('GET', '/leads?limit=500')).body.items.length;
      await call('POST', '/leads', { fields: { email: 'refused@example.com', shoe_size: 1 } });
      await call('POST', '/leads', { fields: { email: 'refused@example.com', budget: 'x' } });
      expect((await call('GET', '/leads?limit=500')).body.items.length).toBe(before);
      expect((await call('GET', '/leads?email=refused@example.com')).body.items).toEqual([]);
    });

    it('an unknown or malformed lead id → 404', async () => {
      for (const id of ['nope', '00000000-0000-4000-8000-000000000000']) {
        expect((await call('GET', `/leads/${id}`)).status).toBe(404);
        expect((await call('PATCH', `/leads/${id}`, { fields: {} })).status).toBe(404);
        expect((await call('POST', `/leads/${id}/messages`, { role: 'lead', channel: 'chat', text: 'x' })).status).toBe(404);
        expect((await call('GET', `/leads/${id}/messages`)).status).toBe(404);
      }
    });

    it("another organization's key → 404, no key → 401", async () => {
      const other = await api.createOrg('Other');
      const lead = (await call('POST', '/leads', { fields: { email: 'private@example.com' } })).body;
      const res = await api.call('GET', `${base}/leads/${lead.id}`, { token: other.apiKey });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
      expect((await api.call('GET', `/api/v1/orgs/${other.id}/leads/${lead.id}`, { token: other.apiKey })).status).toBe(404);
      const anon = await api.call('GET', `${base}/leads/${lead.id}`, { token: null });
      expect(anon.status).toBe(401);
      expect(anon.body.error.code).toBe('unauthorized');
    });

    it('bad limit or cursor → 400', async () => {
      for (const q of ['limit=0', 'limit=501', 'limit=abc', 'cursor=garbage!']) {
        const res = await call('GET', `/leads?${q}`);
        expect(res.status, q).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
      }
    });
  });

  it('lists leads with cursors, every lead exactly once', async () => {
    const fresh = await api.createOrg('Pages');
    const path = `/api/v1/orgs/${fresh.id}/leads`;
    const created = new Set<string>();
    for (let i = 0; i < 7; i++) created.add((await api.call('POST', path, { token: fresh.apiKey, body: { fields: { email: `p${i}@example.com` } } })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await api.call('GET', `${path}?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: fresh.apiKey });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items.map((l: any) => l.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(created);
  });

  it('?q= finds leads whose email, name or company contains the text (case-insensitive); combines with sync_status and pages', async () => {
    const fresh = await api.createOrg('Search');
    const path = `/api/v1/orgs/${fresh.id}/leads`;
    const add = async (fields: Record<string, unknown>) => (await api.call('POST', path, { token: fresh.apiKey, body: { fields } })).body.id as string;
    const ada = await add({ email: 'ada@analytical.example', first_name: 'Ada', last_name: 'Lovelace', company: 'Analytical Engines' });
    const grace = await add({ email: 'grace@navy.example', first_name: 'Grace', last_name: 'Hopper', company: 'US Navy' });
    const alan = await add({ email: 'alan@bletchley.example', first_name: 'Alan', last_name: 'Turing', company: 'Bletchley ANALYTICS' });
    const anon = await add({ company: '100% real_co' });
    const find = async (query: string) => {
      const res = await api.call('GET', `${path}?${query}`, { token: fresh.apiKey });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body.items as Array<{ id: string }>).map((l) => l.id);
    };
    expect(await find('q=ANALYTIC')).toEqual([ada, alan]); // company, either case
    expect(await find('q=navy.example')).toEqual([grace]); // email
    expect(await find('q=hopper')).toEqual([grace]); // last name
    expect(await find(`q=${encodeURIComponent('ada lovelace')}`)).toEqual([ada]); // full name
    expect(await find(`q=${encodeURIComponent('100%')}`)).toEqual([anon]); // no LIKE wildcards
    expect(await find('q=_')).toEqual([anon]);
    expect(await find('q=nobody')).toEqual([]);
    // Combined with sync_status and pagination.
    await api.database.db.query(`update leads set sync_status = 'error' where id = $1`, [alan]);
    expect(await find('q=analytic&sync_status=error')).toEqual([alan]);
    expect(await find('q=analytic&sync_status=pending')).toEqual([ada]);
    expect(await find('sync_status=error')).toEqual([alan]);
    const first = await api.call('GET', `${path}?q=a&limit=2`, { token: fresh.apiKey });
    expect(first.body.items).toHaveLength(2);
    const second = await api.call('GET', `${path}?q=a&limit=2&cursor=${first.body.next_cursor}`, { token: fresh.apiKey });
    expect([...first.body.items, ...second.body.items].map((l: any) => l.id)).toEqual([ada, grace, alan, anon]);
    expect(second.body.next_cursor).toBeNull();
    // Bad input is a 400, never a 500.
    for (const bad of ['sync_status=done', `q=${'x'.repeat(201)}`, 'q=%00']) expect((await api.call('GET', `${path}?${bad}`, { token: fresh.apiKey })).status, bad).toBe(400);
  });
});
