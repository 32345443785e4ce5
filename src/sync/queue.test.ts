import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterTransientFailure, backoffMs, MAX_ATTEMPTS } from './queue.ts';

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
