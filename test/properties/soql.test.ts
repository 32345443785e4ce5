/**
 * SOQL built from lead data never changes a query's meaning: whatever emails or company names hold
 * (quotes, backslashes, SOQL keywords, newlines, any Unicode a lead can store), the parsed query has
 * one condition, `field IN (...)`, whose literals are exactly the inputs. Checked against
 * @jetstreamapp/soql-parser-js, with the query shapes of src/sync/match.ts.
 */
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inListQueries } from '../../src/salesforce/soql.ts';

/** The value of a SOQL string literal (quotes removed, escapes resolved). */
function literalValue(literal: string): string {
  expect(literal.startsWith("'") && literal.endsWith("'")).toBe(true);
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };
  return literal.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|.)/gs, (_, c: string) => (c.length > 1 ? String.fromCharCode(parseInt(c.slice(1), 16)) : (escapes[c] ?? c)));
}

// Pieces that have broken hand-built queries: quotes, backslashes, operators, keywords, newlines, wide Unicode.
const tricky = fc.constantFrom("'", "\\", "\\'", '"', '%', '_', ')', '(', ',', ' OR Id != null', "' OR Name LIKE '%", '\n', '\r', '\t', 'é', 'ß', '日本', '😀', 'Ω', '\u2028', ' ', 'LIMIT 1');
// What a lead field may hold: any Unicode string without NUL or lone surrogates (the API refuses those).
// Not empty: matching skips empty emails and company names (and the parser cannot read '' in an IN list).
const storable = fc.string({ unit: fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), tricky), minLength: 1, maxLength: 12 }).filter((s) => !s.includes('\u0000'));

describe('SOQL from lead data (property)', () => {
  for (const [object, field] of [['Lead', 'Email'], ['Contact', 'Email'], ['Account', 'Name']] as const) {
    it(`${object}.${field} IN lists keep exactly their values`, () => {
      fc.assert(
        fc.property(fc.array(storable, { minLength: 1, maxLength: 25 }), fc.integer({ min: 300, max: 3000 }), (values, maxChars) => {
          const queries = inListQueries(values, (list) => `SELECT Id, ${field} FROM ${object} WHERE ${field} IN (${list})`, maxChars);
          const seen: string[] = [];
          for (const soql of queries) {
            const query = parseQuery(soql);
            expect(query.sObject).toBe(object);
            expect(query.limit).toBeUndefined();
            const where = query.where as { left: unknown; operator?: string; right?: unknown };
            // One condition, nothing joined to it.
            expect(where.right).toBeUndefined();
            expect(where.operator).toBeUndefined();
            const left = where.left as { field: string; operator: string; value: string[] };
            expect(left.field).toBe(field);
            expect(left.operator).toBe('IN');
            seen.push(...left.value.map(literalValue));
          }
          expect(seen.sort()).toEqual([...new Set(values)].sort());
        }),
        { numRuns: 150 },
      );
    });
  }
});
