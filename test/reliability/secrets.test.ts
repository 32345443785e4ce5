/**
 * Salesforce tokens never rest in plaintext (runtime.md, api-v1.md): after an OAuth flow, a token
 * refresh and a failed refresh, no access token, refresh token, authorization code or client secret
 * appears in the data directory's files (PGlite's write-ahead log included), in any table, or in the
 * logs (at trace level). The only plaintext secrets in the data directory are the staff token, the
 * demo organization's key and the encryption key, in secrets.json, mode 0600.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveSecrets } from '../../src/config/data-dir-secrets.ts';
import type { Database } from '../../src/db/engine.ts';
import { openDatabase } from '../../src/db/open.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase, engineName, serverUrl, type TestDatabase } from '../helpers/database.ts';
import { authorizeThroughSandbox, sandboxControl, startWorld, storedConnection, type ConnectedWorld } from '../helpers/salesforce.ts';

/** Every file under `dir` (relative path → bytes). */
async function files(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out.set(path.relative(dir, path.join(entry.parentPath, entry.name)), await readFile(path.join(entry.parentPath, entry.name)));
  }
  return out;
}

/** Every row of every table of the public schema, as text. */
async function tableText(db: Database): Promise<string> {
  const { rows } = await db.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
  const parts: string[] = [];
  for (const { table_name } of rows) {
    const dump = await db.query<{ row: string }>(`select t::text as row from "${table_name}" t`);
    parts.push(...dump.rows.map((r) => `${table_name}: ${r.row}`));
  }
  expect(rows.length).toBeGreaterThan(5);
  return parts.join('\n');
}

describe(`Salesforce tokens are never stored or logged in plaintext (${engineName})`, () => {
  let world: ConnectedWorld;
  let database: TestDatabase;
  let dataDir: string | undefined;
  const logLines: string[] = [];
  const secrets = new Map<string, string>();
  let org: { id: string; apiKey: string };
  let staffToken: string;

  beforeAll(async () => {
    // PGlite on disk (to read its files), or this test's own PostgreSQL database.
    if (serverUrl) database = await createTestDatabase();
    else {
      dataDir = await mkdtemp(path.join(tmpdir(), 'leadsync-secrets-'));
      const db = await openDatabase({ dataDir });
      database = { db, drop: () => db.close() };
    }
    const sink = new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) });
    world = await startWorld({ database, logger: createLogger('trace', sink), env: { LOG_LEVEL: 'trace' } });
    staffToken = world.api.staffToken;
    await sandboxControl(world.sandbox, 'PUT', '/__sandbox/oauth', { rotate_refresh_tokens: true });
    const collect = async (label: string) => {
      const c = await storedConnection(world, org.id);
      if (c.access) secrets.set(`${label} access token`, c.access);
      if (c.refresh) secrets.set(`${label} refresh token`, c.refresh);
    };

    // 1. The OAuth flow.
    org = await world.api.createOrg('Secretive');
    const { response, callbackUrl } = await authorizeThroughSandbox(world, org);
    expect(response.status).toBe(302);
    secrets.set('authorization code', new URL(callbackUrl).searchParams.get('code')!);
    secrets.set('client secret', world.sandbox.clientSecret);
    await collect('first');

    // 2. A refresh: the access token expires, a call refreshes it (and the refresh token rotates).
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/tokens/expire');
    const fields = await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/fields?object=Lead`, { token: org.apiKey });
    expect(fields.status).toBe(200);
    await collect('refreshed');
    expect(secrets.get('refreshed access token')).not.toBe(secrets.get('first access token'));

    // 3. A failed refresh: everything revoked, the next call's refresh is refused.
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/tokens/revoke');
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/tokens/expire');
    // (Contact: Lead's describe is cached now and would not call Salesforce.)
    const failed = await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/fields?object=Contact`, { token: org.apiKey });
    expect(failed.status).toBe(409);
    expect((await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce`, { token: org.apiKey })).body.status).toBe('reconnection_required');

    // What `leadsync start` keeps in the data directory.
    if (dataDir) await saveSecrets(dataDir, { secretKey: world.api.config.secretKey!.toString('base64'), staffToken, demoOrg: { id: org.id, apiKey: org.apiKey } });
  });
  afterAll(async () => {
    await world.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('collected every token the flow produced', () => {
    expect([...secrets.keys()].sort()).toEqual(['authorization code', 'client secret', 'first access token', 'first refresh token', 'refreshed access token', 'refreshed refresh token']);
    for (const value of secrets.values()) expect(value.length).toBeGreaterThan(10);
  });

  it('no table holds a token in plaintext', async () => {
    const text = await tableText(world.api.database.db);
    expect(text).toContain('salesforce_connections');
    for (const [name, value] of secrets) expect(text.includes(value), name).toBe(false);
    // Organization keys are stored hashed.
    expect(text.includes(org.apiKey)).toBe(false);
  });

  it('no log line holds a token, and the logs were written at trace', () => {
    const text = logLines.join('');
    expect(logLines.length).toBeGreaterThan(10);
    for (const [name, value] of secrets) expect(text.includes(value), name).toBe(false);
    expect(text.includes(org.apiKey)).toBe(false);
    expect(text.includes(staffToken)).toBe(false);
  });

  it.runIf(!serverUrl)('no file of the data directory holds a token; only secrets.json (0600) holds the keys', async () => {
    await world.api.database.db.query('checkpoint');
    const all = await files(dataDir!);
    expect(all.size).toBeGreaterThan(20);
    for (const [file, bytes] of all) {
      for (const [name, value] of secrets) expect(bytes.includes(Buffer.from(value)), `${name} in ${file}`).toBe(false);
      const holdsKey = bytes.includes(Buffer.from(org.apiKey)) || bytes.includes(Buffer.from(staffToken));
      expect(holdsKey, `a key in ${file}`).toBe(file === 'secrets.json');
    }
    expect(((await stat(path.join(dataDir!, 'secrets.json'))).mode & 0o777).toString(8)).toBe('600');
  });
});
