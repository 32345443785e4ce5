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

describe(`013: positions for the workflow and outbox lists (${engineName})`, () => {
  it('numbers the rows that exist in the order they were created, and new rows after them', async () => {
    const t = await createTestDatabase();
    try {
      // The schema as it was before 013, with rows whose creation order is not their insertion order.
      await t.db.query('drop schema public cascade');
      await t.db.query('create schema public');
      await t.db.query('create table leadsync_migrations (id integer primary key, name text not null, applied_at timestamptz not null default now())');
      for (const m of (await listMigrations()).filter((m) => m.id < 13)) {
        for (const statement of splitStatements(m.sql)) await t.db.query(statement);
        await t.db.query('insert into leadsync_migrations (id, name) values ($1, $2)', [m.id, m.name]);
      }
      const org = '00000000-0000-4000-8000-000000000001';
      await t.db.query("insert into orgs (id, name, api_key_hash) values ($1, 'Old', 'h')", [org]);
      for (const [name, minutes] of [['second', 2], ['first', 1], ['third', 3]] as const) {
        await t.db.query(
          `insert into workflows (id, org_id, name, trigger, conditions, actions, signing_secret, created_at)
           values (gen_random_uuid(), $1, $2, 'lead.created', '{}', '[]', 's', now() - interval '1 hour' + $3 * interval '1 minute')`,
          [org, name, minutes],
        );
        await t.db.query(
          `insert into email_outbox (id, org_id, recipient, subject, body, status, created_at)
           values (gen_random_uuid(), $1, 'a@example.com', $2, '', 'outbox', now() - interval '1 hour' + $3 * interval '1 minute')`,
          [org, name, minutes],
        );
      }
      expect(await migrate(t.db)).toContain('013_list_positions.sql');
      await t.db.query("insert into workflows (id, org_id, name, trigger, conditions, actions, signing_secret) values (gen_random_uuid(), $1, 'new', 'lead.created', '{}', '[]', 's')", [org]);
      await t.db.query("insert into email_outbox (id, org_id, recipient, subject, body, status) values (gen_random_uuid(), $1, 'a@example.com', 'new', '', 'outbox')", [org]);
      const workflows = await t.db.query<{ name: string; seq: string | number }>('select name, seq from workflows order by seq');
      expect(workflows.rows.map((r) => [r.name, Number(r.seq)])).toEqual([['first', 1], ['second', 2], ['third', 3], ['new', 4]]);
      const emails = await t.db.query<{ subject: string; seq: string | number }>('select subject, seq from email_outbox order by seq');
      expect(emails.rows.map((r) => [r.subject, Number(r.seq)])).toEqual([['first', 1], ['second', 2], ['third', 3], ['new', 4]]);
    } finally {
      await t.drop();
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
