import { readdir, readFile } from 'node:fs/promises';
import { fromPackageRoot } from '../package-root.ts';
import type { Database } from './engine.ts';

const MIGRATIONS_DIR = fromPackageRoot('src/db/migrations') + '/';
/** Arbitrary constant: the advisory lock that serializes migrators across processes. */
const MIGRATION_LOCK = 7_245_100_001;

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export async function listMigrations(): Promise<Migration[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (name) => ({ id: Number(name.split('_')[0]), name, sql: await readFile(MIGRATIONS_DIR + name, 'utf8') })),
  );
}

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so that
 * several processes starting at once apply each migration exactly once. Returns the names applied.
 */
export async function migrate(db: Database): Promise<string[]> {
  const migrations = await listMigrations();
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`create table if not exists leadsync_migrations (
      id integer primary key, name text not null, applied_at timestamptz not null default now())`);
    const done = new Set((await tx.query<{ id: number }>('select id from leadsync_migrations')).rows.map((r) => r.id));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      await execScript(tx, m.sql);
      await tx.query('insert into leadsync_migrations (id, name) values ($1, $2)', [m.id, m.name]);
      applied.push(m.name);
    }
    return applied;
  });
}

/** Runs a multi-statement script statement by statement (extended protocol takes one at a time). */
async function execScript(tx: { query: Database['query'] }, sql: string): Promise<void> {
  for (const statement of splitStatements(sql)) await tx.query(statement);
}

/**
 * A migration's statements: split at `;` ending a line, except inside a `$$ … $$` body (functions);
 * `--` comments dropped.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  // Dollar-quoted bodies alternate with the text around them: split only outside them.
  const parts = sql.split('$$');
  let current = '';
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      current += `$$${part}$$`;
      return;
    }
    const pieces = part.replace(/--[^\n]*/g, '').split(/;\s*(?:\n|$)/);
    current += pieces[0];
    for (const piece of pieces.slice(1)) {
      statements.push(current);
      current = piece;
    }
  });
  statements.push(current);
  return statements.map((s) => s.trim()).filter((s) => s !== '');
}
