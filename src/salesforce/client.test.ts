import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineName } from '../../test/helpers/database.ts';
import { authorizeThroughSandbox, connectedOrg, sandboxControl, startWorld, storedConnection, type ConnectedWorld } from '../../test/helpers/salesforce.ts';
import { createLogger } from '../logger.ts';
import { SalesforceClients, SalesforceNotConnected, SalesforceReconnectionRequired } from './client.ts';
import { OAuthError } from './token-endpoint.ts';

describe(`Salesforce client: refresh, reconnection, rotation, usage (${engineName})`, () => {
  let world: ConnectedWorld;
  // Probing the connection row before every call: these tests change it behind the client's back.
  const clients = (connectionRecheckMs = 0) => new SalesforceClients({ db: world.api.database.db, config: world.api.config, logger: createLogger('silent'), connectionRecheckMs });
  const oauthCalls = async () => (await sandboxControl(world.sandbox, 'GET', '/__sandbox/stats')).by_kind.oauth as number;
  const stored = (orgId: string) => storedConnection(world, orgId);

  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.close());

  it('refreshes once after the access token expires, and the call succeeds', async () => {
    const org = await connectedOrg(world, 'Expire');
    const client = clients().forOrg(org.id);
    expect(await client.query("SELECT Id FROM User WHERE Username = 'admin@sandbox.example'")).toHaveLength(1);
    const before = await stored(org.id);
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/tokens/expire');
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/stats/reset');
    expect(await client.query('SELECT Id FROM User')).toHaveLength(1);
    expect(await oauthCalls()).toBe(1);
    const after = await stored(org.id);
    expect(after.access).not.toBe(before.access);
    expect(after.row.token_version).toBe(before.row.token_version + 1);
    expect(after.row.status).toBe('connected');
  });

  it('two workers refreshing at once make exactly one refresh call', async () => {
    const org = await connectedOrg(world, 'Concurrent');
    // Two independent client sets: what two worker processes hold.
    const a = clients().forOrg(org.id);
    const b = clients().forOrg(org.id);
    await Promise.all([a.query('SELECT Id FROM User'), b.query('SELECT Id FROM User')]);
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/tokens/expire');
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/stats/reset');
    const results = await Promise.all([a.query('SELECT Id FROM User'), b.query('SELECT Id FROM User'), a.query('SELECT Id FROM User')]);
    expect(results.map((r) => r.length)).toEqual([1, 1, 1]);
    expect(await oauthCalls()).toBe(1);
  });

  it('a call that started before another call of the same client refreshed uses that refresh', async () => {
    const org = await connectedOrg(world, 'Overtaken');
    const client = clients().forOrg(org.id);
    await client.query('SELECT Id FROM User');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // This call holds the pre-expiry token while a second call hits the 401 and refreshes.
    const slow = client.call(async (conn) => {
      await gate;
      return conn.query('SELECT Id FROM User');
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/tokens/expire');
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/stats/reset');
    expect(await client.query('SELECT Id FROM User')).toHaveLength(1);
    release();
    expect((await slow).records).toHaveLength(1);
    expect(await oauthCalls()).toBe(1);
  });

  it('pages, collections create/update with per-record results, and limits', async () => {
    const org = await connectedOrg(world, 'Surface');
    const client = clients().forOrg(org.id);
    const records = Array.from({ length: 250 }, (_, i) => ({ LastName: `Page ${i}`, Company: 'Surface Co', Email: `page${i}@surface.example` }));
    // One record without the required LastName: its error comes back in place, the rest are created.
    const created = await client.create('Lead', [...records, { Company: 'No Name Co' }]);
    expect(created).toHaveLength(251);
    expect(created.slice(0, 250).every((r) => r.success && /^00Q/.test(r.id ?? ''))).toBe(true);
    expect(created[250]).toMatchObject({ success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING' }] });

    const first = await client.queryPage<{ Id: string }>("SELECT Id FROM Lead WHERE Company = 'Surface Co'", { batchSize: 200 });
    expect(first).toMatchObject({ totalSize: 250, done: false });
    expect(first.records).toHaveLength(200);
    const second = await client.queryMore<{ Id: string }>(first.nextRecordsUrl!);
    expect(second.done).toBe(true);
    expect(second.nextRecordsUrl).toBeUndefined();
    const ids = new Set([...first.records, ...second.records].map((r) => r.Id));
    expect(ids).toEqual(new Set(created.slice(0, 250).map((r) => r.id)));

    const updated = await client.update('Lead', [{ Id: created[0].id!, Title: 'CTO' }, { Id: '00Q000000000000AAA', Title: 'Nobody' }]);
    expect(updated[0]).toMatchObject({ success: true, id: created[0].id });
    expect(updated[1].success).toBe(false);
    expect(await client.query<{ Title: string }>(`SELECT Title FROM Lead WHERE Id = '${created[0].id}'`)).toEqual([expect.objectContaining({ Title: 'CTO' })]);

    const limits = await client.limits();
    const sandboxLimits = await sandboxControl(world.sandbox, 'GET', '/__sandbox/limits');
    expect(limits.DailyApiRequests.Max).toBe(sandboxLimits.daily_api_requests);
    expect(await client.apiUsage()).toEqual({ used: sandboxLimits.api_usage, max: sandboxLimits.daily_api_requests });
  });

  it('persists a rotated refresh token before using it, and keeps working', async () => {
    await sandboxControl(world.sandbox, 'PUT', '/__sandbox/oauth', { rotate_refresh_tokens: true });
    try {
      const org = await connectedOrg(world, 'Rotate');
      const client = clients().forOrg(org.id);
      const first = await stored(org.id);
      await sandboxControl(world.sandbox, 'POST', '/__sandbox/tokens/expire');
      await client.query('SELECT Id FROM User');
      const second = await stored(org.id);
      expect(second.refresh).not.toBe(first.refresh);
      // The old refresh token is dead at Salesforce now; the next refresh must use the stored new one.
      await sandboxControl(world.sandbox, 'POST', '/__sandbox/tokens/expire');
      await client.query('SELECT Id FROM User');
      const third = await stored(org.id);
      expect(third.refresh).not.toBe(second.refresh);
      expect(third.row.status).toBe('connected');
    } finally {
      await sandboxControl(world.sandbox, 'PUT', '/__sandbox/oauth', { rotate_refresh_tokens: false });
    }
  });

  it('a revoked refresh token → reconnection_required with the reason; queued work is kept and resumes after authorizing again', async () => {
    const org = await connectedOrg(world, 'Revoked');
    const lead = await world.api.call('POST', `/api/v1/orgs/${org.id}/leads`, { token: org.apiKey, body: { fields: { email: 'kept@example.com' } } });
    const client = clients().forOrg(org.id);
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/tokens/revoke');
    await expect(client.query('SELECT Id FROM User')).rejects.toBeInstanceOf(SalesforceReconnectionRequired);
    const status = (await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce`, { token: org.apiKey })).body;
    expect(status.status).toBe('reconnection_required');
    expect(status.last_error).toContain('invalid_grant');
    // Later calls fail fast without asking Salesforce again.
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/stats/reset');
    await expect(client.query('SELECT Id FROM User')).rejects.toBeInstanceOf(SalesforceReconnectionRequired);
    expect(await oauthCalls()).toBe(0);
    const queued = async () => (await world.api.database.db.query('select lead_id from sync_queue where lead_id = $1', [lead.body.id])).rows.length;
    expect(await queued()).toBe(1);
    // authorize is accepted in reconnection_required; success replaces the tokens.
    const { response } = await authorizeThroughSandbox(world, org);
    expect(response.status).toBe(302);
    expect(await queued()).toBe(1);
    expect(await client.query('SELECT Id FROM User')).toHaveLength(1);
  });

  it("another organization's token copied into a row does not decrypt there: reconnection_required, not a crash", async () => {
    const a = await connectedOrg(world, 'Victim');
    const b = await connectedOrg(world, 'Copier');
    const client = clients().forOrg(b.id);
    expect(await client.query('SELECT Id FROM User')).toHaveLength(1);
    // Someone with write access to the database moves A's encrypted tokens into B's row.
    await world.api.database.db.query(
      `update salesforce_connections b set access_token_enc = a.access_token_enc, refresh_token_enc = a.refresh_token_enc, token_version = b.token_version + 1
       from salesforce_connections a where a.org_id = $1 and b.org_id = $2`,
      [a.id, b.id],
    );
    await expect(client.query('SELECT Id FROM User')).rejects.toBeInstanceOf(SalesforceReconnectionRequired);
    const status = (await world.api.call('GET', `/api/v1/orgs/${b.id}/integrations/salesforce`, { token: b.apiKey })).body;
    expect(status).toMatchObject({ status: 'reconnection_required', last_error: expect.stringContaining('LEADSYNC_SECRET_KEY') });
    const fields = await world.api.call('GET', `/api/v1/orgs/${b.id}/integrations/salesforce/fields?object=Lead`, { token: b.apiKey });
    expect(fields.status).toBe(409);
    // Authorizing again writes tokens bound to B, and it works.
    await authorizeThroughSandbox(world, b);
    expect(await client.query('SELECT Id FROM User')).toHaveLength(1);
    expect((await stored(a.id)).row.status).toBe('connected');
  });

  it('a change to the connection row by another process is seen once the recheck window has passed', async () => {
    const org = await connectedOrg(world, 'Recheck');
    const client = clients(300).forOrg(org.id);
    expect(await client.query('SELECT Id FROM User')).toHaveLength(1);
    // Another process deauthorizes (tokens forgotten, version bumped) without telling this client.
    await world.api.database.db.query(`update salesforce_connections set status = 'not_connected', access_token_enc = null, token_version = token_version + 1 where org_id = $1`, [org.id]);
    await new Promise((r) => setTimeout(r, 350));
    await expect(client.query('SELECT Id FROM User')).rejects.toBeInstanceOf(SalesforceNotConnected);
  });

  it('a deauthorize through the API takes effect at once for the clients of that process', async () => {
    const org = await connectedOrg(world, 'Deauthorize');
    const client = world.api.salesforce.forOrg(org.id);
    expect(await client.query('SELECT Id FROM User')).toHaveLength(1);
    const res = await world.api.call('POST', `/api/v1/orgs/${org.id}/integrations/salesforce/deauthorize`, { token: org.apiKey });
    expect(res.status).toBe(200);
    await expect(client.query('SELECT Id FROM User')).rejects.toBeInstanceOf(SalesforceNotConnected);
  });

  it('a token endpoint that is down (no answer, 503, 429) fails the call but keeps the connection', async () => {
    const org = await connectedOrg(world, 'Outage');
    const client = clients().forOrg(org.id);
    let answer = 503;
    const outage = createServer((_req, res) => res.writeHead(answer, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'try later' })));
    await new Promise<void>((resolve) => outage.listen(0, '127.0.0.1', resolve));
    const outageUrl = `http://127.0.0.1:${(outage.address() as AddressInfo).port}`;
    const db = world.api.database.db;
    try {
      for (const [loginUrl, status] of [[outageUrl, 503], [outageUrl, 429], ['http://127.0.0.1:1', 0]] as const) {
        answer = status;
        await db.query('update salesforce_connections set login_url = $2 where org_id = $1', [org.id, loginUrl]);
        await sandboxControl(world.sandbox, 'POST', '/__sandbox/tokens/expire');
        await expect(client.query('SELECT Id FROM User'), loginUrl + status).rejects.toBeInstanceOf(OAuthError);
        expect((await stored(org.id)).row).toMatchObject({ status: 'connected', last_error: null });
      }
    } finally {
      outage.close();
    }
    await db.query('update salesforce_connections set login_url = $2 where org_id = $1', [org.id, world.sandbox.url]);
    expect(await client.query('SELECT Id FROM User')).toHaveLength(1);
  });

  it('a client-credentials connection gets a new token by the same grant', async () => {
    const org = await world.api.createOrg('CC');
    await world.api.call('POST', `/api/v1/orgs/${org.id}/integrations/salesforce/connect`, {
      token: org.apiKey,
      body: { login_url: world.sandbox.url, client_id: world.sandbox.clientId, client_secret: world.sandbox.clientSecret },
    });
    const client = clients().forOrg(org.id);
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/tokens/expire');
    expect(await client.query('SELECT Id FROM User')).toHaveLength(1);
    expect((await stored(org.id)).row.status).toBe('connected');
  });

  it('tracks API usage from Sforce-Limit-Info per organization', async () => {
    const org = await connectedOrg(world, 'Usage');
    await clients().forOrg(org.id).query('SELECT Id FROM User');
    const limits = await sandboxControl(world.sandbox, 'GET', '/__sandbox/limits');
    const status = (await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce`, { token: org.apiKey })).body;
    expect(status.api_usage).toEqual({ used: limits.api_usage, max: limits.daily_api_requests });
    const metrics = (await world.api.call('GET', '/metrics')).body as string;
    expect(metrics).toContain(`leadsync_salesforce_api_calls_limit{org="${org.id}"} ${limits.daily_api_requests}`);
  });

  it('the database holds no token or client secret in plaintext', async () => {
    const org = await connectedOrg(world, 'Plaintext');
    await clients().forOrg(org.id).query('SELECT Id FROM User');
    const secrets = await stored(org.id);
    const db = world.api.database.db;
    const tables = (await db.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`)).rows;
    expect(tables.length).toBeGreaterThan(5);
    let dump = '';
    for (const { table_name } of tables) {
      const rows = (await db.query<{ t: string }>(`select t::text as t from "${table_name}" t`)).rows;
      dump += rows.map((r) => r.t).join('\n');
    }
    expect(dump.length).toBeGreaterThan(1000);
    for (const secret of [secrets.access, secrets.refresh, world.sandbox.clientSecret]) {
      expect(secret && secret.length > 10).toBe(true);
      expect(dump).not.toContain(secret);
    }
  });
});
