/** `leadsync sync status | backfill --org ORG`: the push queue from the terminal. */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { getConnection } from '../db/salesforce-connections.ts';
import { getOrg } from '../db/orgs.ts';
import { orgSyncStatus, requeueLeads } from '../db/sync.ts';
import { boot, CliError, type Booted } from './boot.ts';

async function withOrg<T>(orgId: string, dataDir: string | undefined, fn: (booted: Booted) => Promise<T>): Promise<T> {
  const booted = await boot({ overrides: { LEADSYNC_DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
  try {
    if (!/^[0-9a-f-]{36}$/i.test(orgId) || !(await getOrg(booted.db, orgId))) throw new CliError(`No organization ${orgId}.`);
    return await fn(booted);
  } finally {
    await booted.shutdown();
  }
}

export function registerSyncCommands(program: Command): void {
  const sync = program.command('sync').description('The Salesforce push queue.');

  sync
    .command('status')
    .description('Queue, errors and API usage of an organization.')
    .requiredOption('--org <id>', 'organization id')
    .option('--data-dir <dir>', 'embedded database directory')
    .action((options: { org: string; dataDir?: string }) =>
      withOrg(options.org, options.dataDir, async ({ db }) => {
        const s = await orgSyncStatus(db, options.org);
        const c = await getConnection(db, options.org);
        console.log(
          [
            `Salesforce:  ${c?.status ?? 'not_connected'}${c?.username ? ` as ${c.username}` : ''}${c?.last_error ? ` (${c.last_error})` : ''}`,
            `Pending:     ${s.pending}`,
            `In flight:   ${s.in_flight}`,
            `Errors:      ${s.errors}`,
            `Last run:    ${s.last_run_at ? s.last_run_at.toISOString() : 'never'}`,
            ...(s.paused_until && s.paused_until > new Date() ? [`Paused:      until ${s.paused_until.toISOString()} (${s.pause_reason})`] : []),
            `API usage:   ${c?.api_used != null ? `${c.api_used} / ${c.api_max}` : 'unknown'}`,
          ].join('\n'),
        );
      }),
    );

  sync
    .command('backfill')
    .description('Queue every lead of an organization for push (after adding a mapping, say), and follow the queue.')
    .requiredOption('--org <id>', 'organization id')
    .option('--data-dir <dir>', 'embedded database directory')
    .option('--no-wait', 'queue and return without following the progress')
    .action((options: { org: string; dataDir?: string; wait: boolean }) =>
      withOrg(options.org, options.dataDir, async ({ db, config }) => {
        const total = await requeueLeads(db, options.org, 'all');
        console.log(`Queued ${total} leads for push.`);
        if (!config.databaseUrl) {
          // The embedded database is this process's alone (the server is stopped): nothing pushes now.
          console.log('They are pushed when LeadSync runs (`leadsync start`). While it runs, use POST .../integrations/salesforce/sync/backfill instead.');
          return;
        }
        if (!options.wait || total === 0) return;
        const bar = new cliProgress.SingleBar({ format: 'Pushing {bar} {value}/{total} leads | {eta_formatted} left', hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(total, 0);
        for (;;) {
          const s = await orgSyncStatus(db, options.org);
          bar.update(Math.max(0, total - s.pending - s.in_flight));
          if (s.pending + s.in_flight === 0) break;
          await new Promise((r) => setTimeout(r, 500));
        }
        bar.stop();
      }),
    );
}
