/**
 * The tenant matrix: every route of the running app × (no token, a bad token, another organization's
 * key, the organization's key, the staff token) → the status api-v1.md promises. The routes come from
 * Fastify's own table, so a new route without a line in EXPECTED fails this test until someone says
 * who may call it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineName } from '../helpers/database.ts';
import { connectedOrg, startWorld, type ConnectedWorld } from '../helpers/salesforce.ts';

const CREDENTIALS = ['none', 'bad', 'other', 'org', 'staff'] as const;
type Credential = (typeof CREDENTIALS)[number];

/** The world a cell runs in: the organization in the path, its lead and workflow, and a counter for fresh names. */
interface Fixture {
  main: { id: string; apiKey: string };
  spare: { id: string; apiKey: string };
  other: { id: string; apiKey: string };
  leadId: string;
  workflowId: string;
  /** A Pull Rule with a finished run, and one that has never run (for "Run now"). */
  pullRuleId: string;
  idleRuleId: string;
  pullRunId: string;
  sandboxUrl: string;
  fresh: () => number;
  newWorkflow: (org: { id: string; apiKey: string }) => Promise<string>;
}

interface Expectation {
  /** Status per credential; a number for all of them, or per credential. */
  status: number | Record<Credential, number>;
  /** `spare`: an organization not connected to Salesforce (for routes that change the connection). */
  org?: 'main' | 'spare';
  /** A concrete path for the route's pattern (params and wildcards filled). */
  path?: (f: Fixture, org: { id: string; apiKey: string }) => string | Promise<string>;
  body?: (f: Fixture) => unknown;
}

const api = (org: number, staff = org, other = 404): Record<Credential, number> => ({ none: 401, bad: 401, other, org, staff });
const staffOnly = (staff: number): Record<Credential, number> => ({ none: 401, bad: 401, other: 403, org: 403, staff });
const o = '/api/v1/orgs/:org';
const sf = `${o}/integrations/salesforce`;

