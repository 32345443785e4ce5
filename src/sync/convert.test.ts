import { describe, expect, it } from 'vitest';
import { convertValue, isCompatible, sameValue } from './convert.ts';

const f = (type: string, length = 0) => ({ name: 'F', type, length });

describe('convertValue', () => {
  const cases: Array<[unknown, string, number, unknown]> = [
    ['Ada', 'string', 80, 'Ada'],
    ['x'.repeat(100), 'string', 80, 'x'.repeat(80)],
    [5000, 'string', 80, '5000'],
    [true, 'textarea', 0, 'true'],
    [5000, 'currency', 0, 5000],
    ['5,000', 'double', 0, 5000],
    ['12.6', 'int', 0, 13],
    ['lots', 'double', 0, 'error'],
    [true, 'boolean', 0, true],
    ['Yes', 'boolean', 0, true],
    ['no', 'boolean', 0, false],
    ['maybe', 'boolean', 0, 'error'],
    ['2026-11-28', 'date', 0, '2026-11-28'],
    ['2026-11-28T23:30:00Z', 'date', 0, '2026-11-28'],
    ['yesterday', 'date', 0, 'error'],
    ['2026-11-28T15:03:00+01:00', 'datetime', 0, '2026-11-28T14:03:00.000Z'],
    ['2026-11-28', 'datetime', 0, '2026-11-28T00:00:00.000Z'],
    ['005000000000001AAA', 'reference', 18, '005000000000001AAA'],
    ['bob', 'reference', 18, 'error'],
    ['x', 'address', 0, 'error'],
  ];
  for (const [value, type, length, expected] of cases) {
    it(`${JSON.stringify(value)} → ${type}`, () => {
      const out = convertValue(value as never, f(type, length));
      if (expected === 'error') expect(out).toHaveProperty('error');
      else expect(out).toEqual({ value: expected });
    });
  }
});

describe('isCompatible', () => {
  it('conversation goes only to text fields', () => {
    expect(isCompatible('conversation', 'textarea')).toBe(true);
    expect(isCompatible('conversation', 'string')).toBe(true);
    expect(isCompatible('conversation', 'double')).toBe(false);
    expect(isCompatible('conversation', 'picklist')).toBe(false);
  });
  it('numbers to number fields, booleans to checkboxes, dates to dates; anything to text', () => {
    expect(isCompatible('number', 'currency')).toBe(true);
    expect(isCompatible('boolean', 'double')).toBe(false);
    expect(isCompatible('boolean', 'boolean')).toBe(true);
    expect(isCompatible('date', 'date')).toBe(true);
    expect(isCompatible('number', 'date')).toBe(false);
    expect(isCompatible('number', 'string')).toBe(true);
    // api-v1.md: number fields take number fields only, checkboxes booleans, dates dates and date-times.
    for (const target of ['int', 'double', 'currency', 'percent', 'boolean', 'date', 'datetime', 'reference']) expect(isCompatible('string', target), target).toBe(false);
    expect(isCompatible('datetime', 'date')).toBe(true);
    expect(isCompatible('email', 'phone')).toBe(true);
  });
});

describe('sameValue', () => {
  it('compares as the field type', () => {
    expect(sameValue(5000, 5000, f('currency'))).toBe(true);
    expect(sameValue('5000.0', 5000, f('double'))).toBe(true);
    expect(sameValue('2026-11-28T14:03:00.000+0000', '2026-11-28T14:03:00.000Z', f('datetime'))).toBe(true);
    expect(sameValue('Ada', 'ada', f('string'))).toBe(false);
    expect(sameValue('Ada@Example.com', 'ada@example.com', f('email'))).toBe(true);
    expect(sameValue('ada@example.com', 'ada@example.org', f('email'))).toBe(false);
    expect(sameValue(null, 'x', f('string'))).toBe(false);
  });
});
