import { describe, expect, it } from 'vitest';
import { parseSoql } from './parse.ts';
import type { WhereNode } from './parse.ts';

/** A compact rendering of the rebuilt WHERE tree: conditions as their field path. */
function show(n: WhereNode | undefined): string {
  if (!n) return '';
  switch (n.kind) {
    case 'cond':
      return n.path;
    case 'not':
      return `NOT(${show(n.child)})`;
    default:
      return `${n.kind.toUpperCase()}(${n.children.map(show).join(', ')})`;
  }
}

describe('parseSoql WHERE tree', () => {
  it.each([
    ['A = 1', 'A'],
    ['A = 1 AND B = 2 AND C = 3', 'AND(A, B, C)'],
    ['A = 1 OR B = 2', 'OR(A, B)'],
    ['(A = 1 OR B = 2) AND C = 3', 'AND(OR(A, B), C)'],
    ['A = 1 AND (B = 2 OR C = 3)', 'AND(A, OR(B, C))'],
    ['A = 1 OR (B = 2 AND C = 3) OR D = 4', 'OR(A, AND(B, C), D)'],
    ['((A = 1))', 'A'],
    ['NOT A = 1', 'NOT(A)'],
    ['NOT (A = 1 OR B = 2)', 'NOT(OR(A, B))'],
    ['A = 1 AND NOT B = 2', 'AND(A, NOT(B))'],
    ['(A = 1 AND B = 2) OR (C = 3 AND NOT (D = 4 OR E = 5))', 'OR(AND(A, B), AND(C, NOT(OR(D, E))))'],
  ])('%s → %s', (where, want) => {
    expect(show(parseSoql(`SELECT Id FROM Lead WHERE ${where}`).where)).toBe(want);
  });

  it.each(['A = 1 AND B = 2 OR C = 3', 'A = 1 OR B = 2 AND C = 3', '(A = 1 OR B = 2 AND C = 3)'])('rejects mixed AND/OR without parentheses: %s', (where) => {
    expect(() => parseSoql(`SELECT Id FROM Lead WHERE ${where}`)).toThrow(/unexpected token/);
  });
});

describe('parseSoql clauses', () => {
  it('reads fields, literals, order, limit and offset', () => {
    const q = parseSoql("SELECT Id, Owner.Name FROM Lead WHERE Email IN ('a@x', 'b\\'c') AND CreatedDate > LAST_N_DAYS:30 ORDER BY Name DESC, Id NULLS LAST LIMIT 5 OFFSET 2");
    expect(q.sObject).toBe('Lead');
    expect(q.fields).toEqual(['Id', 'Owner.Name']);
    expect(q.count).toBe(false);
    const and = q.where as Extract<WhereNode, { kind: 'and' | 'or' }>;
    const [inCond, dateCond] = and.children as Array<Extract<WhereNode, { kind: 'cond' }>>;
    expect(inCond!.operator).toBe('IN');
    expect(inCond!.values.map((v) => v.text)).toEqual(['a@x', "b'c"]);
    expect(dateCond!.values[0]).toMatchObject({ type: 'DATE_N_LITERAL', n: 30 });
    expect(q.orderBy).toEqual([
      { path: 'Name', desc: true, nullsFirst: false },
      { path: 'Id', desc: false, nullsFirst: false },
    ]);
    expect([q.limit, q.offset]).toEqual([5, 2]);
  });

  it('defaults NULLS FIRST for ASC and NULLS LAST for DESC', () => {
    expect(parseSoql('SELECT Id FROM Lead ORDER BY Email, Name DESC').orderBy.map((o) => o.nullsFirst)).toEqual([true, false]);
  });

  it('recognises COUNT() and strips the FROM alias', () => {
    expect(parseSoql('SELECT COUNT() FROM Lead').count).toBe(true);
    expect(parseSoql("SELECT x.Email FROM Lead x WHERE x.Owner.Name = 'a' ORDER BY x.Email")).toMatchObject({
      fields: ['Email'],
      where: { path: 'Owner.Name' },
      orderBy: [{ path: 'Email' }],
    });
  });
});
