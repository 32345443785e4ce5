/** The `leadsync` command line (runtime.md). The only place that starts servers and workers. */
import { Command, InvalidArgumentError } from 'commander';
import { DataDirLockedError } from '../db/data-dir-lock.ts';
import { registerSandboxCommand } from './sandbox-command.ts';
import { registerSyncCommands } from './sync-commands.ts';
import { registerPullCommand } from './pull-command.ts';
import { CliError } from './boot.ts';
import { migrateCommand, orgCreateCommand } from './admin-commands.ts';
import { serveCommand, startCommand, workerCommand } from './start.ts';
import { versionLine } from '../package-root.ts';

export function parsePort(value: string): string {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535');
  return value;
}

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return Number(value);
}

export function buildProgram(): Command {
  const program = new Command('leadsync')
    .description('LeadSync: keeps a Salesforce org in sync with the leads your conversational agents talk to.')
    .version(versionLine(), '-V, --version', 'the version, and whether the bundle or the sources run')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });

  program
    .command('start')
    .description('Everything in one process: API, web UI, sync worker, scheduler, embedded database, and the Salesforce sandbox when no Salesforce is configured.')
    .option('--port <port>', 'HTTP port (default $PORT or 3000)', parsePort)
    .option('--data-dir <dir>', 'embedded database directory (default $LEADSYNC_DATA_DIR or ./.leadsync)')
    .option('--no-sandbox', 'do not start the local Salesforce sandbox')
    .option('--sandbox-port <port>', "the sandbox's port (default 4010; a free one when it is taken)", parsePort)
    .option('--concurrency <n>', 'batches pushed at once (the embedded database works in its own thread meanwhile)', parsePositiveInt, 2)
    .action(startCommand);

  program.command('serve').description('API and web UI only (needs DATABASE_URL).').option('--port <port>', 'HTTP port', parsePort).action(serveCommand);

  program
    .command('worker')
    .description('Sync worker and scheduler only (needs DATABASE_URL); run as many as you like.')
    .option('--concurrency <n>', 'batches pushed at once by this process', parsePositiveInt, 1)
    .action(workerCommand);

  program.command('migrate').description('Apply database migrations.').option('--data-dir <dir>', 'embedded database directory').action(migrateCommand);

  const org = program.command('org').description('Manage organizations.');
  org.command('create').description('Create an organization; prints its id and API key (shown once). Works while `leadsync start` runs.').argument('<name>', 'organization name').option('--data-dir <dir>', 'embedded database directory').action(orgCreateCommand);

  registerSyncCommands(program);
  registerPullCommand(program);
  registerSandboxCommand(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CliError || error instanceof DataDirLockedError) {
      console.error(`leadsync: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

await main();
