import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret } from './crypto.ts';

describe('secret encryption', () => {
  const key = randomBytes(32);
  it('round-trips any text and never stores it in clear', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (text) => {
        const stored = encryptSecret(key, text);
        expect(decryptSecret(key, stored)).toBe(text);
        if (text.length >= 4) expect(stored).not.toContain(text);
      }),
    );
  });
  it('uses a fresh IV each time', () => {
    expect(encryptSecret(key, 'same')).not.toBe(encryptSecret(key, 'same'));
  });
  it('refuses a tampered value or the wrong key', () => {
    const stored = encryptSecret(key, 'token-123');
    const parts = stored.split('.');
    const tampered = [...parts.slice(0, 3), Buffer.from('token-124').toString('base64url')].join('.');
    expect(() => decryptSecret(key, tampered)).toThrow();
    expect(() => decryptSecret(randomBytes(32), stored)).toThrow();
  });
});
