import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dateLiteralRange, decodeString, encodeString, formatDateTime, LiteralError, likeRegExp, parseDate, parseDateTimeLiteral, storedTime } from './literals.ts';

describe('decodeString', () => {
  it.each([
    ["'plain'", 'plain'],
    ["'O\\'Brien'", "O'Brien"],
    ["'a\\\\b'", 'a\\b'],
    ["'say \\\"hi\\\"'", 'say "hi"'],
    ["'l1\\nl2\\rl3\\tx\\by\\fz'", 'l1\nl2\rl3\tx\by\fz'],
    ["'\\u00e9t\\u00E9'", 'été'],
    ["'100\\%'", '100%'],
    ["'a\\_b'", 'a_b'],
    ["''", ''],
  ])('%s → %j', (raw, want) => expect(decodeString(raw)).toBe(want));

  it.each(["'bad \\x'", "'\\u12'", "'trailing \\'", 'unquoted'])('rejects %s', (raw) => {
    expect(() => decodeString(raw)).toThrow(LiteralError);
  });

  it('round-trips any string through encodeString (backslash first, then quote)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => decodeString(encodeString(s)) === s));
  });
});

/** Reference LIKE: dynamic programming over the pattern's tokens, case-insensitive. */
function likeReference(value: string, pattern: string): boolean {
  const toks: Array<{ any: boolean } | { one: true } | { ch: string }> = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') toks.push({ ch: pattern[++i]!.toLowerCase() });
    else if (c === '%') toks.push({ any: true });
    else if (c === '_') toks.push({ one: true });
    else toks.push({ ch: c.toLowerCase() });
  }
  const v = [...value.toLowerCase()].join('');
  const memo = new Map<string, boolean>();
  const m = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    if (memo.has(key)) return memo.get(key)!;
    let r: boolean;
    if (j === toks.length) r = i === v.length;
    else {
      const t = toks[j]!;
      if ('any' in t) r = m(i, j + 1) || (i < v.length && m(i + 1, j));
      else if ('one' in t) r = i < v.length && m(i + 1, j + 1);
      else r = i < v.length && v[i] === t.ch && m(i + 1, j + 1);
    }
    memo.set(key, r);
    return r;
  };
  return m(0, 0);
}

describe('likeRegExp', () => {
  it.each([
    ['abc', "'a%'", true],
    ['ABC', "'a%'", true],
    ['xabc', "'a%'", false],
    ['abc', "'_b_'", true],
    ['abbc', "'_b_'", false],
    ['100%', "'100\\%'", true],
    ['1000', "'100\\%'", false],
    ['a_b', "'a\\_b'", true],
    ['axb', "'a\\_b'", false],
    ['a.b', "'a.b'", true],
    ['axb', "'a.b'", false],
    ['line1\nline2', "'%line2'", true],
    ['(x)+[y]', "'(x)+[y]'", true],
  ])('%j LIKE %s → %s', (value, pattern, want) => expect(likeRegExp(pattern).test(value)).toBe(want));

  it('agrees with a reference matcher on random values and patterns', () => {
    const value = fc.array(fc.constantFrom('a', 'b', 'B', '.', '*', '%', '_', '\\'), { maxLength: 8 }).map((a) => a.join(''));
    // Pattern tokens: plain characters, wildcards and the escapes LIKE allows.
    const pattern = fc.array(fc.constantFrom('a', 'B', '.', '*', '%', '_', '\\%', '\\_', '\\\\'), { maxLength: 6 }).map((a) => a.join(''));
    fc.assert(fc.property(value, pattern, (v, p) => likeRegExp(`'${p}'`).test(v) === likeReference(v, p)));
  });
});

describe('dates', () => {
  it.each([
    ['2026-11-28T10:00:00Z', Date.UTC(2026, 10, 28, 10)],
    ['2026-11-28T10:00:00+01:00', Date.UTC(2026, 10, 28, 9)],
    ['2026-11-28T10:00:00-0800', Date.UTC(2026, 10, 28, 18)],
    ['2026-11-28T10:00:00.250Z', Date.UTC(2026, 10, 28, 10, 0, 0, 250)],
  ])('datetime %s', (s, ms) => expect(parseDateTimeLiteral(s)).toBe(ms));

  it.each(['2026-11-28', '2026-11-28T25:00:00Z', '2026-13-01T00:00:00Z', '2026-11-28T10:00:00'])('rejects datetime %s', (s) => {
    expect(parseDateTimeLiteral(s)).toBeUndefined();
  });

  it.each([['2026-02-29', undefined], ['2028-02-29', Date.UTC(2028, 1, 29)], ['2026-1-1', undefined]])('date %s', (s, ms) => {
    expect(parseDate(s)).toBe(ms);
  });

  it('reads stored values and renders Salesforce datetimes', () => {
    expect(storedTime('2026-11-28T10:00:00.000+0000')).toBe(Date.UTC(2026, 10, 28, 10));
    expect(storedTime('2026-11-28T10:00:00.000Z')).toBe(Date.UTC(2026, 10, 28, 10));
    expect(storedTime('2026-11-28')).toBe(Date.UTC(2026, 10, 28));
    expect(storedTime('')).toBeNull();
    expect(storedTime(null)).toBeNull();
    expect(formatDateTime(Date.UTC(2026, 10, 28, 10))).toBe('2026-11-28T10:00:00.000+0000');
  });
});

