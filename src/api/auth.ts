import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError, notFound } from '../errors.ts';
import { findOrgByApiKey, getOrg } from '../db/orgs.ts';
import type { OrgRow } from '../db/rows.ts';
import type { ApiContext } from './context.ts';
import { sessionPrincipal } from './session.ts';

export type Principal = { kind: 'staff' } | { kind: 'org'; org: OrgRow };

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Organization keys resolved in the last minute, per database: a write then costs no lookup of its
 * key. Safe because a key and its organization never change (there is no key rotation or deletion
 * yet — whoever adds one clears this cache). Refused tokens are never cached.
 */
const KEY_CACHE_MS = 60_000;
const KEY_CACHE_SIZE = 10_000;
const keyCaches = new WeakMap<object, Map<string, { org: OrgRow; until: number }>>();

async function orgForKey(ctx: ApiContext, token: string): Promise<OrgRow | undefined> {
  let cache = keyCaches.get(ctx.db);
  if (!cache) keyCaches.set(ctx.db, (cache = new Map()));
  const key = digest(token).toString('base64');
  const hit = cache.get(key);
  if (hit && hit.until > Date.now()) return hit.org;
  const org = await findOrgByApiKey(ctx.db, token);
  if (org) {
    if (cache.size >= KEY_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(key, { org, until: Date.now() + KEY_CACHE_MS });
  }
  return org;
}

/** Resolves the bearer token to the staff principal or an organization; 401 otherwise. */
export async function authenticate(ctx: ApiContext, request: FastifyRequest): Promise<Principal> {
  const token = bearerToken(request);
  // The web UI's session cookie (src/api/session.ts) stands in for a token; a Bearer token wins.
  const fromSession = token ? undefined : await sessionPrincipal(ctx, request);
  if (fromSession) return fromSession;
  if (!token) throw new AppError(401, 'unauthorized', 'Missing API token: send "Authorization: Bearer <token>".');
  const staff = ctx.config.staffToken;
  if (staff && timingSafeEqual(digest(token), digest(staff))) return { kind: 'staff' };
  const org = await orgForKey(ctx, token);
  if (!org) throw new AppError(401, 'unauthorized', 'The API token is not valid.');
  return { kind: 'org', org };
}

export function principal(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError(401, 'unauthorized', 'Missing API token.');
  return request.principal;
}

export function requireStaff(request: FastifyRequest): void {
  if (principal(request).kind !== 'staff') throw new AppError(403, 'forbidden', 'Only the staff token may do this.');
}

/**
 * The organization named in the path, if the token may act on it. Another organization's key gets
 * the same 404 as an organization that does not exist, so keys reveal nothing about other orgs.
 */
export async function orgFromPath(ctx: ApiContext, request: FastifyRequest, orgId: string): Promise<OrgRow> {
  const who = principal(request);
  if (!isUuid(orgId)) throw notFound('Organization');
  if (who.kind === 'org') {
    if (who.org.id !== orgId.toLowerCase()) throw notFound('Organization');
    return who.org;
  }
  const org = await getOrg(ctx.db, orgId);
  if (!org) throw notFound('Organization');
  return org;
}
