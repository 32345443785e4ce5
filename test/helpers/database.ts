/**
 * The engine a test run uses: PostgreSQL when TEST_DATABASE_URL (or DATABASE_URL) is given — each
 * caller gets a fresh database of its own, dropped afterwards — else in-memory PGlite. The same tests
 * run on both (the README's two CI passes).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/db/engine.ts';
import { openDatabase } from '../../src/db/open.ts';

export const serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
export const engineName = serverUrl ? 'postgres' : 'pglite';

export interface TestDatabase {
  db: Database;
  /** The PostgreSQL URL of this test's own database (undefined on PGlite). */
  url?: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!serverUrl) {
    const db = await openDatabase({});
    return { db, drop: () => db.close() };
  }
  const url = await createScratchDatabase();
  const db = await openDatabase({ databaseUrl: url });
  return {
    db,
    url,
    async drop() {
      await db.close();
      await dropScratchDatabase(url);
    },
  };
}

/** Creates an empty database on the test server; returns its URL. */
export async function createScratchDatabase(): Promise<string> {
  const name = `leadsync_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropScratchDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}
