import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineName } from '../../../test/helpers/database.ts';
import { authorizeThroughSandbox, sandboxControl, startWorld, storedConnection, type ConnectedWorld } from '../../../test/helpers/salesforce.ts';
import { createLogger } from '../../logger.ts';
import { SalesforceClients } from '../../salesforce/client.ts';

describe(`Salesforce secrets never reach the logs, even at debug (${engineName})`, () => {
  let world: ConnectedWorld;
  const lines: string[] = [];
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );

  beforeAll(async () => {
    world = await startWorld({ env: { LOG_LEVEL: 'debug' }, logger });
  });
  afterAll(() => world.close());

  it('the code flow, a refresh, an own-app connect and deauthorize log no code, token or secret', async () => {
    const secrets: string[] = [world.sandbox.clientSecret];
    const org = await world.api.createOrg('Logs');
    const { response } = await authorizeThroughSandbox(world, org, {
      beforeCallback: async (callbackUrl) => {
        secrets.push(new URL(callbackUrl).searchParams.get('code')!, new URL(callbackUrl).searchParams.get('state')!);
      },
    });
    expect(response.status).toBe(302);
    const tokens = async (orgId: string) => {
      const { access, refresh } = await storedConnection(world, orgId);
      return [access, refresh].filter((t): t is string => !!t);
    };
    secrets.push(...(await tokens(org.id)));
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/tokens/expire');
    const client = new SalesforceClients({ db: world.api.database.db, config: world.api.config, logger }).forOrg(org.id);
    await client.query('SELECT Id FROM User');
    secrets.push(...(await tokens(org.id)));
    await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/fields?object=Lead`, { token: org.apiKey });

    const own = await world.api.createOrg('Logs Own App');
    const connect = await world.api.call('POST', `/api/v1/orgs/${own.id}/integrations/salesforce/connect`, {
      token: own.apiKey,
      body: { login_url: world.sandbox.url, client_id: world.sandbox.clientId, client_secret: world.sandbox.clientSecret },
    });
    expect(connect.status).toBe(200);
    secrets.push(...(await tokens(own.id)));
    await world.api.call('POST', `/api/v1/orgs/${org.id}/integrations/salesforce/deauthorize`, { token: org.apiKey });

    const log = lines.join('');
    // The log is really written at debug: request lines and the refresh are there.
    expect(log).toContain('incoming request');
    expect(log).toContain('salesforce token refreshed');
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      expect(log).not.toContain(secret);
      expect(log).not.toContain(encodeURIComponent(secret));
    }
  });
});
