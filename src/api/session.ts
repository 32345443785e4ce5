/**
 * Web UI sessions (docs/web-ui.md, "Sessions and CSRF"). Signing in turns a token into an httpOnly,
 * SameSite=Lax cookie holding a random session id; the database keeps only the id's SHA-256 and
 * what the session acts as (staff, or one organization). Every state-changing request made with the
 * cookie must carry `X-CSRF-Token` (derived from the session id, which a cross-site page cannot read)
 * and, when the browser sends one, an `Origin` of this server. Bearer tokens work as before.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { hashApiKey } from '../db/orgs.ts';
import { createSession, deleteSession, findSession } from '../db/sessions.ts';
import type { ApiContext } from './context.ts';
import type { Principal } from './auth.ts';

export const SESSION_COOKIE = 'leadsync_session';
export const CSRF_HEADER = 'x-csrf-token';
/** A session lasts a week from sign-in (or until "Sign out"). */
export const SESSION_TTL_SECONDS = 7 * 24 * 3600;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** The CSRF token of a session: a one-way function of its id, so nothing more has to be stored. */
export const csrfToken = (sessionId: string): string => createHash('sha256').update(`leadsync-csrf:${sessionId}`).digest('base64url');

export function sessionIdFrom(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  // Our own cookie only, and only in its one shape (43 base64url characters): nothing to decode.
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === SESSION_COOKIE) {
      const id = pair.slice(eq + 1).trim();
      if (SESSION_ID.test(id)) return id;
    }
  }
  return undefined;
}

const secure = (ctx: ApiContext) => ctx.config.publicUrl.startsWith('https:');

function setCookie(ctx: ApiContext, reply: FastifyReply, value: string, maxAge: number): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=${value}; Max-Age=${maxAge}; Path=/; HttpOnly; SameSite=Lax${secure(ctx) ? '; Secure' : ''}`);
}

function sameValue(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The origins a browser may send state-changing requests from: PUBLIC_URL's and this request's own host. */
function allowedOrigin(ctx: ApiContext, request: FastifyRequest, origin: string): boolean {
  if (origin === new URL(ctx.config.publicUrl).origin) return true;
  return origin === `${request.protocol}://${request.headers.host ?? ''}`;
}

/**
 * The principal of the request's session cookie, or undefined when it has none (or a dead one).
 * A state-changing request with a live session but without its CSRF token or from another origin is
 * `403 forbidden`: it is what a forged cross-site request looks like.
 */
export async function sessionPrincipal(ctx: ApiContext, request: FastifyRequest): Promise<Principal | undefined> {
  const id = sessionIdFrom(request);
  if (!id) return undefined;
  const found = await findSession(ctx.db, sha256(id));
  if (!found) return undefined;
  const { session, org } = found;
  let who: Principal | undefined;
  if (session.kind === 'staff') {
    // A session opened with a staff token that is no longer the staff token is over.
    if (ctx.config.staffToken && sameValue(session.token_hash, sha256(ctx.config.staffToken))) who = { kind: 'staff' };
  } else if (org && sameValue(session.token_hash, org.api_key_hash)) {
    who = { kind: 'org', org };
  }
  if (!who) return undefined;
  if (!SAFE_METHODS.has(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameValue(sent, csrfToken(id))) {
      throw new AppError(403, 'forbidden', `A request made with the session cookie must send the "X-CSRF-Token" header that GET /api/v1/session returns.`);
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedOrigin(ctx, request, origin)) {
      throw new AppError(403, 'forbidden', `Requests from ${origin} may not use this session.`);
    }
  }
  return who;
}

/** Opens a session acting as `who`, which `token` authenticated; sets the cookie; returns its CSRF token. */
export async function openSession(ctx: ApiContext, reply: FastifyReply, who: Principal, token: string): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await createSession(ctx.db, {
    id_hash: sha256(id),
    kind: who.kind,
    org_id: who.kind === 'org' ? who.org.id : null,
    // For an org key this is the same digest the orgs table keeps (hashApiKey is SHA-256 hex).
    token_hash: who.kind === 'org' ? hashApiKey(token) : sha256(token),
    ttlSeconds: SESSION_TTL_SECONDS,
  });
  setCookie(ctx, reply, id, SESSION_TTL_SECONDS);
  return csrfToken(id);
}

/** Ends the request's session (if any) and clears the cookie. */
export async function closeSession(ctx: ApiContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const id = sessionIdFrom(request);
  if (id) await deleteSession(ctx.db, sha256(id));
  setCookie(ctx, reply, '', 0);
}
