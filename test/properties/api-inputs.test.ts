/**
 * No input a client can send is answered 500 (api-v1.md, runtime.md): every route of the app, with
 * path parameters, query strings and bodies drawn from the whole of Unicode — NUL, lone surrogates,
 * invalid UTF-8 in percent-escapes, over-long ids, impossible dates — answers below 500, and an API
 * 4xx is always `{"error": {"code", "message"}}`. Bodies are valid ones with random parts swapped
 * out, so that the checks behind the schema are reached too.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.ts';
import { engineName } from '../helpers/database.ts';

const weirdUnits = fc.constantFrom('\u0000', '\ud800', '\udfff', '\udbff\udfff', 'a', 'Z', '0', '"', "'", '\\', '/', '%', '?', '#', '&', '=', '.', ' ', '\n', '😀', 'é', '\u2028', '\ufeff', '\u202e');
const weird = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: weirdUnits, maxLength: 16 }),
  fc.constantFrom('', '0', '-1', '1e999', 'null', 'true', '[]', '{}', 'a'.repeat(300), '0000-01-01T00:00:00Z', '0001-01-01', '2026-02-30', '2026-02-30T10:00:00Z', '99999-01-01T00:00:00Z', 'constructor', '__proto__', 'toString'),
);

/** Percent-encodes the UTF-8 of a string (a lone surrogate becomes U+FFFD's bytes, as a browser sends it). */
const encode = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
const segment = fc.oneof(weird.map(encode), fc.constantFrom('%ED%A0%80', '%FF', '%C0%AF', '%00', '%', '%zz'));

/** An arbitrary that yields `value` or a variant of it with parts replaced by odd values. */
function like(value: unknown): fc.Arbitrary<unknown> {
  const odd = fc.oneof(weird, fc.constantFrom(null, 0, -1, 1.5, 1e308, true, [], {}));
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return fc.oneof(fc.constant(value), odd);
  if (Array.isArray(value)) return value.length === 0 ? fc.oneof(fc.constant(value), fc.array(odd, { maxLength: 2 })) : fc.oneof(fc.constant(value), odd, fc.array(like(value[0]), { maxLength: 3 }));
  const entries = Object.entries(value as Record<string, unknown>);
  return fc.oneof(
    { weight: 4, arbitrary: fc.record(Object.fromEntries(entries.map(([k, v]) => [k, like(v)]))) },
    { weight: 1, arbitrary: fc.record(Object.fromEntries(entries.map(([k, v]) => [k, like(v)]))).chain((o) => fc.tuple(weird, odd).map(([k, v]) => ({ ...o, [k]: v }))) },
    { weight: 1, arbitrary: odd },
  );
}

const settingsDoc = { push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: false, create_when_no_match: false } }, mappings: { lead: [{ spara_field: 'email', salesforce_field: 'Email', write_rule: 'overwrite' }], contact: [] }, required_field_placeholder: '[not provided]' };
/** A valid body per route (`:lead` stands for the lead id); routes without one get random JSON. */
const BODIES: Record<string, unknown> = {
  'POST /api/v1/orgs': { name: 'Acme' },
  'POST /api/v1/orgs/:org/data-model/fields': { key: 'budget', label: 'Budget', type: 'number' },
  'POST /api/v1/orgs/:org/leads': { fields: { email: 'prop@example.com', first_name: 'Ada', company: 'Acme', website: 'https://acme.example', phone: '+1 555 0100' } },
  'PATCH /api/v1/orgs/:org/leads/:id': { fields: { first_name: 'Ada', city: 'Paris' } },
  'POST /api/v1/orgs/:org/leads/:id/messages': { role: 'lead', channel: 'chat', text: 'hello', sent_at: '2026-11-28T14:03:00Z' },
  'POST /api/v1/orgs/:org/workflows': { name: 'W', trigger: 'lead.created', conditions: { all: [{ field: 'email', op: 'contains', value: '@' }] }, actions: [{ type: 'set_field', field: 'city', value_template: '{{ email }}' }] },
  'POST /api/v1/orgs/:org/render': { lead_id: ':lead', template: 'Hi {{ first_name }}' },
  'POST /api/v1/orgs/:org/integrations/salesforce/authorize': { login_url: 'https://login.salesforce.com' },
  'POST /api/v1/orgs/:org/integrations/salesforce/connect': { login_url: 'https://acme.my.salesforce.com', client_id: 'id', client_secret: 'secret' },
  'PUT /api/v1/orgs/:org/integrations/salesforce/settings': settingsDoc,
};
const QUERY_KEYS = fc.oneof(fc.constantFrom('limit', 'cursor', 'email', 'object', 'lead_id', 'status', 'hours', 'q', 'sync_status', 'state', 'code', 'error'), weird);

