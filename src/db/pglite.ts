import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './engine.ts';

/**
 * Embedded engine. PGlite is one connection: it runs one statement at a time and a transaction holds
 * it exclusively, which is what PostgreSQL's row locks would give one process anyway.
 * `dataDir` undefined keeps everything in memory (tests).
 */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const pg = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
  await pg.waitReady;
  const wrap = (q: { query: PGlite['query'] }): Queryable => ({
    async query<R>(text: string, params?: unknown[]): Promise<QueryResult<R>> {
      const result = await q.query<R>(text, params as any[]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
  });
  const root = wrap(pg);
  return {
    engine: 'pglite',
    query: root.query,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    close: () => pg.close(),
  };
}
