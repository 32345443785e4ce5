/**
 * The web UI in Debian's Chromium (playwright-core), against a started LeadSync (API, UI, push loop,
 * workflow runner) and the Salesforce sandbox: the walk an admin and a staff member take, in order.
 * No timed assertions: every step waits for a state on the page.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe.ts';
import { hasChromium } from '../helpers/browser.ts';
import { sandboxControl } from '../helpers/salesforce.ts';
import { sandboxAccount, signInWith, startUiWorld, type UiWorld } from '../helpers/ui-world.ts';

describe.runIf(hasChromium)('the web UI in Chromium', { timeout: 180_000 }, () => {
  let world: UiWorld;
  let org: { id: string; apiKey: string };
  let context: BrowserContext;
  let page: Page;
  let lead: { id: string };
  let repName = '';
  const cspErrors: string[] = [];
  const api = (method: string, path: string, body?: unknown) => world.api.call(method, `/api/v1/orgs/${org.id}${path}`, { token: org.apiKey, body });
  const watch = (p: Page) => p.on('console', (m) => /Content Security Policy/i.test(m.text()) && cspErrors.push(m.text()));
  const heading = (p: Page, name: string | RegExp) => p.getByRole('heading', { level: 1, name }).waitFor();
  const settled = (p: Page) => p.waitForFunction(() => ![...document.querySelectorAll('[role="status"]')].some((e) => /^(Loading|Opening)/.test(e.textContent ?? '')));
  const nav = async (name: string) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  };

  beforeAll(async () => {
    world = await startUiWorld();
    org = await world.api.createOrg('Browser Co');
    context = await world.browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    watch(page);
  });
  afterAll(async () => {
    await world?.close();
  });
  // A failed step leaves a picture of the page behind (test-results/, git-ignored).
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: `test-results/ui-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}.png`, fullPage: true }).catch(() => undefined);
  });

  it('refuses a wrong key; signs in with a key, survives a reload, and a second tab is signed in too', async () => {
    await page.goto(`${world.url}/`);
    await page.getByLabel('API key or staff token').fill('lsk_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That key was not accepted').waitFor();
    await signInWith(page, org.apiKey);
    await page.waitForURL(`**/orgs/${org.id}/settings/integrations/salesforce`);
    await heading(page, 'Salesforce');
    await page.reload();
    await heading(page, 'Salesforce');
    const second = await context.newPage();
    watch(second);
    await second.goto(`${world.url}/orgs/${org.id}/leads`);
    await heading(second, 'Leads');
    expect(await second.getByLabel('API key or staff token').count()).toBe(0);
    await second.close();
  });

  it('connects through the sandbox’s login page and comes back connected', async () => {
    expect(await page.locator('#sf-status').textContent()).toBe('Not connected');
    await page.getByRole('button', { name: 'Connect Salesforce' }).click();
    await page.waitForURL(`${world.sandbox.url}/services/oauth2/authorize**`);
    await page.getByLabel('Username').fill(world.sandbox.username);
    await page.getByLabel('Password').fill(world.sandbox.password);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByText(`Connected as ${world.sandbox.username}`).waitFor();
    await page.getByText('Salesforce is connected.').waitFor();
    expect(page.url()).toBe(`${world.url}/orgs/${org.id}/settings/integrations/salesforce`);
  });

  it('sets Push Rules: create stays disabled, with its reason, until update is on', async () => {
    await page.getByRole('tab', { name: 'Leads' }).click();
    const update = page.getByRole('switch', { name: 'Update existing Salesforce Leads' });
    const create = page.getByRole('switch', { name: 'Create leads when no match is found' });
    expect(await create.isDisabled()).toBe(true);
    await page.getByText('This option is only available when the update option is enabled.').waitFor();
    expect(await page.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await update.check();
    expect(await create.isDisabled()).toBe(false);
    await create.check();
    // Leaving with unsaved changes asks first; staying keeps them.
    page.once('dialog', (d) => void d.dismiss());
    await nav('Leads');
    expect(page.url()).toContain('/settings/integrations/salesforce');
    expect(await create.isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#settings-msg').waitFor();
    const saved = (await api('GET', '/integrations/salesforce/settings')).body;
    expect(saved.push.lead).toEqual({ update_existing: true, create_when_no_match: true });
  });

  it('maps Conversation through the searchable select; an incompatible field is refused on its row', async () => {
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByLabel('Spara field, row 2').selectOption({ label: 'Conversation' });
    const sf = page.getByLabel('Salesforce field, row 2');
    // The select offers describe's fields that can take a conversation: text areas, not numbers.
    const listId = await sf.getAttribute('list');
    await page.locator(`datalist[id="${listId}"] option[value="Description"]`).waitFor({ state: 'attached' });
    const offered = await page.locator(`datalist[id="${listId}"] option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toContain('Description');
    expect(offered).not.toContain('NumberOfEmployees');
    await sf.fill('Description');
    await page.locator('td .small', { hasText: 'Description · textarea' }).waitFor();
    // Typed by hand anyway: the server refuses it, on its row.
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByLabel('Spara field, row 3').selectOption({ label: 'Conversation' });
    await page.getByLabel('Salesforce field, row 3').fill('NumberOfEmployees');
    await page.getByRole('button', { name: 'Save' }).click();
    const rowError = page.locator('tr.row-error');
    await rowError.waitFor();
    expect(await rowError.textContent()).toContain('NumberOfEmployees');
    expect(await page.getByLabel('Salesforce field, row 3').getAttribute('aria-describedby')).toBe(await rowError.locator('td').getAttribute('id'));
    await page.getByRole('button', { name: 'Remove row 3' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#settings-msg').waitFor();
    // A new mapping: the offer to backfill existing leads.
    await page.getByRole('button', { name: 'Backfill existing leads' }).waitFor();
    const saved = (await api('GET', '/integrations/salesforce/settings')).body;
    expect(saved.mappings.lead).toContainEqual({ spara_field: 'conversation', salesforce_field: 'Description', write_rule: 'overwrite' });
  });

  it('a lead created through the API turns Synced on the list without a reload; its page shows ids, Account, rep and log', async () => {
    const account = await sandboxAccount(world);
    // Pushes held: the lead waits, visibly, until they resume.
    await world.pausePush();
    await nav('Leads');
    await heading(page, 'Leads');
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const created = await api('POST', '/leads', { fields: { email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace', company: account.Name } });
    expect(created.status).toBe(201);
    lead = created.body;
    await api('POST', `/leads/${lead.id}/messages`, { role: 'lead', channel: 'chat', text: 'Hi, I would like a demo.' });
    const row = page.locator('#leads tbody tr', { hasText: 'ada@example.com' });
    await row.locator('.badge', { hasText: 'Pending' }).waitFor();
    world.resumePush();
    await row.locator('.badge', { hasText: 'Synced' }).waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // Search by name, filter by status.
    await api('POST', '/leads', { fields: { email: 'other@example.com', last_name: 'Other', company: 'Elsewhere' } });
    await page.locator('#leads tbody tr', { hasText: 'other@example.com' }).waitFor();
    await page.getByLabel('Search').fill('lovelace');
    await page.locator('#leads tbody tr', { hasText: 'other@example.com' }).waitFor({ state: 'detached' });
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Sync status').selectOption('synced');
    await row.waitFor();
    await page.getByLabel('Sync status').selectOption('');
    await row.locator('td').nth(2).click();
    await page.waitForURL(`**/orgs/${org.id}/leads/${lead.id}`);
    await heading(page, 'Ada Lovelace');
    const leadLink = page.locator('#sf-lead-id a');
    const leadId = (await leadLink.textContent())!;
    expect(leadId).toMatch(/^00Q/);
    expect(await leadLink.getAttribute('href')).toBe(`${world.sandbox.url}/${leadId}`);
    await page.locator('#sf-account', { hasText: account.Name }).waitFor();
    repName = (await page.locator('#sf-rep').textContent())!.replace(/\s*<.*$/, '');
    expect(repName).not.toBe('—');
    await page.getByText('Hi, I would like a demo.').waitFor();
    const log = page.getByRole('region', { name: 'Sync log' });
    await log.locator('tr', { hasText: 'create' }).locator('.badge', { hasText: 'success' }).first().waitFor();
    await page.getByRole('button', { name: 'Preview sync' }).click();
    await page.getByText('What a sync would do now').waitFor();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText('Queued: LeadSync pushes this lead').waitFor();
  });

  it('a push Salesforce refuses shows in Sync Health by its code; Retry pushes it once fixed', async () => {
    await sandboxControl(world.sandbox, 'POST', '/__sandbox/validation-rules/Lead', { name: 'NoBroken', field: 'Email', condition: 'equals', value: 'broken@example.com', message: 'This address is on the do-not-contact list.' });
    await api('POST', '/leads', { fields: { email: 'broken@example.com', last_name: 'Broke', company: 'Broken Co' } });
    await nav('Sync Health');
    await heading(page, 'Sync Health');
    const errors = page.locator('#errors');
    await errors.getByText('broken@example.com').waitFor({ timeout: 60_000 });
    expect(await errors.locator('h3 code').allTextContents()).toContain('FIELD_CUSTOM_VALIDATION_EXCEPTION');
    await errors.getByRole('link', { name: 'Export errors (CSV)' }).waitFor();
    await page.locator('#api-gauge').waitFor();
    await sandboxControl(world.sandbox, 'DELETE', '/__sandbox/validation-rules/Lead/NoBroken');
    await errors.getByRole('button', { name: 'Retry' }).click();
    await errors.getByText('No lead is in error.').waitFor({ timeout: 60_000 });
  });

  it('builds a workflow with a rep condition, previews its template for a lead, and shows its run', async () => {
    await nav('Workflows');
    await page.getByRole('link', { name: 'New workflow' }).click();
    await heading(page, 'New workflow');
    await page.getByLabel('Name').fill('Tell the rep');
    await page.getByLabel('Trigger').selectOption('lead.updated');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1 field').selectOption({ label: 'Assigned sales rep email' });
    await page.getByLabel('Condition 1 operator').selectOption('is_set');
    await page.getByRole('button', { name: 'Add email' }).click();
    await page.getByLabel('Body').fill('Hi {{ salesforce_assigned_sales_rep_name }}, {{ first_name }} is yours.');
    await page.getByRole('button', { name: 'Create workflow' }).click();
    await page.waitForURL(/\/workflows\/[0-9a-f-]{36}$/);
    await page.getByLabel('Template', { exact: true }).selectOption({ label: 'Action 1 · Body' });
    await page.getByLabel('For lead').selectOption({ label: 'ada@example.com' });
    await page.getByRole('button', { name: 'Render preview' }).click();
    await page.locator('#rendered', { hasText: `Hi ${repName}, Ada is yours.` }).waitFor();
    await api('PATCH', `/leads/${lead.id}`, { fields: { title: 'CTO' } });
    const runs = page.locator('#runs');
    await runs.locator('.badge', { hasText: 'Matched' }).first().waitFor({ timeout: 60_000 });
    await runs.getByText(/email:/).first().waitFor();
  });

  it('the Outbox shows the newest emails first and pages back to the older ones', async () => {
    // An organization of its own: no Salesforce, no other workflow, so its outbox holds exactly these.
    const mailCo = await world.api.createOrg('Mail Co');
    const mailApi = (method: string, path: string, body?: unknown) => world.api.call(method, `/api/v1/orgs/${mailCo.id}${path}`, { token: mailCo.apiKey, body });
    const wf = await mailApi('POST', '/workflows', { name: 'Welcome mail', trigger: 'lead.created', actions: [{ type: 'email', to_template: 'team@example.com', subject_template: 'Welcome {{ first_name }}', body_template: 'Say hi to {{ email }}.' }] });
    expect(wf.status).toBe(201);
    // Each lead's email before the next lead: the outbox's order is then theirs (the runner may run
    // the actions of several events in any order).
    for (let i = 1; i <= 27; i++) {
      expect((await mailApi('POST', '/leads', { fields: { email: `mail${i}@example.com`, first_name: `Reader${i}` } })).status).toBe(201);
      for (let waited = 0; ; waited += 1) {
        const count = (await mailApi('GET', '/outbox?limit=500')).body.items.length;
        if (count === i) break;
        if (waited > 300) throw new Error(`the outbox holds ${count} emails, not ${i}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const mailContext = await world.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const mail = await mailContext.newPage();
      watch(mail);
      await mail.goto(`${world.url}/`);
      await signInWith(mail, mailCo.apiKey);
      await mail.goto(`${world.url}/orgs/${mailCo.id}/outbox`);
      await heading(mail, 'Outbox');
      await mail.getByRole('heading', { name: 'Welcome Reader27' }).waitFor();
      expect(await mail.getByRole('heading', { name: /^Welcome Reader\d+$/ }).count()).toBe(25);
      expect(await mail.getByRole('heading', { name: 'Welcome Reader1', exact: true }).count()).toBe(0);
      await mail.getByRole('button', { name: 'Next page' }).click();
      await mail.getByText('Page 2').waitFor();
      await mail.getByRole('heading', { name: 'Welcome Reader1', exact: true }).waitFor();
      expect(await mail.getByRole('heading', { name: /^Welcome Reader\d+$/ }).count()).toBe(2);
      expect(await mail.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
      await mail.getByRole('button', { name: 'Previous page' }).click();
      await mail.getByRole('heading', { name: 'Welcome Reader27' }).waitFor();
    } finally {
      await mailContext.close();
    }
  });

  it('as staff, edits a Pull Rule (invalid_filter in place) and watches a run finish', async () => {
    const staff = await world.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await staff.newPage();
    watch(p);
    await p.goto(`${world.url}/orgs/${org.id}/pull-rules`);
    await signInWith(p, world.api.staffToken);
    {
      await heading(p, 'Pull Rules');
      await p.getByRole('button', { name: 'Add rule' }).click();
      await p.getByLabel('Name').last().fill('Web leads');
      await p.getByLabel('Filter (SOQL condition)').last().fill('NoSuchField__c = 1');
      await p.getByRole('button', { name: 'Save' }).click();
      await p.locator('.pull-rule .field-error').waitFor();
      await p.getByLabel('Filter (SOQL condition)').last().fill("LeadSource = 'Web'");
      await p.getByRole('button', { name: 'Save' }).click();
      await p.getByText('Saved.').waitFor();
      await p.getByRole('button', { name: 'Run now' }).last().click();
      await p.getByText('Pull run finished').waitFor({ timeout: 120_000 });
      const past = p.getByRole('region', { name: 'Past pull runs' });
      await past.locator('.badge', { hasText: 'succeeded' }).first().waitFor();
      expect((await world.api.call('GET', `/api/v1/orgs/${org.id}/leads?limit=500`)).body.items.some((l: { source: string }) => l.source === 'salesforce_pull')).toBe(true);
    }
    await staff.close();
  });

  it('deauthorizes in a modal dialog: mappings kept, nothing of the old connection shown', async () => {
    await nav('Salesforce');
    await page.getByText(`Connected as ${world.sandbox.username}`).waitFor();
    await page.getByRole('button', { name: 'Deauthorize' }).click();
    const dialog = page.getByRole('dialog', { name: 'Deauthorize Salesforce?' });
    await dialog.getByText(/mappings and Pull Rules are kept/).waitFor();
    await dialog.getByRole('button', { name: 'Deauthorize' }).click();
    await page.locator('#sf-status', { hasText: 'Not connected' }).waitFor();
    const body = (await page.locator('main').textContent())!;
    expect(body).not.toContain(world.sandbox.username);
    expect(body).not.toContain('Salesforce is connected.');
    expect(body).not.toContain('Connected since');
    await page.getByRole('button', { name: 'Connect Salesforce' }).waitFor();
    await page.getByRole('tab', { name: 'Leads' }).click();
    expect(await page.getByLabel('Salesforce field, row 2').inputValue()).toBe('Description');
    expect((await api('GET', '/integrations/salesforce/settings')).body.mappings.lead).toContainEqual({ spara_field: 'conversation', salesforce_field: 'Description', write_rule: 'overwrite' });
  });

  it('axe-core finds no serious or critical violation on any page, and the CSP refused nothing', async () => {
    const workflows = (await api('GET', '/workflows')).body.items;
    const staff = await world.browser.newContext();
    const staffPage = await staff.newPage();
    watch(staffPage);
    await staffPage.goto(`${world.url}/`);
    expect(await seriousViolations(staffPage), 'sign-in').toEqual([]);
    await signInWith(staffPage, world.api.staffToken);
    await heading(staffPage, 'Organizations');
    expect(await seriousViolations(staffPage), 'organizations').toEqual([]);
    const pages: [Page, string, string | RegExp][] = [
      [page, `/orgs/${org.id}/settings/integrations/salesforce`, 'Salesforce'],
      [page, `/orgs/${org.id}/leads`, 'Leads'],
      [page, `/orgs/${org.id}/leads/${lead.id}`, 'Ada Lovelace'],
      [page, `/orgs/${org.id}/sync`, 'Sync Health'],
      [page, `/orgs/${org.id}/workflows`, 'Workflows'],
      [page, `/orgs/${org.id}/workflows/${workflows[0].id}`, 'Tell the rep'],
      [page, `/orgs/${org.id}/workflows/new`, 'New workflow'],
      [page, `/orgs/${org.id}/data-model`, 'Data Model'],
      [page, `/orgs/${org.id}/outbox`, 'Outbox'],
      [page, `/orgs/${org.id}/no-such-page`, 'Page not found'],
      [staffPage, `/orgs/${org.id}/pull-rules`, 'Pull Rules'],
    ];
    for (const [p, path, title] of pages) {
      await p.goto(world.url + path);
      await heading(p, title);
      await settled(p);
      expect(await seriousViolations(p), path).toEqual([]);
    }
    await staff.close();
    expect(cspErrors).toEqual([]);
  });

  it('"Sign out" ends the session in every tab', async () => {
    await page.goto(`${world.url}/orgs/${org.id}/leads`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key or staff token').waitFor();
    const other = await context.newPage();
    await other.goto(`${world.url}/orgs/${org.id}/leads`);
    await other.getByLabel('API key or staff token').waitFor();
    await other.close();
  });
});