describe(`every route, any input: never a 5xx (${engineName})`, () => {
  let api: TestApi;
  let org: { id: string; apiKey: string };
  let ids: Record<string, string>;

  beforeAll(async () => {
    api = await startTestApi();
    org = await api.createOrg('Props');
    const lead = await api.call('POST', `/api/v1/orgs/${org.id}/leads`, { token: org.apiKey, body: { fields: { email: 'seed@example.com' } } });
    const workflow = await api.call('POST', `/api/v1/orgs/${org.id}/workflows`, { token: org.apiKey, body: { name: 'seed', trigger: 'lead.created', actions: [] } });
    ids = { org: org.id, id: lead.body.id, lead: lead.body.id, file: 'app.js' };
    ids.workflow = workflow.body.id;
  });
  afterAll(() => api.close());

  it('answers below 500, and API errors in the documented shape', async () => {
    const routes = api.app.routeTable.filter((r) => r.method !== 'HEAD');
    const request = fc.record({
      route: fc.constantFrom(...routes),
      params: fc.dictionary(fc.constantFrom('org', 'id', 'lead', 'file', '*'), fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 2, arbitrary: segment })),
      query: fc.dictionary(QUERY_KEYS, weird, { maxKeys: 3 }),
      staff: fc.boolean(),
      body: fc.oneof({ weight: 5, arbitrary: fc.constant('template') }, { weight: 1, arbitrary: fc.jsonValue() }, { weight: 1, arbitrary: fc.constantFrom('{', 'null', '"x"', '[', '{"fields": {"a": "\\ud800"}}', '{"name": "\\u0000"}') }),
      seed: fc.integer(),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const workflowRoute = r.route.url.includes('/workflows/:id');
        const path = r.route.url.replace(/:(\w+)|\*/g, (m, name: string | undefined) => {
          const key = name ?? '*';
          if (r.params[key] !== undefined) return r.params[key]!;
          if (key === 'id' && workflowRoute) return ids.workflow;
          return ids[key] ?? 'x/y';
        });
        const query = Object.entries(r.query).map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
        const key = `${r.route.method} ${r.route.url}`;
        let body: unknown;
        let rawBody: string | undefined;
        if (r.route.method !== 'GET' && r.route.method !== 'DELETE') {
          if (r.body === 'template') {
            const template = JSON.parse(JSON.stringify(BODIES[key] ?? {}).replace(/":lead"/g, JSON.stringify(ids.lead)));
            body = fc.sample(like(template), { seed: r.seed, numRuns: 1 })[0];
          } else if (typeof r.body === 'string' && !r.body.startsWith('{"')) rawBody = r.body;
          else body = r.body;
        }
        const url = `${path}${query ? `?${query}` : ''}`;
        const res = await api.call(r.route.method, url, { token: r.staff ? api.staffToken : org.apiKey, body, rawBody });
        const where = `${r.route.method} ${url} ${JSON.stringify(body ?? rawBody ?? null).slice(0, 300)} → ${res.status} ${String(JSON.stringify(res.body)).slice(0, 300)}`;
        expect(res.status, where).toBeLessThan(500);
        if (res.status >= 400 && path.startsWith('/api/v1/') && !path.startsWith('/api/v1/docs')) {
          expect(res.body?.error, where).toMatchObject({ code: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) });
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 400) },
    );
  });
});
