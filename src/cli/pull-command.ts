/**
 * `leadsync pull --org ORG [--rule ID]` (runtime.md): runs an organization's Pull Rules now, with a
 * progress bar. While `leadsync start` runs on the data directory it asks that process (its API
 * starts the run, its scheduler works it); otherwise this process works the runs itself, on the
 * embedded database or on PostgreSQL (where a worker may take a run over; this one then follows it).
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { SalesforceClients } from '../salesforce/client.ts';
import { newWorkerId } from '../sync/engine.ts';
import { pullOnce, type PullDeps } from '../sync/pull.ts';
import { withAdminClient, type AdminClient } from './admin-client.ts';
import { CliError } from './boot.ts';

interface Rule {
  id: string;
  name: string;
  object: string;
  enabled: boolean;
}
interface Run {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  total: number | null;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  error: { code: string; message: string } | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerPullCommand(program: Command): void {
  program
    .command('pull')
    .description("Run an organization's Pull Rules now (all enabled ones, or --rule), with a progress bar. Works while `leadsync start` runs on the same data directory.")
    .requiredOption('--org <id>', 'organization id')
    .option('--rule <id>', 'run only this Pull Rule (enabled or not)')
    .option('--data-dir <dir>', 'embedded database directory')
    .action((options: { org: string; rule?: string; dataDir?: string }) => pullCommand(options));
}

export async function pullCommand(options: { org: string; rule?: string; dataDir?: string }): Promise<void> {
  if (!UUID.test(options.org)) throw new CliError(`No organization ${options.org}.`);
  if (options.rule !== undefined && !UUID.test(options.rule)) throw new CliError(`No Pull Rule ${options.rule} in organization ${options.org}.`);
  const failed = await withAdminClient({ dataDir: options.dataDir }, async (client) => {
    const base = `/api/v1/orgs/${options.org}/integrations/salesforce`;
    const { rules } = await client.request<{ rules: Rule[] }>('GET', `${base}/pull-rules`);
    const chosen = options.rule ? rules.filter((r) => r.id === options.rule!.toLowerCase()) : rules.filter((r) => r.enabled);
    if (options.rule && chosen.length === 0) throw new CliError(`No Pull Rule ${options.rule} in organization ${options.org}.`);
    if (chosen.length === 0) {
      console.log('This organization has no enabled Pull Rule (PUT .../integrations/salesforce/pull-rules, or --rule ID).');
      return 0;
    }
    let failures = 0;
    for (const rule of chosen) {
      const run = await follow(client, base, rule, await startOrJoin(client, base, rule));
      const counts = `${run.processed} processed: ${run.created} created, ${run.updated} updated, ${run.skipped} skipped`;
      if (run.status === 'succeeded') console.log(`${rule.name}: done — ${counts}.`);
      else if (run.status === 'failed') {
        failures++;
        console.log(`${rule.name}: failed — ${run.error?.code}: ${run.error?.message} (${counts} before it stopped).`);
      } else console.log(`${rule.name}: waiting — ${counts} so far; the run resumes by itself (see GET ${base}/pull-runs/${run.id}).`);
    }
    return failures;
  });
  if (failed > 0) process.exitCode = 1;
}

/** The run started now, or the one already running (a rule runs once at a time). */
async function startOrJoin(client: AdminClient, base: string, rule: Rule): Promise<string> {
  try {
    return (await client.request<{ run_id: string }>('POST', `${base}/pull-rules/${rule.id}/run`)).run_id;
  } catch (error) {
    const running = error instanceof CliError ? /already running \(run ([0-9a-f-]{36})\)/.exec(error.message) : null;
    if (!running) throw error;
    console.log(`${rule.name}: already running; following run ${running[1]}.`);
    return running[1];
  }
}

/** Works (when this process holds the database) or watches the run until it ends or must wait, with a progress bar. */
async function follow(client: AdminClient, base: string, rule: Rule, runId: string): Promise<Run> {
  const bar = new cliProgress.SingleBar(
    { format: `${rule.name} {bar} {value}/{total} records | {eta_formatted} left`, hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0);
  const show = (processed: number, total: number | null) => {
    bar.setTotal(Math.max(1, total ?? processed));
    bar.update(processed);
  };
  const local = client.local;
  const deps: PullDeps | undefined = local && {
    db: local.db,
    config: local.config,
    logger: local.logger,
    clients: new SalesforceClients({ db: local.db, config: local.config, logger: local.logger }),
    workerId: newWorkerId(),
    onProgress: (p) => show(p.processed, p.total),
  };
  let run: Run;
  try {
    for (let idle = 0; ; ) {
      const worked = deps ? await pullOnce(deps, runId) : undefined;
      run = await client.request<Run>('GET', `${base}/pull-runs/${runId}`);
      show(run.processed, run.total);
      if (run.status !== 'running') break;
      // Held (reconnection needed, an API limit): nobody can work it now; when this process is the only one, say so and stop.
      if (deps && !worked && ++idle > 5 && client.mode === 'embedded') break;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    bar.stop();
  }
  return run;
}
