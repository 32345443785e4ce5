import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../test/helpers/api.ts';
import { createTestDatabase, engineName, type TestDatabase } from '../../test/helpers/database.ts';

describe(`API key lookups (${engineName})`, () => {
  let api: TestApi;
  let database: TestDatabase;
  const keyLookups: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const query = database.db.query.bind(database.db);
    database.db.query = ((text: string, params?: unknown[]) => {
      if (text.includes('api_key_hash =')) keyLookups.push(text);
      return query(text, params);
    }) as typeof database.db.query;
    api = await startTestApi({}, { database });
  });
  afterAll(() => api.close());

  it('an organization key is looked up once, not on every request; a bad token every time', async () => {
    const org = await api.createOrg('Cached');
    keyLookups.length = 0;
    for (let i = 0; i < 5; i++) expect((await api.call('GET', '/api/v1/me', { token: org.apiKey })).body.org.id).toBe(org.id);
    expect(keyLookups).toHaveLength(1);
    for (let i = 0; i < 3; i++) expect((await api.call('GET', '/api/v1/me', { token: 'lsk_not-a-key' })).status).toBe(401);
    expect(keyLookups).toHaveLength(4);
  });
});
