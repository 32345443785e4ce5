import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineName } from '../../../test/helpers/database.ts';
import { connectedOrg, startWorld, type ConnectedWorld } from '../../../test/helpers/salesforce.ts';

describe(`Pull Rules API (${engineName})`, () => {
  let world: ConnectedWorld;
  let org: { id: string; apiKey: string };
  const staff = (method: string, path: string, body?: unknown) => world.api.call(method, `/api/v1/orgs/${org.id}/integrations/salesforce${path}`, { body });
  const web = { name: 'Web leads', object: 'Lead', filter: "LeadSource = 'Web' AND CreatedDate = LAST_N_DAYS:30", enabled: true, interval_minutes: 15 };
  const vips = { name: 'VIP contacts', object: 'Contact', filter: "Title LIKE '%VP%'", enabled: false, interval_minutes: 60 };

  beforeAll(async () => {
    world = await startWorld();
    org = await connectedOrg(world, 'Pull API');
  });
  afterAll(() => world.close());

  it('an organization key gets 403 forbidden on every pull path, even its own organization', async () => {
    const paths: Array<[string, string]> = [
      ['GET', '/pull-rules'],
      ['PUT', '/pull-rules'],
      ['POST', '/pull-rules/00000000-0000-4000-8000-000000000000/run'],
      ['GET', '/pull-runs'],
      ['GET', '/pull-runs/00000000-0000-4000-8000-000000000000'],
    ];
    for (const [method, path] of paths) {
      const res = await world.api.call(method, `/api/v1/orgs/${org.id}/integrations/salesforce${path}`, { token: org.apiKey, body: method === 'PUT' ? { rules: [] } : undefined });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it('PUT stores the list (ids given to new rules, filters as sent) and GET returns it', async () => {
    expect((await staff('GET', '/pull-rules')).body).toEqual({ rules: [] });
    const put = await staff('PUT', '/pull-rules', { rules: [web, vips] });
    expect(put.status).toBe(200);
    expect(put.body.rules).toHaveLength(2);
    expect(put.body.rules[0]).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), ...web });
    expect(put.body.rules[1]).toEqual({ id: expect.any(String), ...vips });
    expect((await staff('GET', '/pull-rules')).body).toEqual(put.body);

    // PUT replaces: the first rule kept by its id (renamed), the second dropped, a new one added.
    const renamed = { ...put.body.rules[0], name: 'Web (renamed)' };
    const again = await staff('PUT', '/pull-rules', { rules: [renamed, { ...vips, name: 'New' }] });
    expect(again.status).toBe(200);
    expect(again.body.rules[0]).toEqual(renamed);
    expect(again.body.rules[1].id).not.toBe(put.body.rules[1].id);
    expect((await staff('GET', '/pull-rules')).body).toEqual(again.body);
  });

  it.each([
    ['LIMIT', "LeadSource = 'Web' LIMIT 10", /LIMIT/],
    ['ORDER BY', "LeadSource = 'Web' ORDER BY CreatedDate", /ORDER BY/],
    ['a subquery', 'Id IN (SELECT LeadId FROM CampaignMember)', /subquer/],
    ['a second statement', "LeadSource = 'Web'; DELETE FROM Lead", /;/],
    ['an unknown field', "Budget__c > 5", /no field Budget__c/],
    ['an empty filter', '', /empty/],
    ['a comment', "LeadSource = 'Web' -- and more", /comment/],
    ['a relationship field', "Owner.Name = 'Sam'", /own fields/],
  ])('a filter with %s is 400 invalid_filter and nothing is stored', async (_what, filter, reason) => {
    const before = (await staff('GET', '/pull-rules')).body;
    const res = await staff('PUT', '/pull-rules', { rules: [web, { ...web, name: 'Bad', filter }] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_filter');
    expect(res.body.error.message).toMatch(reason);
    expect(res.body.error.details.rules['rules.1.filter']).toMatch(reason);
    expect((await staff('GET', '/pull-rules')).body).toEqual(before);
  });

  it('fields are checked against the object of the rule', async () => {
    const res = await staff('PUT', '/pull-rules', { rules: [{ ...vips, filter: "Company = 'Acme'" }] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Contact has no field Company/);
  });

  it('bad input is 400 validation_failed, unknown rules and runs 404', async () => {
    expect((await staff('PUT', '/pull-rules', { rules: [{ ...web, object: 'Account' }] })).status).toBe(400);
    expect((await staff('PUT', '/pull-rules', { rules: [{ ...web, interval_minutes: 0 }] })).body.error.code).toBe('validation_failed');
    expect((await staff('PUT', '/pull-rules', { rules: [{ ...web, id: 'nope' }] })).body.error.code).toBe('validation_failed');
    expect((await staff('PUT', '/pull-rules', { rules: [{ ...web, extra: 1 }] })).body.error.code).toBe('validation_failed');
    expect((await staff('POST', '/pull-rules/00000000-0000-4000-8000-000000000000/run')).status).toBe(404);
    expect((await staff('POST', '/pull-rules/not-an-id/run')).status).toBe(404);
    expect((await staff('GET', '/pull-runs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await staff('GET', '/pull-runs?rule_id=nope')).status).toBe(400);
  });

  it('a run is 202 with its id, 409 with the running run id while it runs, and listed newest first', async () => {
    const rules = (await staff('PUT', '/pull-rules', { rules: [web, vips] })).body.rules;
    const first = await staff('POST', `/pull-rules/${rules[0].id}/run`);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ run_id: expect.any(String) });
    const second = await staff('POST', `/pull-rules/${rules[0].id}/run`);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('conflict');
    expect(second.body.error.details.run_id).toBe(first.body.run_id);
    expect(second.body.error.message).toContain(first.body.run_id);
    const other = await staff('POST', `/pull-rules/${rules[1].id}/run`);
    expect(other.status).toBe(202);

    const run = await staff('GET', `/pull-runs/${first.body.run_id}`);
    expect(run.body).toEqual({
      id: first.body.run_id, rule_id: rules[0].id, status: 'running', total: null, processed: 0, created: 0, updated: 0, skipped: 0, errors: 0,
      started_at: expect.any(String), finished_at: null, error: null,
    });
    const all = await staff('GET', '/pull-runs');
    expect(all.body.items.map((r: { id: string }) => r.id)).toEqual([other.body.run_id, first.body.run_id]);
    const one = await staff('GET', `/pull-runs?rule_id=${rules[0].id}`);
    expect(one.body.items.map((r: { id: string }) => r.id)).toEqual([first.body.run_id]);
    const page = await staff('GET', '/pull-runs?limit=1');
    expect(page.body.items).toHaveLength(1);
    const next = await staff('GET', `/pull-runs?limit=1&cursor=${page.body.next_cursor}`);
    expect(next.body.items[0].id).toBe(first.body.run_id);
    expect(next.body.next_cursor).toBeNull();
  });

  it('another organization sees none of it (staff path to another org is 404 for its runs)', async () => {
    const other = await world.api.createOrg('Other');
    const res = await world.api.call('GET', `/api/v1/orgs/${other.id}/integrations/salesforce/pull-runs`);
    expect(res.body.items).toEqual([]);
    const rules = (await staff('GET', '/pull-rules')).body.rules;
    expect((await world.api.call('POST', `/api/v1/orgs/${other.id}/integrations/salesforce/pull-rules/${rules[0].id}/run`)).status).toBe(404);
    // A rule id of another organization cannot be taken over by a PUT.
    const steal = await world.api.call('PUT', `/api/v1/orgs/${other.id}/integrations/salesforce/pull-rules`, { body: { rules: [{ ...web, id: rules[0].id }] } });
    expect(steal.status).toBe(400);
  });

  it('without a connection: filters are checked for syntax only, and a run is 409 not_connected', async () => {
    const lone = await world.api.createOrg('Lone');
    const path = `/api/v1/orgs/${lone.id}/integrations/salesforce`;
    expect((await world.api.call('PUT', `${path}/pull-rules`, { body: { rules: [{ ...web, filter: 'Whatever__c = 1' }] } })).status).toBe(200);
    expect((await world.api.call('PUT', `${path}/pull-rules`, { body: { rules: [{ ...web, filter: 'Whatever__c = 1 LIMIT 1' }] } })).status).toBe(400);
    const rule = (await world.api.call('GET', `${path}/pull-rules`)).body.rules[0];
    const run = await world.api.call('POST', `${path}/pull-rules/${rule.id}/run`);
    expect(run.status).toBe(409);
    expect(run.body.error.code).toBe('not_connected');
  });
});
