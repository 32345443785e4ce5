import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { validationFailed } from '../errors.ts';

/** `?limit=&cursor=` as api-v1.md defines them; numbers arrive as strings and are checked here. */
export const PageQuery = {
  limit: Type.Optional(Type.String({ description: 'Items per page, 1 to 500 (default 50).' })),
  cursor: Type.Optional(Type.String({ description: 'The next_cursor of the previous page.' })),
};

/** The position most lists page by: a row's sequence number (a whole number, never negative). */
export const isPosition = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

export function pageLimit(raw: string | undefined): number {
  if (raw === undefined) return 50;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 500) throw validationFailed({ 'query.limit': 'must be a whole number from 1 to 500' });
  return n;
}

/**
 * Cursors are opaque to clients: base64url JSON of the position after the last item, a dot, and an
 * HMAC of it. A cursor this server did not hand out (forged, tampered, truncated) is a 400 before its
 * position reaches a query. The key comes from LEADSYNC_SECRET_KEY (every `serve` behind a load
 * balancer shares it, so any of them continues a list), or is this process's own when none is set.
 */
const cursorKeys: Buffer[] = [randomBytes(32)];

/** Signs new cursors with a key derived from `secret`; cursors of any key this process used stay valid. */
export function useCursorKey(secret: Buffer): void {
  const key = createHmac('sha256', secret).update('leadsync list cursor').digest();
  const known = cursorKeys.findIndex((k) => k.equals(key));
  if (known >= 0) cursorKeys.splice(known, 1);
  cursorKeys.unshift(key);
}

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest().subarray(0, 16);

export function encodeCursor(position: unknown): string {
  const payload = Buffer.from(JSON.stringify(position)).toString('base64url');
  return `${payload}.${mac(cursorKeys[0], payload).toString('base64url')}`;
}

export function decodeCursor<T>(raw: string | undefined, isValid: (v: unknown) => v is T): T | undefined {
  if (raw === undefined) return undefined;
  const [payload, signature, extra] = raw.split('.');
  const given = Buffer.from(signature ?? '', 'base64url');
  const signed = extra === undefined && given.length === 16 && cursorKeys.some((key) => timingSafeEqual(mac(key, payload), given));
  let value: unknown;
  try {
    value = signed ? JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) : undefined;
  } catch {
    value = undefined;
  }
  if (!isValid(value)) throw validationFailed({ 'query.cursor': 'is not a cursor this list returned' });
  return value;
}

export const Page = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ items: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });
