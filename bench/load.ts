/**
 * `npm run load`: can the API take 500 lead writes per second for 60 s with p99 under 100 ms while
 * the sync keeps up? A real `leadsync start` process (embedded database, its two push loops) against
 * the sandbox (in a thread of this process), connected through OAuth; autocannon sends
 * `POST /api/v1/orgs/{org}/leads`, each with a new email, at a fixed rate. Prints the latency
 * percentiles, the rate held, errors, the sync backlog during the run and the time to drain it.
 * Asserts nothing (the machine is shared); docs/benchmarks.md records a run.
 * LOAD_RATE (500), LOAD_SECONDS (60), LOAD_CONNECTIONS (50) change the shape. LOAD_DATABASE_URL
 * (a PostgreSQL server URL) runs the scaled-out shape instead: one `leadsync serve` and two
 * `leadsync worker` processes on a scratch database of that server.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort, run, waitFor, type Run } from '../test/helpers/cli.ts';
import { authorizeThroughSandbox, type ConnectedWorld } from '../test/helpers/salesforce.ts';
import { startSandboxThread } from './sandbox-thread.ts';

const RATE = Number(process.env.LOAD_RATE ?? 500);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 50);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const SERVER_URL = process.env.LOAD_DATABASE_URL;

/** CPU seconds a process has used (user + system, from /proc/<pid>/stat; clock ticks of 1/100 s). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3, so utime (14) and stime (15) are fields[11] and fields[12].
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A scratch database on the PostgreSQL server; dropped by the returned function. */
async function scratchDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `leadsync_load_${Date.now()}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    await c.query(sql).finally(() => c.end());
  };
  await admin(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** The processes under load: `leadsync start` on a data dir, or `serve` + 2 `worker`s on PostgreSQL. */
async function launch(env: Record<string, string>, dir: string): Promise<{ url: string; org: { id: string; apiKey: string }; processes: Run[]; cleanup: () => Promise<void> }> {
  if (!SERVER_URL) {
    // LOAD_PROFILE=DIR writes a CPU profile of the process under load there.
    const start = run(['start', '--no-sandbox', '--port', '0', '--data-dir', dir], env, process.env.LOAD_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LOAD_PROFILE}`] : []);
    const url = (await waitFor(start, /Web UI:\s+(http:\/\/\S+?)\/\s/, 120_000))[1];
    const org = { id: (await waitFor(start, /Demo organization:.*id (\S+)/))[1], apiKey: (await waitFor(start, /Demo API key:\s+(\S+)/))[1] };
    return { url, org, processes: [start], cleanup: async () => {} };
  }
  const database = await scratchDatabase(SERVER_URL);
  const port = await freePort();
  const staffToken = `lss_${randomBytes(16).toString('hex')}`;
  const shared = { ...env, DATABASE_URL: database.url, LEADSYNC_SECRET_KEY: randomBytes(32).toString('base64'), LEADSYNC_STAFF_TOKEN: staffToken, PUBLIC_URL: `http://127.0.0.1:${port}` };
  const serve = run(['serve', '--port', String(port)], { ...shared, LOG_LEVEL: 'info' });
  await waitFor(serve, /serving the API/, 120_000);
  const workers = [run(['worker'], shared), run(['worker'], shared)];
  const url = `http://127.0.0.1:${port}`;
  const created = await fetch(`${url}/api/v1/orgs`, { method: 'POST', headers: { authorization: `Bearer ${staffToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Load' }) }).then((r) => r.json() as Promise<{ id: string; api_key: string }>);
  return { url, org: { id: created.id, apiKey: created.api_key }, processes: [serve, ...workers], cleanup: database.drop };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'leadsync-load-'));
  const sandbox = await startSandboxThread({ port: 0, seed: 'empty' });
  const launched = await launch(
    {
      SALESFORCE_CLIENT_ID: sandbox.clientId,
      SALESFORCE_CLIENT_SECRET: sandbox.clientSecret,
      SALESFORCE_LOGIN_URL: sandbox.url,
      // The default allowance (6,000 a minute per token) is below this test's rate on purpose.
      LEADSYNC_RATE_LIMIT_PER_MINUTE: String(RATE * 60 * 2),
    },
    dir,
  );
  try {
    const { url, org } = launched;
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

    console.log(`${SERVER_URL ? 'leadsync serve + 2 workers on PostgreSQL' : 'leadsync start (embedded)'} on ${url}; ${RATE} lead writes/s for ${SECONDS} s over ${CONNECTIONS} connections`);
    const apiPid = launched.processes[0].child.pid!;
    const cpuBefore = await cpuSeconds(apiPid);
    const backlog: number[] = [];
    const sampler = setInterval(() => void sync().then((s) => backlog.push(s.pending + s.in_flight)), 5000);
    const result = await autocannon({
      url: `${url.replace('//localhost:', '//127.0.0.1:')}/api/v1/orgs/${org.id}/leads`,
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
    const apiCpu = (await cpuSeconds(apiPid)) - cpuBefore;
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
    console.log(`  API process:   ${apiCpu.toFixed(1)} CPU s in ${SECONDS} s = ${((apiCpu * 1000) / Math.max(ok, 1)).toFixed(2)} CPU ms per write${SERVER_URL ? '' : ' (its push loops and database thread included)'}; load average ${(await readFile('/proc/loadavg', 'utf8')).split(' ')[0]}`);
    console.log(`  sync backlog:  every 5 s ${backlog.join(', ')}; at the end ${atEnd.pending + atEnd.in_flight}`);
    console.log(`  drained:       ${drainSeconds.toFixed(1)} s after the load stopped (${ok} leads pushed, ${drained.errors} in error)`);
  } finally {
    for (const p of launched.processes) {
      p.child.kill('SIGTERM');
      await p.exited;
    }
    await launched.cleanup();
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
