/**
 * `npm run soak`: the fault soak of docs/reliability.md. 5,000 leads arrive through the HTTP API in
 * ten waves, each followed by a burst of updates and conversation messages, while the sandbox fails
 * about 10% of Salesforce calls (UNABLE_TO_LOCK_ROW, 503 SERVER_UNAVAILABLE, 300 ms of latency,
 * DROP_AFTER_COMMIT), the access token expires, the connection is revoked and authorized again, and
 * a REQUEST_LIMIT_EXCEEDED window pauses the organization. Then Salesforce must hold exactly one Lead
 * per lead with its latest values: it prints faults, leads, duplicates, lost updates and the time
 * to drain, and exits non-zero when anything is duplicated or lost.
 *
 * It runs what `leadsync start` runs, in one process: the API on the embedded database (on disk),
 * and two push loops; the sandbox in a thread of its own. Bounded: SOAK_MAX_SECONDS (default 360).
 * Shorter push pauses and retry steps than production (10 s, 200 ms) keep it inside that bound.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsforce from 'jsforce';
import { buildApi } from '../src/api/server.ts';
import { loadConfig } from '../src/config/config.ts';
import { openDatabase } from '../src/db/open.ts';
import { createLogger } from '../src/logger.ts';
import { syncErrors } from '../src/metrics.ts';
import { SalesforceClients } from '../src/salesforce/client.ts';
import { newWorkerId, syncOnce } from '../src/sync/engine.ts';
import { claimTurns } from '../src/sync/queue.ts';
import { authorizeThroughSandbox, type ConnectedWorld } from '../test/helpers/salesforce.ts';
import { startSandboxThread } from './sandbox-thread.ts';

const LEADS = Number(process.env.SOAK_LEADS ?? 5000);
const WAVES = 10;
const MAX_SECONDS = Number(process.env.SOAK_MAX_SECONDS ?? 360);
const started = Date.now();
const elapsed = () => ((Date.now() - started) / 1000).toFixed(1);
const say = (text: string) => console.log(`[${elapsed()} s] ${text}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What Salesforce must hold at the end, per email. */
interface Expected {
  id: string;
  first: string;
  last: string;
  title: string;
  lastMessage?: string;
}

