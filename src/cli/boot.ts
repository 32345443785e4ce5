/**
 * What every long-running command does first: validated configuration, the data-dir lock (embedded
 * engine), generated secrets, the database with migrations applied, a logger.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { loadOrCreateSecrets, type DataDirSecrets } from '../config/data-dir-secrets.ts';
import { lockDataDir, type DataDirLock } from '../db/data-dir-lock.ts';
import type { Database } from '../db/engine.ts';
import { openDatabase } from '../db/open.ts';
import { createLogger } from '../logger.ts';

export interface Booted {
  config: Config;
  db: Database;
  logger: Logger;
  /** Secrets kept in the data dir (embedded engine only). */
  secrets?: DataDirSecrets;
  secretsCreated: boolean;
  shutdown(): Promise<void>;
}

export interface BootOptions {
  env?: Record<string, string | undefined>;
  /** Overrides from command-line flags, as environment variable names. */
  overrides?: Record<string, string | undefined>;
  /** Whether the command needs PostgreSQL (serve, worker): refuses to run on embedded PGlite. */
  requirePostgres?: string;
}

export class CliError extends Error {}

export async function boot(options: BootOptions = {}): Promise<Booted> {
  let config: Config;
  try {
    config = loadConfig(options.env ?? process.env, options.overrides as never);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  if (options.requirePostgres && !config.databaseUrl) {
    throw new CliError(`${options.requirePostgres} needs DATABASE_URL (PostgreSQL): the embedded database serves one process only. Use \`leadsync start\` for everything in one process.`);
  }
  if (config.databaseUrl && !config.secretKey) {
    throw new CliError('LEADSYNC_SECRET_KEY is required with DATABASE_URL: 32 bytes in base64 (e.g. `openssl rand -base64 32`), the same for every process.');
  }
  const logger = createLogger(config.logLevel);
  let lock: DataDirLock | undefined;
  let secrets: DataDirSecrets | undefined;
  let secretsCreated = false;
  if (!config.databaseUrl) {
    // The lock comes before anything opens PGlite or listens, so a second process never touches either.
    lock = await lockDataDir(config.dataDir);
    try {
      ({ secrets, created: secretsCreated } = await loadOrCreateSecrets(config.dataDir));
    } catch (error) {
      await lock.release();
      throw error;
    }
    config = {
      ...config,
      secretKey: config.secretKey ?? Buffer.from(secrets.secretKey, 'base64'),
      staffToken: config.staffToken ?? secrets.staffToken,
    };
  }
  let db: Database;
  try {
    db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : path.resolve(config.dataDir) });
  } catch (error) {
    await lock?.release();
    throw error;
  }
  return {
    config,
    db,
    logger,
    secrets,
    secretsCreated,
    async shutdown() {
      await db.close().catch(() => {});
      await lock?.release();
    },
  };
}
