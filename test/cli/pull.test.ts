/**
 * `leadsync pull --org ORG [--rule ID]` as a person runs it: while `leadsync start` runs on the data
 * directory (the running process starts and works the run; the command shows its progress), and with
 * nothing running (the command works the run itself). Salesforce is a sandbox in this test process.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/server.ts';
import { run, runToEnd, waitFor, type Run } from '../helpers/cli.ts';

describe('leadsync pull', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let dir: string;
  let start: Run;
  let url: string;
  let orgId: string;
  let staff: string;
  let ruleId: string;
  const env = () => ({ SALESFORCE_CLIENT_ID: sandbox.clientId, SALESFORCE_CLIENT_SECRET: sandbox.clientSecret, SALESFORCE_LOGIN_URL: sandbox.url });
  const api = async (method: string, apiPath: string, body?: unknown) => {
    const res = await fetch(url + apiPath, { method, headers: { authorization: `Bearer ${staff}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const sf = (p = '') => `/api/v1/orgs/${orgId}/integrations/salesforce${p}`;
  const control = (p: string, body: unknown) => fetch(sandbox.url + p, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, seed: 'empty' });
    await control('/__sandbox/generate/Lead', { count: 1500, template: { LeadSource: 'Web' } });
    await control('/__sandbox/generate/Lead', { count: 200, template: { LeadSource: 'Other' } });
    dir = await mkdtemp(path.join(tmpdir(), 'leadsync-pull-cli-'));
    start = run(['start', '--port', '0', '--no-sandbox', '--data-dir', dir], env());
    url = (await waitFor(start, /Web UI:\s+(http:\/\/\S+?)\/\s/, 150_000))[1];
    orgId = (await waitFor(start, /Demo organization:.*id (\S+)/))[1];
    staff = JSON.parse(await readFile(path.join(dir, 'secrets.json'), 'utf8')).staffToken;
    const connected = await api('POST', sf('/connect'), { login_url: sandbox.url, client_id: sandbox.clientId, client_secret: sandbox.clientSecret });
    expect(connected.body.status).toBe('connected');
    const rules = await api('PUT', sf('/pull-rules'), { rules: [{ name: 'Web leads', object: 'Lead', filter: "LeadSource = 'Web'", enabled: true, interval_minutes: 1440 }] });
    expect(rules.status).toBe(200);
    ruleId = rules.body.rules[0].id;
  }, 240_000);

  afterAll(async () => {
    if (start.child.exitCode === null) {
      start.child.kill('SIGTERM');
      await start.exited;
    }
    await rm(dir, { recursive: true, force: true });
    await sandbox.close();
  });

  it('while start runs: the running process works the run, the command shows a progress bar to the end', async () => {
    const r = await runToEnd(['pull', '--org', orgId, '--data-dir', dir]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('1500/1500 records');
    expect(r.output).toMatch(/Web leads: done — 1500 processed: 1500 created, 0 updated, 0 skipped\./);
    const runs = (await api('GET', sf(`/pull-runs?rule_id=${ruleId}`))).body.items;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'succeeded', processed: 1500 });
    const leads = await api('GET', `/api/v1/orgs/${orgId}/leads?limit=1`);
    expect(leads.body.items[0].source).toBe('salesforce_pull');
  });

  it('bad arguments and unknown rules: a clear message, non-zero exit', async () => {
    const unknown = await runToEnd(['pull', '--org', orgId, '--rule', '00000000-0000-4000-8000-000000000000', '--data-dir', dir]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.output).toMatch(/No Pull Rule/);
    const missing = await runToEnd(['pull', '--data-dir', dir]);
    expect(missing.code).not.toBe(0);
    expect(missing.output).toContain('--org');
  });

  it('with nothing running: the command works the run itself (only changes since the last run)', async () => {
    start.child.kill('SIGTERM');
    await start.exited;
    // Saved now (generate backdates its records over a window unless told otherwise).
    const now = new Date().toISOString();
    await control('/__sandbox/generate/Lead', { count: 40, template: { LeadSource: 'Web' }, from: now, to: now });
    const r = await runToEnd(['pull', '--org', orgId, '--rule', ruleId, '--data-dir', dir], env());
    expect(r.code, r.output).toBe(0);
    expect(r.output, r.output).toMatch(/Web leads: done — 40 processed: 40 created/);
    expect(r.output).toContain('40/40 records');
  });
});
