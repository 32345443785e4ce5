import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../test/helpers/api.ts';
import { engineName } from '../../../test/helpers/database.ts';

describe(`conversation messages API (${engineName})`, () => {
  let api: TestApi;
  let org: { id: string; apiKey: string };
  let leadPath: string;
  const call = (method: string, path: string, body?: unknown) => api.call(method, `${leadPath}${path}`, { token: org.apiKey, body });

  beforeAll(async () => {
    api = await startTestApi();
    org = await api.createOrg();
    const lead = await api.call('POST', `/api/v1/orgs/${org.id}/leads`, { token: org.apiKey, body: { fields: { email: 'chat@example.com' } } });
    leadPath = `/api/v1/orgs/${org.id}/leads/${lead.body.id}`;
  });
  afterAll(() => api.close());

  it('adds messages (201) and lists them oldest first, by sent_at', async () => {
    const late = await call('POST', '/messages', { role: 'agent', channel: 'chat', text: 'Second', sent_at: '2026-11-28T14:05:00Z' });
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({ id: expect.any(String), role: 'agent', channel: 'chat', text: 'Second', sent_at: '2026-11-28T14:05:00.000Z' });
    await call('POST', '/messages', { role: 'lead', channel: 'email', text: 'First', sent_at: '2026-11-28T15:03:00+01:00' });
    const now = await call('POST', '/messages', { role: 'lead', channel: 'sms', text: 'Third' });
    expect(Date.now() - Date.parse(now.body.sent_at)).toBeLessThan(60_000);
    const list = await call('GET', '/messages');
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: any) => m.text)).toEqual(['First', 'Second', 'Third']);
    expect(list.body.next_cursor).toBeNull();
  });

  it('pages through messages with a cursor', async () => {
    for (let i = 0; i < 4; i++) await call('POST', '/messages', { role: 'lead', channel: 'voice', text: `page ${i}`, sent_at: '2027-01-01T00:00:00Z' });
    const texts: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await call('GET', `/messages?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      texts.push(...res.body.items.map((m: any) => m.text));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(texts.slice(-4)).toEqual(['page 0', 'page 1', 'page 2', 'page 3']);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('rejects bad messages with 400 and writes nothing', async () => {
    const before = (await call('GET', '/messages?limit=500')).body.items.length;
    const bad = [
      { role: 'bot', channel: 'chat', text: 'x' },
      { role: 'lead', channel: 'fax', text: 'x' },
      { role: 'lead', channel: 'chat' },
      { role: 'lead', channel: 'chat', text: '' },
      { role: 'lead', channel: 'chat', text: 5 },
      { role: 'lead', channel: 'chat', text: 'x', sent_at: 'yesterday' },
      { role: 'lead', channel: 'chat', text: 'x', extra: 1 },
    ];
    for (const body of bad) {
      const res = await call('POST', '/messages', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await call('GET', '/messages?limit=500')).body.items.length).toBe(before);
  });
});
