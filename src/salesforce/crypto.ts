/**
 * Secrets at rest (Salesforce tokens, client secrets, PKCE verifiers): AES-256-GCM under
 * LEADSYNC_SECRET_KEY, a fresh 96-bit IV per value, authenticated. Format
 * `v2.<iv>.<tag>.<ciphertext>` (base64url) so the scheme can change without ambiguity.
 *
 * v2 authenticates a context (which row and column the value belongs to) as associated data: a
 * value copied into another organization's row, or into another column, does not decrypt. v1
 * values (no context) are still read, so data written before v2 keeps working.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The value could not be decrypted: another key, another context, or a damaged value. */
export class SecretUnreadable extends Error {
  constructor(reason: string) {
    super(`A stored secret cannot be decrypted (${reason}): was LEADSYNC_SECRET_KEY changed?`);
  }
}

/** The associated data of a secret: the table, the row's key and the column it is stored in. */
export const secretContext = (table: string, id: string, column: string) => `${table}:${id}:${column}`;

export function encryptSecret(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v2', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

export function decryptSecret(key: Buffer, stored: string, context: string): string {
  const [version, iv, tag, data] = stored.split('.');
  if ((version !== 'v1' && version !== 'v2') || !iv || !tag || data === undefined) throw new SecretUnreadable('unknown format');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    if (version === 'v2') decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretUnreadable('authentication failed');
  }
}
