/**
 * `npm run screenshots`: every page of the web UI at 390 px and 1440 px wide, into docs/ui/. Starts
 * LeadSync, its workers and the Salesforce sandbox in-process (test/helpers/ui-world.ts), fills them
 * with a connected organization, leads (synced, pending, one refused by a validation rule), a
 * workflow and its run, then photographs each page as a person would see it.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { buildWeb } from './build-web.mjs';
import { authorizeThroughSandbox, sandboxControl } from '../test/helpers/salesforce.ts';

const step = (what: string) => console.log(`screenshots: ${what}`);
import { sandboxAccount, signInWith, startUiWorld } from '../test/helpers/ui-world.ts';

const OUT = fileURLToPath(new URL('../docs/ui/', import.meta.url));
const WIDTHS = [390, 1440];

async function waitFor(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

await buildWeb();
await mkdir(OUT, { recursive: true });
const world = await startUiWorld();
try {
  const org = await world.api.createOrg('Acme Robotics');
  const call = (method: string, path: string, body?: unknown) => world.api.call(method, `/api/v1/orgs/${org.id}${path}`, { token: org.apiKey, body });
  const { response } = await authorizeThroughSandbox(world, org);
  if (response.status !== 302) throw new Error('connecting the sandbox failed');
  await call('POST', '/data-model/fields', { key: 'budget', label: 'Budget', type: 'number' });
  await call('PUT', '/integrations/salesforce/settings', {
    push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: true, create_when_no_match: false } },
    mappings: {
      lead: [
        { spara_field: 'email', salesforce_field: 'Email' },
        { spara_field: 'first_name', salesforce_field: 'FirstName' },
        { spara_field: 'last_name', salesforce_field: 'LastName' },
        { spara_field: 'company', salesforce_field: 'Company' },
        { spara_field: 'conversation', salesforce_field: 'Description', write_rule: 'overwrite' },
        { spara_field: 'phone', salesforce_field: 'Phone', write_rule: 'if_empty' },
      ],
      contact: [{ spara_field: 'email', salesforce_field: 'Email' }],
    },
  });
  const account = await sandboxAccount(world);
  const people = [
    ['ada@lovelace.example', 'Ada', 'Lovelace', account.Name],
    ['grace@hopper.example', 'Grace', 'Hopper', 'Navy Labs'],
    ['alan@turing.example', 'Alan', 'Turing', 'Bletchley Analytics'],
    ['katherine@johnson.example', 'Katherine', 'Johnson', 'Langley Systems'],
    ['edsger@dijkstra.example', 'Edsger', 'Dijkstra', 'Structured Co'],
  ];
  await world.api.call('POST', `/api/v1/orgs/${org.id}/workflows`, {
    token: org.apiKey,
    body: {
      name: 'Tell the assigned rep',
      trigger: 'lead.updated',
      conditions: { all: [{ field: 'salesforce_assigned_sales_rep_email', op: 'is_set' }] },
      actions: [{ type: 'email', to_template: '{{ salesforce_assigned_sales_rep_email }}', subject_template: 'New lead: {{ first_name }} {{ last_name }}', body_template: "Hi {{ salesforce_assigned_sales_rep_name | default: 'team' }},\n{{ first_name }} from {{ company }} asked for a demo." }],
    },
  });
  step('organization connected; creating leads');
  const ids: string[] = [];
  for (const [email, first, last, company] of people) {
    const lead = (await call('POST', '/leads', { fields: { email, first_name: first, last_name: last, company } })).body;
    ids.push(lead.id);
  }
  await call('POST', `/leads/${ids[0]}/messages`, { role: 'lead', channel: 'chat', text: 'Hi! Could I see a demo of the pick-and-place arm next week?' });
  await call('POST', `/leads/${ids[0]}/messages`, { role: 'agent', channel: 'chat', text: 'Of course. Your account manager will reach out today to find a time.' });
  await sandboxControl(world.sandbox, 'POST', '/__sandbox/validation-rules/Lead', { name: 'NoTestCompany', field: 'Company', condition: 'equals', value: 'Test Company', message: 'Company may not be "Test Company".' });
  await call('POST', '/leads', { fields: { email: 'test@test.example', first_name: 'Tess', last_name: 'Ting', company: 'Test Company' } });
  await waitFor(async () => (await call('GET', '/integrations/salesforce/sync')).body.pending === 0, 'the pushes');
  await call('PATCH', `/leads/${ids[0]}`, { fields: { title: 'Head of Automation' } });
  await waitFor(async () => (await call('GET', '/outbox')).body.items.length > 0, 'the workflow email');
  await waitFor(async () => (await call('GET', '/integrations/salesforce/sync')).body.pending === 0, 'the pushes after the update');
  // One lead still waiting, for the list's "Pending": pushes held from here on.
  await world.pausePush();
  await call('POST', '/leads', { fields: { email: 'new@arrival.example', first_name: 'Nia', last_name: 'Newton', company: 'Fresh Start Ltd' } });
  step('data ready');
  const workflows = (await call('GET', '/workflows')).body.items;
  // A Pull Rule (staff) and one finished run.
  const staffCall = (method: string, path: string, body?: unknown) => world.api.call(method, `/api/v1/orgs/${org.id}/integrations/salesforce${path}`, { body });
  const rules = (await staffCall('PUT', '/pull-rules', { rules: [{ name: 'Web leads', object: 'Lead', filter: "LeadSource = 'Web'", enabled: true, interval_minutes: 60 }, { name: 'Partner contacts', object: 'Contact', filter: "LeadSource = 'Partner'", enabled: false, interval_minutes: 1440 }] })).body.rules;
  const run = (await staffCall('POST', `/pull-rules/${rules[0].id}/run`)).body;
  await waitFor(async () => (await staffCall('GET', `/pull-runs/${run.run_id}`)).body.status !== 'running', 'the pull run');

  const pages: [string, string, (p: Page) => Promise<void>][] = [
    ['settings', `/orgs/${org.id}/settings/integrations/salesforce`, async (p) => void (await p.getByRole('tab', { name: 'Leads' }).click())],
    ['leads', `/orgs/${org.id}/leads`, async (p) => void (await p.locator('#leads tbody tr').first().waitFor())],
    ['lead', `/orgs/${org.id}/leads/${ids[0]}`, async (p) => void (await p.getByText('Could I see a demo').waitFor())],
    ['sync-health', `/orgs/${org.id}/sync`, async (p) => void (await p.locator('#errors h3').first().waitFor())],
    ['workflows', `/orgs/${org.id}/workflows`, async (p) => void (await p.getByRole('link', { name: 'Tell the assigned rep' }).waitFor())],
    ['workflow', `/orgs/${org.id}/workflows/${workflows[0].id}`, async (p) => void (await p.locator('#runs .badge').first().waitFor())],
    ['data-model', `/orgs/${org.id}/data-model`, async (p) => void (await p.getByText('budget').first().waitFor())],
    ['outbox', `/orgs/${org.id}/outbox`, async (p) => void (await p.locator('.mail').first().waitFor())],
    ['not-found', `/orgs/${org.id}/no-such-page`, async () => undefined],
  ];
  step('photographing');
  for (const width of WIDTHS) {
    const context = await world.browser.newContext({ viewport: { width, height: width < 500 ? 844 : 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${world.url}/`);
    await page.screenshot({ path: `${OUT}sign-in-${width}.png`, fullPage: true });
    await signInWith(page, org.apiKey);
    for (const [name, path, ready] of pages) {
      await page.goto(world.url + path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await ready(page);
      await page.waitForFunction(() => ![...document.querySelectorAll('[role="status"]')].some((e) => /^(Loading|Opening)/.test(e.textContent ?? '')));
      await page.screenshot({ path: `${OUT}${name}-${width}.png`, fullPage: true });
    }
    const staff = await world.browser.newContext({ viewport: { width, height: 900 } });
    const staffPage = await staff.newPage();
    await staffPage.goto(`${world.url}/orgs/${org.id}/pull-rules`);
    await signInWith(staffPage, world.api.staffToken);
    await staffPage.getByRole('region', { name: 'Past pull runs' }).waitFor();
    await staffPage.screenshot({ path: `${OUT}pull-rules-${width}.png`, fullPage: true });
    await staffPage.goto(`${world.url}/`);
    await staffPage.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
    await staffPage.screenshot({ path: `${OUT}organizations-${width}.png`, fullPage: true });
    await staff.close();
    await context.close();
  }
  console.log(`screenshots written to ${OUT}`);
} finally {
  await world.close();
}