const EXPECTED: Record<string, Expectation> = {
  'GET /': { status: 200 },
  // The web UI: every page path gets the app (it signs in through the API); its files need no token.
  'GET /*': { status: 200, path: (f) => `/orgs/${f.main.id}/leads` },
  'GET /favicon.svg': { status: 200 },
  // The OAuth callback's error page's stylesheet.
  'GET /ui/app.css': { status: 200 },
  'GET /assets/*': { status: 200 },
  'GET /healthz': { status: 200 },
  'GET /readyz': { status: 200 },
  'GET /metrics': { status: { none: 401, bad: 401, other: 401, org: 401, staff: 200 } },
  'GET /oauth/salesforce/callback': { status: 400, path: () => '/oauth/salesforce/callback?state=forged&code=x' },
  'GET /api/v1/openapi.json': { status: 200 },
  // The test client follows redirects: these end on the docs page.
  'GET /api/v1/docs': { status: 200 },
  'GET /api/v1/docs/': { status: 200 },
  'GET /api/v1/docs/json': { status: 200 },
  'GET /api/v1/docs/yaml': { status: 200 },
  'GET /api/v1/docs/static/index.html': { status: 200 },
  'GET /api/v1/docs/static/swagger-initializer.js': { status: 200 },
  'GET /api/v1/docs/static/*': { status: 200, path: () => '/api/v1/docs/static/swagger-ui.css' },
  'GET /api/v1/me': { status: { none: 401, bad: 401, other: 200, org: 200, staff: 200 } },
  // Sessions open only from a token in the Authorization header (never from a cookie alone).
  'POST /api/v1/session': { status: { none: 401, bad: 401, other: 201, org: 201, staff: 201 } },
  'GET /api/v1/session': { status: { none: 401, bad: 401, other: 200, org: 200, staff: 200 } },
  'DELETE /api/v1/session': { status: { none: 401, bad: 401, other: 204, org: 204, staff: 204 } },
  'POST /api/v1/orgs': { status: staffOnly(201), body: (f) => ({ name: `Matrix ${f.fresh()}` }) },
  [`GET ${o}`]: { status: api(200) },
  [`GET ${o}/data-model/fields`]: { status: api(200) },
  [`POST ${o}/data-model/fields`]: { status: api(201), body: (f) => ({ key: `matrix_${f.fresh()}`, label: 'Matrix', type: 'string' }) },
  [`POST ${o}/leads`]: { status: api(201), body: (f) => ({ fields: { email: `matrix${f.fresh()}@example.com` } }) },
  [`GET ${o}/leads`]: { status: api(200) },
  [`GET ${o}/leads/:id`]: { status: api(200), path: (f) => `/api/v1/orgs/${f.main.id}/leads/${f.leadId}` },
  [`PATCH ${o}/leads/:id`]: { status: api(200), path: (f) => `/api/v1/orgs/${f.main.id}/leads/${f.leadId}`, body: (f) => ({ fields: { city: `City ${f.fresh()}` } }) },
  [`POST ${o}/leads/:id/messages`]: { status: api(201), path: (f) => `/api/v1/orgs/${f.main.id}/leads/${f.leadId}/messages`, body: () => ({ role: 'lead', channel: 'chat', text: 'hello' }) },
  [`GET ${o}/leads/:id/messages`]: { status: api(200), path: (f) => `/api/v1/orgs/${f.main.id}/leads/${f.leadId}/messages` },
  [`POST ${o}/workflows`]: { status: api(201), body: (f) => ({ name: `W${f.fresh()}`, trigger: 'lead.created', actions: [] }) },
  [`GET ${o}/workflows`]: { status: api(200) },
  [`GET ${o}/workflows/:id`]: { status: api(200), path: (f) => `/api/v1/orgs/${f.main.id}/workflows/${f.workflowId}` },
  [`PUT ${o}/workflows/:id`]: {
    status: api(200),
    path: (f) => `/api/v1/orgs/${f.main.id}/workflows/${f.workflowId}`,
    body: (f) => ({ name: `W${f.fresh()}`, trigger: 'lead.created', actions: [] }),
  },
  [`DELETE ${o}/workflows/:id`]: { status: api(204), path: async (f, org) => `/api/v1/orgs/${org.id}/workflows/${await f.newWorkflow(org)}` },
  [`GET ${o}/workflows/:id/runs`]: { status: api(200), path: (f) => `/api/v1/orgs/${f.main.id}/workflows/${f.workflowId}/runs` },
  [`GET ${o}/outbox`]: { status: api(200) },
  [`POST ${o}/render`]: { status: api(200), body: (f) => ({ lead_id: f.leadId, template: 'Hi {{ email }}' }) },
  [`GET ${sf}`]: { status: api(200) },
  [`POST ${sf}/authorize`]: { status: api(200), org: 'spare', body: () => ({}) },
  // The sandbox refuses these made-up app credentials: 400 with Salesforce's reason.
  [`POST ${sf}/connect`]: { status: api(400), org: 'spare', body: (f) => ({ login_url: f.sandboxUrl, client_id: 'matrix', client_secret: 'wrong' }) },
  [`POST ${sf}/deauthorize`]: { status: api(200), org: 'spare' },
  [`GET ${sf}/fields`]: { status: api(200), path: (f) => `/api/v1/orgs/${f.main.id}/integrations/salesforce/fields?object=Lead` },
  [`GET ${sf}/settings`]: { status: api(200) },
  [`PUT ${sf}/settings`]: {
    status: api(200),
    body: () => ({ push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: false, create_when_no_match: false } }, mappings: { lead: [{ spara_field: 'email', salesforce_field: 'Email' }], contact: [] } }),
  },
  [`GET ${sf}/sync`]: { status: api(200) },
  [`GET ${sf}/sync/log`]: { status: api(200) },
  [`POST ${sf}/sync/preview/:lead`]: { status: api(200), path: (f) => `/api/v1/orgs/${f.main.id}/integrations/salesforce/sync/preview/${f.leadId}` },
  [`POST ${sf}/sync/backfill`]: { status: api(202) },
  [`POST ${sf}/sync/retry`]: { status: api(200) },
  [`POST ${sf}/sync/push/:lead`]: { status: api(202), path: (f) => `/api/v1/orgs/${f.main.id}/integrations/salesforce/sync/push/${f.leadId}` },
  [`GET ${sf}/sync/stats`]: { status: api(200) },
  // Pull Rules are staff only: every organization key is 403, whichever organization it belongs to.
  [`GET ${sf}/pull-rules`]: { status: staffOnly(200) },
  [`PUT ${sf}/pull-rules`]: {
    status: staffOnly(200),
    org: 'spare',
    body: () => ({ rules: [{ name: 'Matrix', object: 'Lead', filter: "LeadSource = 'Web'", enabled: false, interval_minutes: 60 }] }),
  },
  [`POST ${sf}/pull-rules/:rule/run`]: { status: staffOnly(202), path: (f) => `/api/v1/orgs/${f.main.id}/integrations/salesforce/pull-rules/${f.idleRuleId}/run` },
  [`GET ${sf}/pull-runs`]: { status: staffOnly(200) },
  [`GET ${sf}/pull-runs/:run`]: { status: staffOnly(200), path: (f) => `/api/v1/orgs/${f.main.id}/integrations/salesforce/pull-runs/${f.pullRunId}` },
  [`GET ${sf}/pull-runs/:run/log`]: { status: staffOnly(200), path: (f) => `/api/v1/orgs/${f.main.id}/integrations/salesforce/pull-runs/${f.pullRunId}/log` },
};

