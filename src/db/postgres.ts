import pg from 'pg';
import type { Database, Queryable, QueryResult } from './engine.ts';

// Return timestamps as strings and bigints as numbers where safe: the same values PGlite gives.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Scale-out engine: node-postgres on DATABASE_URL, a pool per process. */
export async function openPostgres(connectionString: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  // An idle client that loses its server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  await pool.query('select 1');
  const wrap = (q: { query: pg.Pool['query'] }): Queryable => ({
    async query<R>(text: string, params?: unknown[]): Promise<QueryResult<R>> {
      const result = await q.query(text, params);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
    },
  });
  const root = wrap(pool);
  return {
    engine: 'postgres',
    query: root.query,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn(wrap(client as unknown as pg.Pool));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
