/**
 * `npm run load`: can the API take 500 lead writes per second for 60 s with p99 under 100 ms while
 * the sync keeps up? A real `leadsync start` process (embedded database, its two push loops) against
 * the sandbox (in a thread of this process), connected through OAuth; autocannon sends
 * `POST /api/v1/orgs/{org}/leads`, each with a new email, at a fixed rate. Prints the latency
 * percentiles, the rate held, errors, the sync backlog during the run and the time to drain it.
 * Asserts nothing (the machine is shared); docs/benchmarks.md records a run.
 * LOAD_RATE (500), LOAD_SECONDS (60), LOAD_CONNECTIONS (50) change the shape.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { run, waitFor } from '../test/helpers/processes.ts';
import { authorizeThroughSandbox, type ConnectedWorld } from '../test/helpers/salesforce.ts';
import { startSandboxThread } from './sandbox-thread.ts';

const RATE = Number(process.env.LOAD_RATE ?? 500);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 50);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'leadsync-load-'));
  const sandbox = await startSandboxThread({ port: 0, seed: 'empty' });
  const start = run(['start', '--no-sandbox', '--port', '0', '--data-dir', dir], {
    SALESFORCE_CLIENT_ID: sandbox.clientId,
    SALESFORCE_CLIENT_SECRET: sandbox.clientSecret,
    SALESFORCE_LOGIN_URL: sandbox.url,
    // The default allowance (6,000 a minute per token) is below this test's rate on purpose.
    LEADSYNC_RATE_LIMIT_PER_MINUTE: String(RATE * 60 * 2),
  });
  try {
    const url = (await waitFor(start, /Web UI:\s+(http:\/\/\S+?)\/\s/, 120_000))[1];
    const org = { id: (await waitFor(start, /Demo organization:.*id (\S+)/))[1], apiKey: (await waitFor(start, /Demo API key:\s+(\S+)/))[1] };
    const call = async (method: string, p: string, options: { token?: string | null; body?: unknown } = {}) => {
      const token = options.token === undefined ? org.apiKey : options.token;
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(url + p, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    };
    const { response } = await authorizeThroughSandbox({ api: { call }, sandbox } as unknown as ConnectedWorld, org);
    if (response.status !== 302) throw new Error(`authorization failed: ${response.status}`);
    const settings = await call('PUT', `/api/v1/orgs/${org.id}/integrations/salesforce/settings`, {
      body: {
        push: { lead: { update_existing: true, create_when_no_match: true }, contact: { update_existing: false, create_when_no_match: false } },
        mappings: { lead: [{ spara_field: 'email', salesforce_field: 'Email' }, { spara_field: 'first_name', salesforce_field: 'FirstName' }, { spara_field: 'last_name', salesforce_field: 'LastName' }, { spara_field: 'company', salesforce_field: 'Company' }], contact: [] },
      },
    });
    if (settings.status !== 200) throw new Error(JSON.stringify(settings.body));
    const sync = async () => (await call('GET', `/api/v1/orgs/${org.id}/integrations/salesforce/sync`)).body as { pending: number; in_flight: number; errors: number };

    console.log(`leadsync start on ${url}; ${RATE} lead writes/s for ${SECONDS} s over ${CONNECTIONS} connections`);
    const backlog: number[] = [];
    const sampler = setInterval(() => void sync().then((s) => backlog.push(s.pending + s.in_flight)), 5000);
    const result = await autocannon({
      url: `${url}/api/v1/orgs/${org.id}/leads`,
      method: 'POST',
      connections: CONNECTIONS,
      overallRate: RATE,
      duration: SECONDS,
      headers: { authorization: `Bearer ${org.apiKey}`, 'content-type': 'application/json' },
      // [<id>] becomes a new id per request: every write is a new lead.
      idReplacement: true,
      body: JSON.stringify({ fields: { email: 'load-[<id>]@example.com', first_name: 'Load', last_name: 'Test [<id>]', company: 'Acme' } }),
    });
    clearInterval(sampler);
    const atEnd = await sync();
    const drainStart = Date.now();
    let drained = atEnd;
    while (drained.pending + drained.in_flight > 0 && Date.now() - drainStart < 600_000) {
      await sleep(500);
      drained = await sync();
    }
    const drainSeconds = (Date.now() - drainStart) / 1000;
    const ok = result['2xx'];
    console.log('\nLeadSync API load');
    console.log(`  requests:      ${result.requests.total} (${ok} 2xx, ${result.non2xx} other, ${result.errors} errors, ${result.timeouts} timeouts)`);
    console.log(`  rate held:     ${(ok / SECONDS).toFixed(0)} lead writes/s (target ${RATE})`);
    console.log(`  latency:       p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`);
    console.log(`  sync backlog:  every 5 s ${backlog.join(', ')}; at the end ${atEnd.pending + atEnd.in_flight}`);
    console.log(`  drained:       ${drainSeconds.toFixed(1)} s after the load stopped (${ok} leads pushed, ${drained.errors} in error)`);
  } finally {
    start.child.kill('SIGTERM');
    await start.exited;
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
