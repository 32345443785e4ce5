import { parseQuery } from '@jetstreamapp/soql-parser-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inListQueries, soqlString } from './soql.ts';

describe('soqlString', () => {
  it('escapes backslash first, then quotes', () => {
    expect(soqlString("o'brien@example.com")).toBe("'o\\'brien@example.com'");
    expect(soqlString('a\\b')).toBe("'a\\\\b'");
    expect(soqlString("\\'")).toBe("'\\\\\\''");
    expect(soqlString('a\u2028b\u2029')).toBe("'a\\u2028b\\u2029'");
  });
  it('always yields a query a SOQL parser reads back as one literal', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const q = parseQuery(`SELECT Id FROM Lead WHERE Email = ${soqlString(s)}`);
        expect(q.where?.left).toBeDefined();
      }),
    );
  });
});

describe('inListQueries', () => {
  it('splits long lists, keeps every value once, and stays under the limit', () => {
    const emails = Array.from({ length: 500 }, (_, i) => `person.${i}@example.com`);
    const queries = inListQueries([...emails, ...emails], (list) => `SELECT Id FROM Lead WHERE Email IN (${list})`, 2000);
    expect(queries.length).toBeGreaterThan(1);
    for (const q of queries) expect(encodeURIComponent(q).length).toBeLessThanOrEqual(2000);
    const seen = queries.flatMap((q) => [...q.matchAll(/'([^']+)'/g)].map((m) => m[1]));
    expect(seen.sort()).toEqual([...emails].sort());
  });
  it('no values, no query', () => {
    expect(inListQueries([], (l) => l)).toEqual([]);
  });
});
