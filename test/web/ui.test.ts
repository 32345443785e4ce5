import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../helpers/api.ts';
import { hasChromium, launchBrowser } from '../helpers/browser.ts';
import { startWorld, type ConnectedWorld } from '../helpers/salesforce.ts';

// CI installs Debian's chromium (.ci/run); a developer machine without it skips, loudly.
describe.runIf(hasChromium)('web UI in Chromium', () => {
  let api: TestApi;
  let browser: Browser;
  let page: Page;
  let org: { id: string; apiKey: string };

  beforeAll(async () => {
    api = await startTestApi();
    org = await api.createOrg('Browser Co');
    await api.call('POST', `/api/v1/orgs/${org.id}/leads`, { token: org.apiKey, body: { fields: { email: 'ui@example.com', first_name: 'Uma', last_name: 'Ito', company: 'Initech' } } });
    browser = await launchBrowser();
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  it('refuses a wrong key with a message', async () => {
    await page.goto(`${api.url}/`);
    await page.getByLabel('API key or staff token').fill('lsk_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#signin-error').textContent()).toContain('not accepted');
  });

  it('signs in with an organization key alone and lands on the Salesforce settings page', async () => {
    await page.getByLabel('API key or staff token').fill(org.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**/orgs/${org.id}/settings/salesforce`);
    await expect.poll(() => page.locator('#sf-card h2').textContent()).toContain('Salesforce');
  });

  it('lists leads with their sync status', async () => {
    await page.locator('nav a[data-nav="leads"]').click();
    await page.waitForURL(`**/orgs/${org.id}/leads`);
    const row = page.locator('#leads tbody tr').first();
    await expect.poll(() => row.textContent()).toContain('ui@example.com');
    expect(await row.textContent()).toContain('Uma Ito');
    expect(await row.locator('.badge').textContent()).toBe('pending');
  });

  it('a staff token asks for the organization', async () => {
    const staffPage = await browser.newPage();
    await staffPage.goto(`${api.url}/`);
    await staffPage.getByLabel('API key or staff token').fill(api.staffToken);
    await staffPage.getByRole('button', { name: 'Sign in' }).click();
    await staffPage.getByLabel('Organization id (staff)').fill(org.id);
    await staffPage.getByRole('button', { name: 'Sign in' }).click();
    await staffPage.waitForURL(`**/orgs/${org.id}/settings/salesforce`);
    await staffPage.close();
  });
});

describe.runIf(hasChromium)('connecting Salesforce from the web UI', () => {
  let world: ConnectedWorld;
  let browser: Browser;

  beforeAll(async () => {
    world = await startWorld();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await world?.close();
  });

  it('"Connect Salesforce" goes through the real OAuth flow and comes back connected; Deauthorize disconnects', async () => {
    const org = await world.api.createOrg('Clicky');
    const page = await browser.newPage();
    await page.goto(`${world.api.url}/`);
    await page.getByLabel('API key or staff token').fill(org.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**/orgs/${org.id}/settings/salesforce`);
    await expect.poll(() => page.locator('#sf-status').textContent()).toBe('Not connected');
    await page.getByRole('button', { name: 'Connect Salesforce' }).click();
    // The sandbox's login-and-allow page.
    await page.waitForURL(`${world.sandbox.url}/services/oauth2/authorize**`);
    await page.getByLabel('Username').fill(world.sandbox.username);
    await page.getByLabel('Password').fill(world.sandbox.password);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`**/orgs/${org.id}/settings/salesforce?connected=1`);
    await expect.poll(() => page.locator('#sf-status').textContent()).toBe('Connected');
    expect(await page.locator('#sf-username').textContent()).toBe(world.sandbox.username);
    // Push Rules and a mapping, saved through the page.
    await page.getByLabel('Update existing Salesforce Leads').check();
    await page.getByLabel('Create leads when no match is found').check();
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.locator('#tab-body input[data-k="spara_field"]').last().fill('first_name');
    await page.locator('#tab-body input[data-k="spara_field"]').last().dispatchEvent('change');
    await page.locator('#tab-body input[data-k="salesforce_field"]').last().fill('FirstName');
    await page.locator('#tab-body input[data-k="salesforce_field"]').last().dispatchEvent('change');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('#settings-msg').textContent()).toBe('Saved.');
    await page.screenshot({ path: 'test-results/settings.png', fullPage: true });
    const saved = (await world.api.call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/settings`, { token: org.apiKey })).body;
    expect(saved.push.lead).toEqual({ update_existing: true, create_when_no_match: true });
    expect(saved.mappings.lead).toContainEqual({ spara_field: 'first_name', salesforce_field: 'FirstName', write_rule: 'overwrite' });
    // A mapping Salesforce cannot take is refused with the reason on the page.
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.locator('#tab-body input[data-k="spara_field"]').last().fill('company');
    await page.locator('#tab-body input[data-k="spara_field"]').last().dispatchEvent('change');
    await page.locator('#tab-body input[data-k="salesforce_field"]').last().fill('NoSuchField__c');
    await page.locator('#tab-body input[data-k="salesforce_field"]').last().dispatchEvent('change');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('#settings-msg').textContent()).toContain('NoSuchField__c');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Deauthorize' }).click();
    await expect.poll(() => page.locator('#sf-status').textContent()).toBe('Not connected');
    await page.close();
  });
});
