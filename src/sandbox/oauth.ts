/**
 * OAuth 2.0 as Salesforce's login host serves it: the authorize page (web server flow with PKCE),
 * the token endpoint (authorization_code, refresh_token, client_credentials, password), revoke,
 * userinfo and the identity URL.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SRecord } from './interfaces.ts';
import type { SandboxState } from './state.ts';

const CODE_TTL_MS = 15 * 60 * 1000;

class OAuthError extends Error {
  constructor(
    public readonly error: string,
    public readonly description: string,
    public readonly status = 400,
  ) {
    super(description);
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Any http://localhost:* or http://127.0.0.1:* redirect is registered for the sandbox's connected app. */
export function redirectAllowed(uri: string | undefined): boolean {
  if (!uri) return false;
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1');
  } catch {
    return false;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function errorPage(reply: FastifyReply, message: string) {
  return reply
    .code(400)
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><html><head><title>Error</title></head><body><h1>error=redirect_uri_mismatch</h1><p>${escapeHtml(message)}</p></body></html>`);
}

function loginPage(params: Record<string, string>, error?: string): string {
  const hidden = ['response_type', 'client_id', 'redirect_uri', 'state', 'scope', 'code_challenge', 'code_challenge_method']
    .filter((k) => params[k] !== undefined)
    .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(params[k])}">`)
    .join('\n      ');
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Login | Salesforce Sandbox</title></head>
  <body>
    <h1>Salesforce Sandbox</h1>
    <p>LeadSync sandbox is requesting access to your Salesforce data.</p>
    ${error ? `<p role="alert" id="error">${escapeHtml(error)}</p>` : ''}
    <form method="post" action="/services/oauth2/authorize">
      ${hidden}
      <label for="username">Username</label>
      <input id="username" name="username" type="text" autocomplete="username">
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password">
      <button type="submit" name="action" value="Allow">Allow</button>
      <button type="submit" name="action" value="Deny">Deny</button>
    </form>
  </body>
</html>`;
}

function withParams(uri: string, params: Record<string, string | undefined>): string {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

export function findUserByUsername(state: SandboxState, username: string): SRecord | undefined {
  for (const u of state.store.scan('User')) if (String(u.Username).toLowerCase() === username.toLowerCase() && u.IsDeleted !== true) return u;
  return undefined;
}

/** Bearer (or legacy `OAuth`) token from the Authorization header. */
export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(h) : null;
  return m?.[1]?.trim();
}

export function registerOAuth(app: FastifyInstance, state: SandboxState): void {
  const cfg = () => state.config;

  app.get('/services/oauth2/authorize', async (req, reply) => {
    const q = req.query as Record<string, string>;
    if (q.client_id !== cfg().clientId) return errorPage(reply, 'OAuth Error: client identifier invalid (client_id)');
    if (!redirectAllowed(q.redirect_uri)) return errorPage(reply, 'OAuth Error: redirect_uri must match configuration');
    if (q.response_type !== 'code')
      return reply.redirect(withParams(q.redirect_uri, { error: 'unsupported_response_type', error_description: 'response type not supported', state: q.state }), 302);
    if (q.code_challenge_method && q.code_challenge_method !== 'S256')
      return reply.redirect(withParams(q.redirect_uri, { error: 'invalid_request', error_description: 'invalid code_challenge_method', state: q.state }), 302);
    return reply.type('text/html; charset=utf-8').send(loginPage(q));
  });

  app.post('/services/oauth2/authorize', async (req, reply) => {
    const p = (req.body ?? {}) as Record<string, string>;
    if (p.client_id !== cfg().clientId) return errorPage(reply, 'OAuth Error: client identifier invalid (client_id)');
    if (!redirectAllowed(p.redirect_uri)) return errorPage(reply, 'OAuth Error: redirect_uri must match configuration');
    if (p.action === 'Deny')
      return reply.redirect(withParams(p.redirect_uri, { error: 'access_denied', error_description: 'end-user denied authorization', state: p.state }), 302);
    const user = checkCredentials(state, p.username, p.password);
    if (!user) return reply.type('text/html; charset=utf-8').send(loginPage(p, 'Please check your username and password. If you still can\'t log in, contact your Salesforce administrator.'));
    const code = state.tokens.newCode({
      userId: user.Id,
      clientId: p.client_id,
      redirectUri: p.redirect_uri,
      scope: p.scope || 'api refresh_token id',
      challenge: p.code_challenge,
      challengeMethod: p.code_challenge_method,
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    return reply.redirect(withParams(p.redirect_uri, { code, state: p.state }), 302);
  });

  app.post('/services/oauth2/token', async (req, reply) => {
    state.stats.count('oauth');
    try {
      const body = (req.body ?? {}) as Record<string, string>;
      return reply.header('cache-control', 'no-cache,must-revalidate,max-age=0,no-store,private').send(token(state, body));
    } catch (e) {
      if (e instanceof OAuthError) return reply.code(e.status).send({ error: e.error, error_description: e.description });
      throw e;
    }
  });

  const revoke = async (req: FastifyRequest, reply: FastifyReply) => {
    state.stats.count('oauth');
    const t = (req.body as Record<string, string> | undefined)?.token ?? (req.query as Record<string, string>).token;
    const { tokens } = state;
    if (t && tokens.refresh.has(t)) tokens.revokeRefresh(t);
    else if (t && tokens.access.has(t)) tokens.access.get(t)!.revoked = true;
    else return reply.code(400).send({ error: 'unsupported_token_type', error_description: 'this token type is not supported' });
    return reply.code(200).send();
  };
  app.post('/services/oauth2/revoke', revoke);
  app.get('/services/oauth2/revoke', revoke);

  app.get('/services/oauth2/userinfo', async (req, reply) => {
    state.stats.count('oauth');
    const user = userForToken(state, req);
    if (!user) return reply.code(403).type('text/plain').send('Bad_OAuth_Token');
    return identity(state, user, 'userinfo');
  });

  app.get('/id/:orgId/:userId', async (req, reply) => {
    state.stats.count('oauth');
    const me = userForToken(state, req);
    if (!me) return reply.code(403).type('text/plain').send('Bad_OAuth_Token');
    const { orgId, userId } = req.params as { orgId: string; userId: string };
    const target = state.store.get(userId);
    if (orgId !== state.orgId || !target || state.store.objectForId(target.Id)?.name !== 'User') return reply.code(404).type('text/plain').send('Bad_Id');
    return identity(state, target, 'id');
  });
}

function userForToken(state: SandboxState, req: FastifyRequest): SRecord | undefined {
  const t = bearer(req) ?? (req.query as Record<string, string>).oauth_token;
  try {
    return state.store.get(state.tokens.check(t).userId);
  } catch {
    return undefined;
  }
}

function checkCredentials(state: SandboxState, username: string | undefined, password: string | undefined): SRecord | undefined {
  const c = state.config;
  if (!username || !password || username.toLowerCase() !== c.username.toLowerCase() || password !== c.password) return undefined;
  const user = findUserByUsername(state, username) ?? state.store.get(state.adminUserId);
  return user && user.IsActive !== false ? user : undefined;
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** The token response Salesforce sends, with its HMAC signature over id + issued_at. */
function tokenResponse(state: SandboxState, userId: string, scope: string, refreshToken?: string, includeRefresh = false): Record<string, string> {
  const c = state.config;
  const access = state.tokens.newAccess(state.orgId, userId, c.tokenTtlSeconds, refreshToken);
  const id = state.idUrl(userId);
  const issuedAt = String(Date.now());
  const signature = createHmac('sha256', c.clientSecret).update(id + issuedAt).digest('base64');
  const out: Record<string, string> = { access_token: access };
  if (includeRefresh && refreshToken) out.refresh_token = refreshToken;
  Object.assign(out, { signature, scope, instance_url: c.url, id, token_type: 'Bearer', issued_at: issuedAt });
  return out;
}

function checkClient(state: SandboxState, body: Record<string, string>, secretRequired: boolean): void {
  const c = state.config;
  if (body.client_id !== c.clientId) throw new OAuthError('invalid_client_id', 'client identifier invalid');
  if ((secretRequired || body.client_secret !== undefined) && !safeEqual(body.client_secret ?? '', c.clientSecret))
    throw new OAuthError('invalid_client', 'invalid client credentials');
}

function token(state: SandboxState, body: Record<string, string>): Record<string, string> {
  const { tokens } = state;
  switch (body.grant_type) {
    case 'authorization_code': {
      // A PKCE client may omit the secret; without a verifier the secret is required.
      checkClient(state, body, !body.code_verifier);
      const code = body.code ? tokens.codes.get(body.code) : undefined;
      if (body.code) tokens.codes.delete(body.code); // codes are single-use
      if (!code || code.expiresAt < Date.now() || code.clientId !== body.client_id) throw new OAuthError('invalid_grant', 'invalid authorization code');
      if (body.redirect_uri !== code.redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri must match configuration');
      if (code.challenge) {
        if (!body.code_verifier || !safeEqual(s256(body.code_verifier), code.challenge)) throw new OAuthError('invalid_grant', 'invalid code verifier');
      } else if (body.code_verifier) {
        throw new OAuthError('invalid_grant', 'invalid code verifier');
      }
      const refresh = tokens.newRefresh(code.userId, code.scope);
      return tokenResponse(state, code.userId, code.scope, refresh, true);
    }
    case 'refresh_token': {
      checkClient(state, body, false);
      const rt = body.refresh_token ? tokens.refresh.get(body.refresh_token) : undefined;
      if (!rt || rt.revoked) throw new OAuthError('invalid_grant', 'expired access/refresh token');
      const user = state.store.get(rt.userId);
      if (!user || user.IsActive === false) throw new OAuthError('invalid_grant', 'inactive user');
      if (state.config.rotateRefreshTokens) {
        // Rotation: the old refresh token stops working; its access tokens stay valid until they expire.
        rt.revoked = true;
        const next = tokens.newRefresh(rt.userId, rt.scope);
        return tokenResponse(state, rt.userId, rt.scope, next, true);
      }
      return tokenResponse(state, rt.userId, rt.scope, body.refresh_token, false);
    }
    case 'client_credentials': {
      checkClient(state, body, true);
      return tokenResponse(state, state.adminUserId, 'api id');
    }
    case 'password': {
      checkClient(state, body, true);
      const user = checkCredentials(state, body.username, body.password);
      if (!user) throw new OAuthError('invalid_grant', 'authentication failure');
      return tokenResponse(state, user.Id, 'api id');
    }
    default:
      throw new OAuthError('unsupported_grant_type', 'grant type not supported');
  }
}

/** The identity service's answer (the id URL and, OpenID-shaped, userinfo). */
function identity(state: SandboxState, u: SRecord, kind: 'id' | 'userinfo'): Record<string, unknown> {
  const base = state.config.url;
  const urls = {
    enterprise: `${base}/services/Soap/c/{version}/${state.orgId.slice(0, 15)}`,
    metadata: `${base}/services/Soap/m/{version}/${state.orgId.slice(0, 15)}`,
    partner: `${base}/services/Soap/u/{version}/${state.orgId.slice(0, 15)}`,
    rest: `${base}/services/data/v{version}/`,
    sobjects: `${base}/services/data/v{version}/sobjects/`,
    search: `${base}/services/data/v{version}/search/`,
    query: `${base}/services/data/v{version}/query/`,
    recent: `${base}/services/data/v{version}/recent/`,
    profile: `${base}/${u.Id}`,
    feeds: `${base}/services/data/v{version}/chatter/feeds`,
    users: `${base}/services/data/v{version}/chatter/users`,
    custom_domain: base,
  };
  // The user's profile pictures (the default silhouette: every sandbox user has no photo of their own).
  const photos = { picture: `${base}/profilephoto/005/F`, thumbnail: `${base}/profilephoto/005/T` };
  const common = {
    user_id: u.Id,
    organization_id: state.orgId,
    email: u.Email,
    active: u.IsActive !== false,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    photos,
    urls,
  };
  if (kind === 'userinfo') {
    return {
      sub: state.idUrl(u.Id),
      ...common,
      preferred_username: u.Username,
      nickname: u.Alias,
      name: u.Name,
      email_verified: true,
      given_name: u.FirstName,
      family_name: u.LastName,
      zoneinfo: 'UTC',
      profile: urls.profile,
      picture: photos.thumbnail,
      updated_at: u.LastModifiedDate,
    };
  }
  return {
    id: state.idUrl(u.Id),
    asserted_user: true,
    username: u.Username,
    nick_name: u.Alias,
    display_name: u.Name,
    first_name: u.FirstName,
    last_name: u.LastName,
    timezone: 'UTC',
    last_modified_date: u.LastModifiedDate,
    is_app_installed: true,
    ...common,
  };
}
