import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engineName, type TestDatabase } from '../../test/helpers/database.ts';
import { listMigrations, migrate, splitStatements } from './migrate.ts';
import { openPostgres } from './postgres.ts';

describe(`migrations (${engineName})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('applies every numbered migration once, in order', async () => {
    const all = await listMigrations();
    expect(all.map((m) => m.id)).toEqual([...all.map((m) => m.id)].sort((a, b) => a - b));
    const { rows } = await database.db.query<{ name: string }>('select name from leadsync_migrations order by id');
    expect(rows.map((r) => r.name)).toEqual(all.map((m) => m.name));
    expect(await migrate(database.db)).toEqual([]);
  });

  it.runIf(engineName === 'postgres')('is safe when several processes migrate at once', async () => {
    // Fresh database, then five connections racing to migrate it: each migration applies exactly once.
    const fresh = await createTestDatabase();
    await fresh.db.query('drop schema public cascade');
    await fresh.db.query('create schema public');
    const racers = await Promise.all(Array.from({ length: 5 }, () => openPostgres(fresh.url!, 2)));
    try {
      const applied = await Promise.all(racers.map((db) => migrate(db)));
      const all = await listMigrations();
      expect(applied.flat().sort()).toEqual(all.map((m) => m.name).sort());
      const { rows } = await fresh.db.query<{ n: number }>('select count(*)::int as n from leadsync_migrations');
      expect(rows[0].n).toBe(all.length);
    } finally {
      await Promise.all(racers.map((db) => db.close()));
      await fresh.drop();
    }
  });
});

describe('splitStatements', () => {
  it('splits at semicolons ending a line, keeps function bodies whole, drops comments', () => {
    const script = [
      '-- a table',
      'create table t (id int);',
      'create function f() returns void language plpgsql as $$',
      'begin',
      '  insert into t values (1); -- inside the body',
      '  insert into t values (2);',
      'end',
      '$$;',
      'create index t_id on t (id)',
    ].join('\n');
    const statements = splitStatements(script);
    expect(statements).toHaveLength(3);
    expect(statements[0]).toBe('create table t (id int)');
    expect(statements[1]).toMatch(/^create function f\(\)[\s\S]*insert into t values \(1\);[\s\S]*insert into t values \(2\);[\s\S]*end\n\$\$$/);
    expect(statements[2]).toBe('create index t_id on t (id)');
  });
});
