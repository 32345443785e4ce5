import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from './engine.ts';
import { restrictTree, restrictUmask, DIR_MODE } from './data-dir-permissions.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export interface OpenOptions {
  /** PostgreSQL URL; undefined selects embedded PGlite. */
  databaseUrl?: string;
  /** PGlite directory (the data dir holds it under `pgdata/`); undefined keeps PGlite in memory. */
  dataDir?: string;
  /** Apply pending migrations (default true). */
  migrate?: boolean;
}

/** Opens the configured engine and brings its schema up to date. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  let db: Database;
  if (options.databaseUrl) {
    db = await openPostgres(options.databaseUrl);
  } else {
    let dir: string | undefined;
    if (options.dataDir !== undefined) {
      dir = path.join(options.dataDir, 'pgdata');
      // Private from the first byte: new files 0600 by umask, and whatever an older version left, tightened.
      restrictUmask();
      await mkdir(dir, { recursive: true, mode: DIR_MODE });
      await restrictTree(options.dataDir);
    }
    // A new cluster is migrated by the short-lived process that creates it (src/db/pglite.ts).
    db = await openPglite(dir, { prepare: options.migrate === false ? undefined : migrate });
    // PGlite's first start copies its initial cluster in with the modes of its archive (0666).
    if (options.dataDir !== undefined) await restrictTree(options.dataDir);
  }
  if (options.migrate !== false) {
    try {
      await migrate(db);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return db;
}
