import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engineName, type TestDatabase } from '../../test/helpers/database.ts';
import { isUniqueViolation } from './engine.ts';
import { listMigrations } from './migrate.ts';
import { openDatabase } from './open.ts';
import { openPglite } from './pglite.ts';

// The seam both engines share: what code above src/db relies on, checked on the engine of this run.
describe(`database seam (${engineName})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
    await t.db.query('create table seam_probe (id integer primary key, doc jsonb, at timestamptz, tags text[])');
  });
  afterAll(() => t.drop());

  it('values come back typed: jsonb as objects, timestamptz as Date, arrays as arrays', async () => {
    const at = new Date('2026-11-28T10:11:12.345Z');
    await t.db.query('insert into seam_probe (id, doc, at, tags) values ($1, $2::jsonb, $3, $4)', [1, JSON.stringify({ a: [1, 'x'], b: null }), at, ['p', 'q']]);
    const { rows, rowCount } = await t.db.query<{ doc: unknown; at: Date; tags: string[] }>('select doc, at, tags from seam_probe where id = 1');
    expect(rowCount).toBe(1);
    expect(rows[0].doc).toEqual({ a: [1, 'x'], b: null });
    expect(rows[0].at).toBeInstanceOf(Date);
    expect(rows[0].at.toISOString()).toBe(at.toISOString());
    expect(rows[0].tags).toEqual(['p', 'q']);
  });

  it('rowCount is the number of rows a write touched', async () => {
    await t.db.query('insert into seam_probe (id) values (10), (11), (12)');
    expect((await t.db.query('update seam_probe set doc = $1::jsonb where id >= 10', ['{}'])).rowCount).toBe(3);
  });

  it('errors keep PostgreSQL fields: a unique violation is recognisable by its SQLSTATE', async () => {
    const error = await t.db.query('insert into seam_probe (id) values (1)').catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isUniqueViolation(error)).toBe(true);
    expect(error.message).toMatch(/duplicate key/);
    const syntax = await t.db.query('selec 1').catch((e) => e);
    expect(syntax.code).toBe('42601');
  });

  it('a transaction that throws leaves nothing behind; one that resolves commits everything', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query('insert into seam_probe (id) values (20)');
        await tx.query('insert into seam_probe (id) values (21)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await t.db.query('select id from seam_probe where id in (20, 21)')).rows).toEqual([]);
    const result = await t.db.transaction(async (tx) => {
      await tx.query('insert into seam_probe (id) values (20)');
      return 'done';
    });
    expect(result).toBe('done');
    expect((await t.db.query('select id from seam_probe where id = 20')).rows).toEqual([{ id: 20 }]);
  });

  it('a failed statement inside a transaction rolls the whole transaction back', async () => {
    const error = await t.db
      .transaction(async (tx) => {
        await tx.query('insert into seam_probe (id) values (30)');
        await tx.query('insert into seam_probe (id) values (1)');
      })
      .catch((e) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect((await t.db.query('select id from seam_probe where id = 30')).rows).toEqual([]);
  });

  it('others never see a transaction half done', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const writer = t.db.transaction(async (tx) => {
      await tx.query('insert into seam_probe (id) values (40)');
      await gate;
      await tx.query('insert into seam_probe (id) values (41)');
    });
    // Let the transaction start and write its first row.
    await new Promise((r) => setTimeout(r, 50));
    const reader = t.db.query<{ n: number }>('select count(*)::int as n from seam_probe where id in (40, 41)');
    setTimeout(release, 50);
    const [{ rows }] = await Promise.all([reader, writer]);
    // PostgreSQL answers from before the commit; the embedded engine waits for it. Never 1.
    expect([0, 2]).toContain(rows[0].n);
  });
});

describe.runIf(engineName === 'pglite')('embedded engine (PGlite in its own thread)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'leadsync-engine-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps its data in the data directory across a close and a reopen', async () => {
    const first = await openDatabase({ dataDir: dir });
    await first.query("insert into orgs (id, name, api_key_hash) values (gen_random_uuid(), 'Kept', 'h1')");
    await first.close();
    const second = await openDatabase({ dataDir: dir });
    expect((await second.query<{ name: string }>('select name from orgs')).rows).toEqual([{ name: 'Kept' }]);
    await second.close();
  });

  it('a new cluster is created and prepared by a short-lived process of its own, then reopened here', async () => {
    const fresh = path.join(dir, 'fresh');
    let prepared = 0;
    const db = await openPglite(fresh, {
      prepare: async (setup) => {
        prepared += 1;
        // A temporary table lives as long as its session: it is gone after the reopen only if the
        // preparing session was another one, ended with its process.
        await setup.query('create temporary table only_in_setup (x int)');
        await setup.query('create table kept (x int)');
        await setup.query('insert into kept values (1)');
      },
    });
    try {
      expect(prepared).toBe(1);
      expect((await db.query('select x from kept')).rows).toEqual([{ x: 1 }]);
      await expect(db.query('select x from only_in_setup')).rejects.toThrow(/does not exist/);
    } finally {
      await db.close();
    }
    // An existing cluster is opened as it is: no second preparation.
    const again = await openPglite(fresh, { prepare: async () => void (prepared += 1) });
    await again.close();
    expect(prepared).toBe(1);
  });

  it('a fresh data directory is migrated by openDatabase (the set-up process applies every migration)', async () => {
    const db = await openDatabase({ dataDir: path.join(dir, 'migrated') });
    try {
      const applied = (await db.query<{ id: number }>('select id from leadsync_migrations order by id')).rows.map((r) => r.id);
      expect(applied).toEqual((await listMigrations()).map((m) => m.id));
    } finally {
      await db.close();
    }
  });

  it('a preparation that fails is reported with PostgreSQL\'s error; the next open opens the cluster (openDatabase then migrates it here)', async () => {
    const broken = path.join(dir, 'broken');
    await expect(openPglite(broken, { prepare: (setup) => setup.query('select no_such_column') })).rejects.toMatchObject({ code: '42703' });
    const reopened = await openPglite(broken, { prepare: () => Promise.reject(new Error('an existing cluster is not prepared again')) });
    expect((await reopened.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await reopened.close();
  });

  it('statements after close are refused, not left hanging', async () => {
    const db = await openDatabase({});
    await db.close();
    await expect(db.query('select 1')).rejects.toThrow(/stopped/);
  });
});
