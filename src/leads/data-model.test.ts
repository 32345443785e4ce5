import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_FIELDS, dataModel, isValidEmail, normalizeValue, parseDate, parseDateTime, validateFieldWrites, type FieldDefinition } from './data-model.ts';

const field = (type: FieldDefinition['type'], key = 'f'): FieldDefinition => ({ key, label: key, type, builtin: false, read_only: false });
const model = dataModel([field('number', 'budget')]);

describe('normalizeValue', () => {
  const cases: Array<[FieldDefinition['type'], unknown, unknown]> = [
    ['number', 5, 5],
    ['number', '5', 'problem'],
    ['number', Number.NaN, 'problem'],
    ['boolean', false, false],
    ['boolean', 'false', 'problem'],
    ['date', '2026-11-28', '2026-11-28'],
    ['date', '2026-02-29', 'problem'],
    ['date', '28/11/2026', 'problem'],
    ['datetime', '2026-11-28T14:03:00Z', '2026-11-28T14:03:00.000Z'],
    ['datetime', '2026-11-28T15:03:00+01:00', '2026-11-28T14:03:00.000Z'],
    ['datetime', '2026-11-28T14:03:00', 'problem'],
    ['email', ' Ada@Example.com ', 'Ada@Example.com'],
    ['email', 'ada@', 'problem'],
    ['email', 'ada@example', 'problem'],
    ['string', 'x'.repeat(1000), 'x'.repeat(1000)],
    ['string', 'x'.repeat(1001), 'problem'],
    ['string', 5, 'problem'],
    ['phone', '+1 555 0100', '+1 555 0100'],
    ['url', 'https://acme.com', 'https://acme.com'],
    ['url', 'not a url', 'problem'],
    ['phone', '(555) 010-0100 ext. 12', '(555) 010-0100 ext. 12'],
    ['phone', 'call me', 'problem'],
  ];
  for (const [type, input, expected] of cases) {
    it(`${type} ${JSON.stringify(input)}`, () => {
      const result = normalizeValue(field(type), input);
      if (expected === 'problem') expect(result).toHaveProperty('problem');
      else expect(result).toEqual({ value: expected });
    });
  }

  it('checks Salesforce id prefixes per field', () => {
    const lead = BUILTIN_FIELDS.find((f) => f.key === 'salesforce_lead_id')!;
    expect(normalizeValue(lead, '00Q5e00000AbCdE')).toEqual({ value: '00Q5e00000AbCdE' });
    expect(normalizeValue(lead, '0035e00000AbCdE')).toHaveProperty('problem');
    expect(normalizeValue(lead, '00Q5e00000AbCd')).toHaveProperty('problem');
  });
});

describe('validateFieldWrites', () => {
  it('reports unknown keys before read-only keys before bad values', () => {
    expect(validateFieldWrites(model, { nope: 1, conversation: 'x', budget: 'x' })).toEqual({ error: { code: 'unknown_field', keys: ['nope'] } });
    expect(validateFieldWrites(model, { conversation: 'x', budget: 'x' })).toEqual({ error: { code: 'read_only_field', keys: ['conversation'] } });
    expect(validateFieldWrites(model, { budget: 'x', email: 'y' })).toMatchObject({ error: { code: 'validation_failed', fields: { 'fields.budget': expect.any(String), 'fields.email': expect.any(String) } } });
  });

  it('passes null through as a clear', () => {
    expect(validateFieldWrites(model, { budget: null, first_name: 'Ada' })).toEqual({ patch: { budget: null, first_name: 'Ada' } });
  });
});

describe('isValidEmail', () => {
  it('accepts every address of the usual shape', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9._%+-]{1,30}$/), fc.stringMatching(/^[a-z0-9]{1,20}$/), fc.constantFrom('com', 'io', 'co.uk'), (local, domain, tld) => {
        expect(isValidEmail(`${local}@${domain}.${tld}`)).toBe(true);
      }),
    );
  });
  it('refuses anything with whitespace or without a domain dot', () => {
    for (const bad of ['a b@c.com', 'a@b', '@b.com', 'a@@b.com', 'a@b.com ', '']) expect(isValidEmail(bad)).toBe(false);
  });
});

describe('dates are checked field by field, never rolled over', () => {
  it('parseDate: calendar days of years 0001-9999 only', () => {
    expect(parseDate('2028-02-29')).toBe(true);
    expect(parseDate('0001-01-01')).toBe(true);
    for (const bad of ['2026-02-29', '2026-02-30', '2026-04-31', '0000-01-01', '2026-13-01', '2026-00-10']) expect(parseDate(bad), bad).toBeNull();
    expect(parseDate('2026-2-3')).toBeUndefined();
  });

  it('parseDateTime: every part in range, the offset applied, the result within years 0001-9999', () => {
    expect(parseDateTime('2026-11-28T15:03:00+01:00')?.toISOString()).toBe('2026-11-28T14:03:00.000Z');
    expect(parseDateTime('2026-11-28T14:03Z')?.toISOString()).toBe('2026-11-28T14:03:00.000Z');
    expect(parseDateTime('0001-01-01T00:00:00Z')?.toISOString()).toBe('0001-01-01T00:00:00.000Z');
    expect(parseDateTime('2026-01-01T00:00:00.123456789-0530')?.toISOString()).toBe('2026-01-01T05:30:00.123Z');
    for (const bad of ['2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T10:60:00Z', '2026-01-01T10:00:60Z', '0000-12-31T23:00:00Z', '0001-01-01T00:30:00+01:00', '9999-12-31T23:30:00-01:00']) {
      expect(parseDateTime(bad), bad).toBeNull();
    }
    expect(parseDateTime('2026-01-01')).toBeUndefined();
    expect(parseDateTime('2026-01-01T10:00:00')).toBeUndefined();
  });
});
