import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineName } from '../../../test/helpers/database.ts';
import { connectedOrg, startWorld, type ConnectedWorld } from '../../../test/helpers/salesforce.ts';
import { engineDeps } from '../../../test/helpers/sync.ts';
import { syncOnce } from '../../sync/engine.ts';

describe(`POST .../sync/push/{lead}: Sync now (${engineName})`, () => {
  let world: ConnectedWorld;
  let org: { id: string; apiKey: string };
  beforeAll(async () => {
    // A long debounce: without "Sync now" nothing is due for a minute.
    world = await startWorld({ env: { LEADSYNC_SYNC_DEBOUNCE_MS: '60000' } });
    org = await connectedOrg(world);
    const settings = { push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: false, create_when_no_match: false } }, mappings: { lead: [], contact: [] } };
    expect((await world.api.call('PUT', `/api/v1/orgs/${org.id}/integrations/salesforce/settings`, { token: org.apiKey, body: settings })).status).toBe(200);
  });
  afterAll(() => world?.close());

  it('makes a debounced lead due at once, so the next push takes it', async () => {
    const lead = (await world.api.call('POST', `/api/v1/orgs/${org.id}/leads`, { token: org.apiKey, body: { fields: { email: 'now@example.com', last_name: 'Now', company: 'Now Inc' } } })).body;
    const deps = engineDeps(world);
    expect(await syncOnce(deps)).toBe(0);
    const res = await world.api.call('POST', `/api/v1/orgs/${org.id}/integrations/salesforce/sync/push/${lead.id}`, { token: org.apiKey });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ queued: 1 });
    while ((await syncOnce(deps)) > 0);
    const after = (await world.api.call('GET', `/api/v1/orgs/${org.id}/leads/${lead.id}`, { token: org.apiKey })).body;
    expect(after.sync.status).toBe('synced');
    expect(after.fields.salesforce_lead_id).toMatch(/^00Q/);
  });

  it('an unknown, malformed or other organization’s lead is a 404', async () => {
    const other = await world.api.createOrg('Other');
    const theirs = (await world.api.call('POST', `/api/v1/orgs/${other.id}/leads`, { token: other.apiKey, body: { fields: { email: 'x@example.com' } } })).body;
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope', theirs.id]) {
      expect((await world.api.call('POST', `/api/v1/orgs/${org.id}/integrations/salesforce/sync/push/${id}`, { token: org.apiKey })).status).toBe(404);
    }
  });
});