describe(`tenant matrix: every route × every credential (${engineName})`, () => {
  let world: ConnectedWorld;
  let fixture: Fixture;

  beforeAll(async () => {
    world = await startWorld();
    const main = await connectedOrg(world, 'Matrix main');
    const spare = await world.api.createOrg('Matrix spare');
    const other = await world.api.createOrg('Matrix other');
    let n = 0;
    const newWorkflow = async (org: { id: string; apiKey: string }) =>
      (await world.api.call('POST', `/api/v1/orgs/${org.id}/workflows`, { token: org.apiKey, body: { name: `Doomed ${n++}`, trigger: 'lead.created', actions: [] } })).body.id as string;
    const lead = await world.api.call('POST', `/api/v1/orgs/${main.id}/leads`, { token: main.apiKey, body: { fields: { email: 'matrix@example.com' } } });
    const staff = { token: world.api.staffToken };
    const rules = await world.api.call('PUT', `/api/v1/orgs/${main.id}/integrations/salesforce/pull-rules`, {
      ...staff,
      body: { rules: ['Ran', 'Idle'].map((name) => ({ name, object: 'Lead', filter: "LeadSource = 'Matrix'", enabled: false, interval_minutes: 60 })) },
    });
    const [ran, idle] = rules.body.rules as { id: string }[];
    const run = await world.api.call('POST', `/api/v1/orgs/${main.id}/integrations/salesforce/pull-rules/${ran.id}/run`, staff);
    fixture = {
      main, spare, other, leadId: lead.body.id, workflowId: await newWorkflow(main),
      pullRuleId: ran.id, idleRuleId: idle.id, pullRunId: run.body.run_id,
      sandboxUrl: world.sandbox.url, fresh: () => n++, newWorkflow,
    };
  });
  afterAll(() => world.close());

  it('every route of the app has an expectation', () => {
    const missing = routes().filter((r) => !expectationFor(r));
    expect(missing, 'add these routes to EXPECTED in test/matrix/tenant.test.ts').toEqual([]);
    expect(routes().length).toBeGreaterThan(40);
  });

  it('every route answers each credential with its expected status', async () => {
    const tokens: Record<Credential, (org: { apiKey: string }) => string | null> = {
      none: () => null,
      bad: () => 'lsk_not-a-real-key',
      other: () => fixture.other.apiKey,
      org: (org) => org.apiKey,
      staff: () => world.api.staffToken,
    };
    const mismatches: string[] = [];
    for (const route of routes()) {
      const e = expectationFor(route)!;
      const org = e.org === 'spare' ? fixture.spare : fixture.main;
      for (const credential of CREDENTIALS) {
        const path = e.path ? await e.path(fixture, org) : route.url.replace(':org', org.id);
        const res = await world.api.call(route.method, path, { token: tokens[credential](org), body: e.body?.(fixture) });
        const expected = typeof e.status === 'number' ? e.status : e.status[credential];
        if (res.status !== expected) mismatches.push(`${route.method} ${path} as ${credential}: ${res.status} (expected ${expected}) ${route.method === 'HEAD' ? '' : JSON.stringify(res.body).slice(0, 200)}`);
        // 4xx from the API are always in the documented shape.
        if (res.status >= 400 && path.startsWith('/api/v1/') && route.method !== 'HEAD') {
          if (typeof res.body?.error?.code !== 'string' || typeof res.body?.error?.message !== 'string') mismatches.push(`${route.method} ${path} as ${credential}: not the error shape`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  const routes = () => {
    const seen = new Set<string>();
    return world.api.app.routeTable.filter((r) => {
      const key = `${r.method} ${r.url}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
  // A HEAD route is its GET route without the body.
  // Each built file of the UI is a route of its own (hashed names): one expectation covers them.
  const patternOf = (url: string) => (url.startsWith('/assets/') ? '/assets/*' : url);
  const expectationFor = (r: { method: string; url: string }) => {
    const url = patternOf(r.url);
    return EXPECTED[`${r.method} ${url}`] ?? (r.method === 'HEAD' ? EXPECTED[`GET ${url}`] : undefined);
  };
});
