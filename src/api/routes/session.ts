/** The web UI's session: sign in with a token, read it back after a reload, sign out. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../errors.ts';
import { bearerToken, principal, type Principal } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ErrorBody } from '../schemas.ts';
import { closeSession, csrfToken, openSession, sessionIdFrom } from '../session.ts';

const Session = Type.Object({
  kind: Type.Union([Type.Literal('staff'), Type.Literal('org')]),
  org: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  csrf_token: Type.Union([Type.String(), Type.Null()], { description: 'Send it as X-CSRF-Token on every state-changing request made with the session cookie (null without a session).' }),
});

const describe = (who: Principal) => (who.kind === 'staff' ? { kind: 'staff' as const, org: null } : { kind: 'org' as const, org: { id: who.org.id, name: who.org.name } });

export function sessionRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.post(
    '/api/v1/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Sign in to the web UI: send the token as "Authorization: Bearer"; sets an httpOnly session cookie',
        response: { 201: Session, 400: ErrorBody, 401: ErrorBody },
      },
    },
    async (request, reply) => {
      const token = bearerToken(request);
      // A session opens only from a token: a cross-site page cannot set this header without CORS.
      if (!token) throw new AppError(400, 'validation_failed', 'Sign in with the token in "Authorization: Bearer <token>".', { fields: { authorization: 'is required' } });
      const who = principal(request);
      const csrf = await openSession(ctx, reply, who, token);
      return reply.code(201).send({ ...describe(who), csrf_token: csrf });
    },
  );

  app.get('/api/v1/session', { schema: { tags: ['session'], summary: 'Who this session (or token) acts as, and its CSRF token', response: { 200: Session, 401: ErrorBody } } }, async (request) => {
    const who = principal(request);
    const id = bearerToken(request) ? undefined : sessionIdFrom(request);
    return { ...describe(who), csrf_token: id ? csrfToken(id) : null };
  });

  app.delete('/api/v1/session', { schema: { tags: ['session'], summary: 'Sign out: ends the session and clears its cookie', response: { 204: Type.Null(), 401: ErrorBody, 403: ErrorBody } } }, async (request, reply) => {
    principal(request);
    await closeSession(ctx, request, reply);
    return reply.code(204).send();
  });
}
