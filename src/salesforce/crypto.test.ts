import { createCipheriv, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, SecretUnreadable } from './crypto.ts';

describe('secret encryption', () => {
  const key = randomBytes(32);
  const ctx = 'salesforce_connections:org-1:access_token';
  it('round-trips any text and never stores it in clear', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (text) => {
        const stored = encryptSecret(key, text, ctx);
        expect(stored.startsWith('v2.')).toBe(true);
        expect(decryptSecret(key, stored, ctx)).toBe(text);
        if (text.length >= 4) expect(stored).not.toContain(text);
      }),
    );
  });
  it('uses a fresh IV each time', () => {
    expect(encryptSecret(key, 'same', ctx)).not.toBe(encryptSecret(key, 'same', ctx));
  });
  it('refuses a tampered value or the wrong key', () => {
    const stored = encryptSecret(key, 'token-123', ctx);
    const parts = stored.split('.');
    const tampered = [...parts.slice(0, 3), Buffer.from('token-124').toString('base64url')].join('.');
    expect(() => decryptSecret(key, tampered, ctx)).toThrow(SecretUnreadable);
    expect(() => decryptSecret(randomBytes(32), stored, ctx)).toThrow(SecretUnreadable);
    expect(() => decryptSecret(key, 'garbage', ctx)).toThrow(SecretUnreadable);
  });
  it('a value moved to another row or column does not decrypt', () => {
    const stored = encryptSecret(key, 'token-123', ctx);
    expect(() => decryptSecret(key, stored, 'salesforce_connections:org-2:access_token')).toThrow(SecretUnreadable);
    expect(() => decryptSecret(key, stored, 'salesforce_connections:org-1:refresh_token')).toThrow(SecretUnreadable);
  });
  it('still reads v1 values (written before contexts)', () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([cipher.update('old-token', 'utf8'), cipher.final()]);
    const v1 = ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    expect(decryptSecret(key, v1, ctx)).toBe('old-token');
  });
});