describe('dateLiteralRange (UTC; now = Wednesday 2026-11-25 15:30)', () => {
  const now = new Date(Date.UTC(2026, 10, 25, 15, 30));
  const d = (y: number, m: number, day: number) => new Date(Date.UTC(y, m - 1, day)).toISOString().slice(0, 10);
  const range = (lit: string, n?: number) => {
    const r = dateLiteralRange(lit, n, now);
    return [new Date(r.start).toISOString().slice(0, 10), new Date(r.end).toISOString().slice(0, 10)];
  };
  it.each([
    ['TODAY', undefined, d(2026, 11, 25), d(2026, 11, 26)],
    ['YESTERDAY', undefined, d(2026, 11, 24), d(2026, 11, 25)],
    ['TOMORROW', undefined, d(2026, 11, 26), d(2026, 11, 27)],
    ['THIS_WEEK', undefined, d(2026, 11, 22), d(2026, 11, 29)],
    ['LAST_WEEK', undefined, d(2026, 11, 15), d(2026, 11, 22)],
    ['NEXT_WEEK', undefined, d(2026, 11, 29), d(2026, 12, 6)],
    ['THIS_MONTH', undefined, d(2026, 11, 1), d(2026, 12, 1)],
    ['LAST_MONTH', undefined, d(2026, 10, 1), d(2026, 11, 1)],
    ['NEXT_MONTH', undefined, d(2026, 12, 1), d(2027, 1, 1)],
    ['LAST_90_DAYS', undefined, d(2026, 8, 27), d(2026, 11, 26)],
    ['NEXT_90_DAYS', undefined, d(2026, 11, 26), d(2027, 2, 24)],
    ['THIS_QUARTER', undefined, d(2026, 10, 1), d(2027, 1, 1)],
    ['LAST_QUARTER', undefined, d(2026, 7, 1), d(2026, 10, 1)],
    ['THIS_YEAR', undefined, d(2026, 1, 1), d(2027, 1, 1)],
    ['LAST_YEAR', undefined, d(2025, 1, 1), d(2026, 1, 1)],
    ['NEXT_YEAR', undefined, d(2027, 1, 1), d(2028, 1, 1)],
    ['THIS_FISCAL_YEAR', undefined, d(2026, 1, 1), d(2027, 1, 1)],
    ['LAST_N_DAYS', 1, d(2026, 11, 24), d(2026, 11, 26)],
    ['LAST_N_DAYS', 30, d(2026, 10, 26), d(2026, 11, 26)],
    ['NEXT_N_DAYS', 2, d(2026, 11, 26), d(2026, 11, 28)],
    ['N_DAYS_AGO', 3, d(2026, 11, 22), d(2026, 11, 23)],
    ['LAST_N_WEEKS', 2, d(2026, 11, 8), d(2026, 11, 22)],
    ['NEXT_N_WEEKS', 1, d(2026, 11, 29), d(2026, 12, 6)],
    ['LAST_N_MONTHS', 2, d(2026, 9, 1), d(2026, 11, 1)],
    ['NEXT_N_MONTHS', 2, d(2026, 12, 1), d(2027, 2, 1)],
    ['N_MONTHS_AGO', 1, d(2026, 10, 1), d(2026, 11, 1)],
    ['LAST_N_YEARS', 2, d(2024, 1, 1), d(2026, 1, 1)],
    ['LAST_N_QUARTERS', 1, d(2026, 7, 1), d(2026, 10, 1)],
  ])('%s:%s = [%s, %s)', (lit, n, start, end) => expect(range(lit, n)).toEqual([start, end]));

  it('rejects unknown literals and a missing n', () => {
    expect(() => dateLiteralRange('LAST_FORTNIGHT', undefined, now)).toThrow(LiteralError);
    expect(() => dateLiteralRange('LAST_N_DAYS', undefined, now)).toThrow(LiteralError);
  });
});
