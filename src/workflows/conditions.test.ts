import { describe, expect, it } from 'vitest';
import { evaluateCondition, evaluateConditions, type Condition } from './conditions.ts';

const lead = {
  email: 'Ada@Example.com',
  company: 'Analytical Engines',
  budget: 5000,
  vip: true,
  demo_on: '2026-12-01',
  salesforce_assigned_sales_rep_name: 'Sam Rep',
  empty: '',
};

describe('evaluateCondition', () => {
  const cases: Array<[Condition, boolean]> = [
    [{ field: 'email', op: 'equals', value: 'ada@example.com' }, true],
    [{ field: 'email', op: 'equals', value: 'bob@example.com' }, false],
    [{ field: 'missing', op: 'equals', value: '' }, false],
    [{ field: 'budget', op: 'equals', value: 5000 }, true],
    [{ field: 'budget', op: 'equals', value: '5000' }, true],
    [{ field: 'vip', op: 'equals', value: true }, true],
    [{ field: 'email', op: 'not_equals', value: 'ada@example.com' }, false],
    [{ field: 'email', op: 'not_equals', value: 'bob@example.com' }, true],
    [{ field: 'missing', op: 'not_equals', value: 'x' }, true],
    [{ field: 'company', op: 'contains', value: 'engine' }, true],
    [{ field: 'company', op: 'contains', value: 'steam' }, false],
    [{ field: 'missing', op: 'contains', value: '' }, false],
    [{ field: 'company', op: 'starts_with', value: 'ANALYT' }, true],
    [{ field: 'company', op: 'starts_with', value: 'Engines' }, false],
    [{ field: 'company', op: 'in', value: ['Acme', 'analytical engines'] }, true],
    [{ field: 'company', op: 'in', value: ['Acme'] }, false],
    [{ field: 'budget', op: 'in', value: [1, 5000] }, true],
    [{ field: 'budget', op: 'gt', value: 4999 }, true],
    [{ field: 'budget', op: 'gt', value: 5000 }, false],
    [{ field: 'budget', op: 'lt', value: 6000 }, true],
    [{ field: 'budget', op: 'lt', value: '100' }, false],
    [{ field: 'demo_on', op: 'gt', value: '2026-11-30' }, true],
    [{ field: 'demo_on', op: 'lt', value: '2026-11-30' }, false],
    [{ field: 'company', op: 'gt', value: 3 }, false],
    [{ field: 'missing', op: 'lt', value: 3 }, false],
    [{ field: 'salesforce_assigned_sales_rep_name', op: 'is_set' }, true],
    [{ field: 'empty', op: 'is_set' }, false],
    [{ field: 'missing', op: 'is_set' }, false],
    [{ field: 'missing', op: 'is_not_set' }, true],
    [{ field: 'empty', op: 'is_not_set' }, true],
    [{ field: 'email', op: 'is_not_set' }, false],
  ];
  for (const [condition, expected] of cases) {
    it(`${condition.field} ${condition.op} ${JSON.stringify(condition.value)} → ${expected}`, () => {
      expect(evaluateCondition(condition, lead)).toBe(expected);
    });
  }
});

describe('evaluateConditions', () => {
  const yes: Condition = { field: 'vip', op: 'equals', value: true };
  const no: Condition = { field: 'vip', op: 'equals', value: false };
  it('all: every condition', () => {
    expect(evaluateConditions({ all: [yes, yes] }, lead)).toBe(true);
    expect(evaluateConditions({ all: [yes, no] }, lead)).toBe(false);
    expect(evaluateConditions({ all: [] }, lead)).toBe(true);
  });
  it('any: at least one', () => {
    expect(evaluateConditions({ any: [no, yes] }, lead)).toBe(true);
    expect(evaluateConditions({ any: [no, no] }, lead)).toBe(false);
    expect(evaluateConditions({ any: [] }, lead)).toBe(false);
  });
});