async function main(): Promise<number> {
  const deadline = setTimeout(() => {
    console.error(`soak: over ${MAX_SECONDS} s, stopping`);
    process.exit(2);
  }, MAX_SECONDS * 1000);
  deadline.unref();

  const dir = await mkdtemp(path.join(tmpdir(), 'leadsync-soak-'));
  const sandbox = await startSandboxThread({ port: 0, seed: 'empty' });
  const control = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(sandbox.url + p, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  const staffToken = `lss_${randomBytes(16).toString('hex')}`;
  const config = loadConfig({
    SALESFORCE_CLIENT_ID: sandbox.clientId,
    SALESFORCE_CLIENT_SECRET: sandbox.clientSecret,
    SALESFORCE_LOGIN_URL: sandbox.url,
    LEADSYNC_STAFF_TOKEN: staffToken,
    LEADSYNC_SECRET_KEY: randomBytes(32).toString('base64'),
    LEADSYNC_SYNC_DEBOUNCE_MS: '300',
    LEADSYNC_SYNC_BATCH_LINGER_MS: '200',
    LEADSYNC_RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'silent',
  });
  const db = await openDatabase({ dataDir: dir });
  const logger = createLogger('silent');
  const clients = new SalesforceClients({ db, config, logger });
  const app = await buildApi({ db, config, logger, salesforce: clients });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  config.publicUrl = url;

  const call = async (method: string, p: string, options: { token?: string | null; body?: unknown } = {}) => {
    const token = options.token === undefined ? staffToken : options.token;
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + p, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  const created = await call('POST', '/api/v1/orgs', { body: { name: 'Soak' } });
  const org = { id: created.body.id as string, apiKey: created.body.api_key as string };
  const orgCall = (method: string, p: string, body?: unknown) => call(method, `/api/v1/orgs/${org.id}${p}`, { token: org.apiKey, body });
  const world = { api: { call }, sandbox } as unknown as ConnectedWorld;
  const authorize = async () => {
    const { response } = await authorizeThroughSandbox(world, org);
    if (response.status !== 302) throw new Error(`authorization failed: ${response.status} ${await response.text()}`);
  };
  await authorize();
  const settings = await orgCall('PUT', '/integrations/salesforce/settings', {
    push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: false, create_when_no_match: false } },
    mappings: {
      lead: [
        { spara_field: 'email', salesforce_field: 'Email' },
        { spara_field: 'first_name', salesforce_field: 'FirstName' },
        { spara_field: 'last_name', salesforce_field: 'LastName' },
        { spara_field: 'company', salesforce_field: 'Company' },
        { spara_field: 'title', salesforce_field: 'Title' },
        { spara_field: 'conversation', salesforce_field: 'Description' },
      ],
      contact: [],
    },
  });
  if (settings.status !== 200) throw new Error(JSON.stringify(settings.body));

  // Two push loops, as `leadsync start` runs them.
  let running = true;
  const claimTurn = claimTurns();
  const loops = [0, 1].map(async () => {
    const deps = { db, config, logger, clients, workerId: newWorkerId(), claimTurn, retryBaseMs: 200, pauseMs: 10_000 };
    while (running) {
      const done = await syncOnce(deps, () => running).catch((error) => (say(`push loop: ${(error as Error).message}`), 0));
      if (done === 0) await sleep(100);
    }
  });

  const transient = [
    { error: 'UNABLE_TO_LOCK_ROW', probability: 0.03 },
    { error: 'SERVER_UNAVAILABLE', probability: 0.03 },
    { error: 'LATENCY', latency_ms: 300, probability: 0.02 },
    { error: 'DROP_AFTER_COMMIT', probability: 0.02 },
  ];
  await control('POST', '/__sandbox/faults', { faults: transient });
  say(`LeadSync on ${url}, sandbox on ${sandbox.url}; ~10% of Salesforce calls fail transiently`);

  const expected = new Map<string, Expected>();
  const emails: string[] = [];
  let updates = 0;
  let messages = 0;
  const events: string[] = [];
  const perWave = Math.ceil(LEADS / WAVES);
  const pool = async (count: number, work: (i: number) => Promise<void>) => {
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < count) await work(next++);
    }));
  };
  const loadStart = Date.now();
  for (let wave = 0; wave < WAVES; wave++) {
    const base = wave * perWave;
    await pool(Math.min(perWave, LEADS - base), async (k) => {
      const i = base + k;
      const email = `soak.${i}@example.com`;
      const fields = { email, first_name: `F${i}`, last_name: 'L0', company: `Company ${i % 97}`, title: 'T0' };
      const res = await orgCall('POST', '/leads', { fields });
      if (res.status !== 201) throw new Error(`create ${email}: ${res.status} ${JSON.stringify(res.body)}`);
      expected.set(email, { id: res.body.id, first: fields.first_name, last: 'L0', title: 'T0' });
      emails.push(email);
    });
    // A burst: updates and messages to leads of this and earlier waves (some several times).
    await pool(Math.floor(perWave * 0.3), async (k) => {
      const email = emails[(k * 7919 + wave * 104729) % emails.length];
      const e = expected.get(email)!;
      const last = `L${wave}-${k}`;
      const res = await orgCall('PATCH', `/leads/${e.id}`, { fields: { last_name: last, title: `T${wave}` } });
      if (res.status !== 200) throw new Error(`update ${email}: ${res.status}`);
      e.last = last;
      e.title = `T${wave}`;
      updates++;
    });
    await pool(Math.floor(perWave * 0.2), async (k) => {
      const email = emails[(k * 6151 + wave * 3571) % emails.length];
      const e = expected.get(email)!;
      const text = `message ${wave}-${k} to ${email}`;
      const res = await orgCall('POST', `/leads/${e.id}/messages`, { role: k % 2 ? 'agent' : 'lead', channel: 'chat', text });
      if (res.status !== 201) throw new Error(`message ${email}: ${res.status}`);
      e.lastMessage = text;
      messages++;
    });
    if (wave === 2) {
      await control('POST', '/__sandbox/tokens/expire');
      events.push(`${elapsed()} s: access token expired`);
    }
    if (wave === 5) {
      await control('POST', '/__sandbox/tokens/revoke');
      events.push(`${elapsed()} s: connection revoked`);
      // The next push discovers it; the admin authorizes again.
      for (let i = 0; i < 300; i++) {
        if ((await orgCall('GET', '/integrations/salesforce')).body.status === 'reconnection_required') break;
        await sleep(100);
      }
      await authorize();
      events.push(`${elapsed()} s: authorized again`);
    }
    if (wave === 7) {
      await control('POST', '/__sandbox/faults', { faults: [{ error: 'REQUEST_LIMIT_EXCEEDED', count: 3 }] });
      events.push(`${elapsed()} s: REQUEST_LIMIT_EXCEEDED window (3 calls)`);
    }
    const s = (await orgCall('GET', '/integrations/salesforce/sync')).body;
    say(`wave ${wave + 1}/${WAVES}: ${emails.length} leads, ${updates} updates, ${messages} messages; pending ${s.pending}, errors ${s.errors}${s.pause_reason ? `, paused (${s.pause_reason})` : ''}`);
  }
  const loadSeconds = (Date.now() - loadStart) / 1000;
  const drainStart = Date.now();
  for (;;) {
    const s = (await orgCall('GET', '/integrations/salesforce/sync')).body;
    if (s.pending === 0 && s.in_flight === 0) break;
    await sleep(250);
  }
  const drainSeconds = (Date.now() - drainStart) / 1000;
  running = false;
  await Promise.all(loops);
  const status = (await orgCall('GET', '/integrations/salesforce/sync')).body;
  await control('DELETE', '/__sandbox/faults');

  // The failures the pushes met, by code, from the process's own counter (per record and per
  // request; DROP_AFTER_COMMIT shows as CONNECTION_ERROR: a connection closed without an answer).
  const seen = (await syncErrors.get()).values.map((v) => ({ code: String(v.labels.code), n: v.value })).sort((a, b) => b.n - a.n);

  // Salesforce's side, read with the sandbox user.
  const token = await fetch(`${sandbox.url}/services/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: sandbox.clientId, client_secret: sandbox.clientSecret, username: sandbox.username, password: sandbox.password }),
  }).then((r) => r.json() as Promise<{ access_token: string; instance_url: string }>);
  const sf = new jsforce.Connection({ instanceUrl: token.instance_url, accessToken: token.access_token, version: '62.0' });
  const records = (await sf.query<{ Email: string; FirstName: string; LastName: string; Title: string; Description: string | null }>('SELECT Email, FirstName, LastName, Title, Description FROM Lead').run({ autoFetch: true, maxFetch: 1_000_000 })).records;
  const byEmail = new Map<string, typeof records>();
  for (const r of records) byEmail.set(r.Email.toLowerCase(), [...(byEmail.get(r.Email.toLowerCase()) ?? []), r]);
  let duplicates = 0;
  let lost = 0;
  let lostUpdates = 0;
  for (const [email, e] of expected) {
    const found = byEmail.get(email) ?? [];
    if (found.length === 0) lost++;
    duplicates += Math.max(0, found.length - 1);
    const r = found[0];
    if (r && (r.FirstName !== e.first || r.LastName !== e.last || r.Title !== e.title || (e.lastMessage && !(r.Description ?? '').includes(e.lastMessage)))) lostUpdates++;
  }
  const faultTotal = seen.reduce((n, r) => n + r.n, 0);
  console.log('\nLeadSync fault soak');
  console.log(`  leads:                 ${expected.size} (created through the API), ${updates} updates, ${messages} messages`);
  console.log(`  faults met by pushes:  ${faultTotal} (${seen.map((r) => `${r.code} ${r.n}`).join(', ')}), plus 300 ms of latency on ~2% of calls`);
  console.log(`  events:                ${events.join('; ')}`);
  console.log(`  Salesforce Leads:      ${records.length}`);
  console.log(`  duplicates:            ${duplicates}`);
  console.log(`  lost leads:            ${lost}`);
  console.log(`  lost updates:          ${lostUpdates}`);
  console.log(`  leads in error:        ${status.errors}`);
  console.log(`  load phase:            ${loadSeconds.toFixed(1)} s; time to drain after the last write: ${drainSeconds.toFixed(1)} s; total ${elapsed()} s`);

  await app.close();
  await db.close();
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
  return duplicates === 0 && lost === 0 && lostUpdates === 0 && status.errors === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
