import { Type } from '@sinclair/typebox';
import { validationFailed } from '../errors.ts';

/** `?limit=&cursor=` as api-v1.md defines them; numbers arrive as strings and are checked here. */
export const PageQuery = {
  limit: Type.Optional(Type.String({ description: 'Items per page, 1 to 500 (default 50).' })),
  cursor: Type.Optional(Type.String({ description: 'The next_cursor of the previous page.' })),
};

export function pageLimit(raw: string | undefined): number {
  if (raw === undefined) return 50;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 500) throw validationFailed({ 'query.limit': 'must be a whole number from 1 to 500' });
  return n;
}

/** Cursors are opaque to clients: base64url JSON of the position after the last item. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor<T>(raw: string | undefined, isValid: (v: unknown) => v is T): T | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!isValid(value)) throw validationFailed({ 'query.cursor': 'is not a cursor this list returned' });
  return value;
}

export const Page = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({ items: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });
