import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checksum, IdGenerator, makeId, normalizeId } from './ids.ts';

describe('ids', () => {
  it('matches Salesforce published examples', () => {
    expect(normalizeId('001M000000qfPyS')).toBe('001M000000qfPySIAU');
    expect(checksum('001M000000qfPyS')).toBe('IAU');
    expect(normalizeId('001M000000qfPySIAU')).toBe('001M000000qfPySIAU');
    // From a real identity-URL response: org and user ids in both forms.
    expect(normalizeId('00D50000000IZ3Z')).toBe('00D50000000IZ3ZEAW');
    expect(normalizeId('00550000001fg5O')).toBe('00550000001fg5OAAQ');
  });

  it('repairs an 18-character id in the wrong case and rejects a bad suffix', () => {
    expect(normalizeId('001m000000QFpYsIAU')).toBe('001M000000qfPySIAU');
    // The suffix decides the case, so a different suffix names a different (lower-cased) id...
    expect(normalizeId('001M000000qfPySAAA')).toBe('001m000000qfpysAAA');
    // ...and a suffix outside the alphabet is no id at all.
    expect(normalizeId('001M000000qfPyS999')).toBeUndefined();
    expect(normalizeId('abc')).toBeUndefined();
    expect(normalizeId('001M000000qfPy!')).toBeUndefined();
  });

  it('generates unique, valid, prefixed ids', () => {
    const gen = new IdGenerator();
    const a = gen.next('00Q');
    const b = gen.next('00Q');
    expect(a).not.toBe(b);
    expect(a).toHaveLength(18);
    expect(a.startsWith('00Q')).toBe(true);
    expect(normalizeId(a)).toBe(a);
    expect(normalizeId(a.slice(0, 15))).toBe(a);
  });

  it('round-trips any generated id through its 15-character and upper-cased forms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), (n) => {
        const id = makeId('003', '5g', n);
        return normalizeId(id.slice(0, 15)) === id && normalizeId(id.toUpperCase()) === id;
      }),
    );
  });
});
