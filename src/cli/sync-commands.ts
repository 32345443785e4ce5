/** `leadsync sync status | backfill --org ORG`: the push queue from the terminal (runtime.md). */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { SyncStatus } from '../sync/status.ts';
import { withAdminClient, type AdminClient } from './admin-client.ts';
import { CliError } from './boot.ts';

const orgPath = (orgId: string) => {
  if (!/^[0-9a-f-]{36}$/i.test(orgId)) throw new CliError(`No organization ${orgId}.`);
  return `/api/v1/orgs/${orgId}/integrations/salesforce`;
};

interface ConnectionStatus {
  status: string;
  username: string | null;
  last_error: string | null;
}

/** The status lines `sync status` prints. */
export function formatStatus(c: ConnectionStatus, s: SyncStatus): string {
  return [
    `Salesforce:  ${c.status}${c.username ? ` as ${c.username}` : ''}${c.last_error ? ` (${c.last_error})` : ''}`,
    `Pending:     ${s.pending}`,
    `In flight:   ${s.in_flight}`,
    `Errors:      ${s.errors}`,
    `Last run:    ${s.last_run_at ?? 'never'}`,
    ...(s.pause_reason ? [`Paused:      ${s.pause_reason}${s.paused_until ? ` until ${s.paused_until}` : ''}`] : []),
    `API usage:   ${s.api_usage ? `${s.api_usage.used} / ${s.api_usage.max}` : 'unknown'}`,
  ].join('\n');
}

const NOT_RUNNING = 'LeadSync is not running on this data directory: the leads are pushed when it runs (`leadsync start`).';

/** Follows `pending + in_flight` down to 0 with a progress bar over `total` leads. */
async function followBackfill(client: AdminClient, base: string, total: number, pollMs: number): Promise<void> {
  const bar = new cliProgress.SingleBar(
    { format: 'Pushing {bar} {value}/{total} leads | {eta_formatted} left', hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let s: SyncStatus;
  for (;;) {
    s = await client.request<SyncStatus>('GET', `${base}/sync`);
    const left = s.pending + s.in_flight;
    bar.update(Math.max(0, total - left));
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  bar.stop();
  console.log(`Done: ${total} leads queued, nothing left to push${s.errors > 0 ? ` (${s.errors} in error: see \`leadsync sync status\`)` : ''}.`);
}

export function registerSyncCommands(program: Command): void {
  const sync = program.command('sync').description('The Salesforce push queue (works while `leadsync start` runs on the same data directory).');

  sync
    .command('status')
    .description('Queue, errors and API usage of an organization.')
    .requiredOption('--org <id>', 'organization id')
    .option('--data-dir <dir>', 'embedded database directory')
    .action((options: { org: string; dataDir?: string }) =>
      withAdminClient({ dataDir: options.dataDir }, async (client) => {
        const base = orgPath(options.org);
        const connection = await client.request<ConnectionStatus>('GET', base);
        console.log(formatStatus(connection, await client.request<SyncStatus>('GET', `${base}/sync`)));
        if (client.mode === 'embedded') console.log(NOT_RUNNING);
      }),
    );

  sync
    .command('backfill')
    .description('Queue every lead of an organization for push (after adding a mapping, say), then a progress bar until they are pushed.')
    .requiredOption('--org <id>', 'organization id')
    .option('--data-dir <dir>', 'embedded database directory')
    .option('--no-wait', 'queue and return at once, without following the progress')
    .action((options: { org: string; dataDir?: string; wait: boolean }) =>
      withAdminClient({ dataDir: options.dataDir }, async (client) => {
        const base = orgPath(options.org);
        const { queued } = await client.request<{ queued: number }>('POST', `${base}/sync/backfill`);
        console.log(`Queued ${queued} leads for push.`);
        // The embedded database is this process's alone (nothing runs): nothing can push now.
        if (client.mode === 'embedded') return console.log(NOT_RUNNING);
        if (!options.wait || queued === 0) return;
        await followBackfill(client, base, queued, 500);
      }),
    );
}
