import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Queryable } from '../db/engine.ts';
import { afterTransientFailure, backoffMs, BATCH_SIZE, claimDue, claimTurns, MAX_ATTEMPTS } from './queue.ts';

describe('retry schedule', () => {
  it('backoff doubles per attempt with jitter in the upper half, capped at 10 minutes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 10_000 }), (attempt, base) => {
        const cap = Math.min(600_000, base * 2 ** (attempt - 1));
        const ms = backoffMs(attempt, base);
        return ms >= Math.floor(cap / 2) && ms <= cap;
      }),
    );
  });

  it('is jittered: retries of many leads do not land together', () => {
    const draws = new Set(Array.from({ length: 50 }, () => backoffMs(5, 1000)));
    expect(draws.size).toBeGreaterThan(10);
  });

  it.each([
    [0, 'retry'],
    [1, 'retry'],
    [MAX_ATTEMPTS - 2, 'retry'],
    [MAX_ATTEMPTS - 1, 'error'],
    [MAX_ATTEMPTS + 3, 'error'],
  ] as const)('after %i failed tries, one more failure → %s (8 tries in all)', (before, expected) => {
    expect(afterTransientFailure(before)).toBe(expected);
  });
});

describe('claimDue', () => {
  /** A queue that always has `due` leads due and records every statement. */
  const fakeQueue = (due: number) => {
    const statements: string[] = [];
    const db: Queryable = {
      query: async <R,>(text: string) => {
        statements.push(text);
        return { rows: (text.includes('count(*)') ? [{ n: due }] : [{ claimed: [] }]) as R[], rowCount: 0 } as never;
      },
    };
    return { db, claims: () => statements.filter((s) => s.includes('for update skip locked')).length, counts: () => statements.filter((s) => s.includes('count(*)')).length };
  };

  it('claims at once when a full batch is due (no waiting, one look at the queue)', async () => {
    const q = fakeQueue(BATCH_SIZE);
    await claimDue(q.db, 'org', 'w', 10_000);
    expect(q.counts()).toBe(1);
    expect(q.claims()).toBe(1);
  });

  it('a partial batch waits no longer than 10 × linger when leads keep trickling in', async () => {
    let n = 0;
    const db: Queryable = { query: async <R,>(text: string) => ({ rows: (text.includes('count(*)') ? [{ n: ++n }] : [{ claimed: [] }]) as R[], rowCount: 0 }) as never };
    const started = Date.now();
    await claimDue(db, 'org', 'w', 40);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(400);
    // Generous: only a stalled machine takes this long; without the cap it would wait forever.
    expect(waited).toBeLessThan(5000);
  });

  it('a stopping worker ends its linger and claims nothing', async () => {
    const q = fakeQueue(3);
    let running = true;
    setTimeout(() => (running = false), 50);
    const started = Date.now();
    expect(await claimDue(q.db, 'org', 'w', 10_000, 300, () => running)).toEqual([]);
    // Well before the 10 s linger would end by itself.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(q.claims()).toBe(0);
  });
});

describe('claimTurns', () => {
  it('push loops of one process claim one at a time, in order, even when a claim fails', async () => {
    const turn = claimTurns();
    const events: string[] = [];
    const first = turn(async () => {
      events.push('first starts');
      await new Promise((r) => setTimeout(r, 30));
      events.push('first ends');
      throw new Error('database unavailable');
    });
    const second = turn(async () => {
      events.push('second starts');
      return 'claimed';
    });
    await expect(first).rejects.toThrow('database unavailable');
    expect(await second).toBe('claimed');
    expect(events).toEqual(['first starts', 'first ends', 'second starts']);
  });

  it('a loop waiting for its turn then lingers on its own: it never takes the leftovers of a full claim at once', async () => {
    const turn = claimTurns();
    // The queue: 200 due, then 3 more arrive while the first loop claims.
    let due = BATCH_SIZE;
    let claims = 0;
    const db: Queryable = {
      query: async <R,>(text: string) => {
        if (text.includes('count(*)')) return { rows: [{ n: due }] as R[], rowCount: 1 } as never;
        claims++;
        const n = due;
        due = 3;
        return { rows: [{ claimed: Array.from({ length: n }, (_, i) => ({ lead_id: `l${claims}-${i}`, change_seq: 1, attempts: 0, refresh_only: false, first_queued_at: new Date().toISOString() })) }] as R[], rowCount: 1 } as never;
      },
    };
    const started = Date.now();
    const [a, b] = await Promise.all([turn(() => claimDue(db, 'org', 'a', 200)), turn(() => claimDue(db, 'org', 'b', 200))]);
    expect(a).toHaveLength(BATCH_SIZE);
    expect(b).toHaveLength(3);
    // The second loop counted again after the first claim and lingered for a fuller batch.
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });
});
