/**
 * Connecting an organization to Salesforce: the OAuth 2.0 web-server flow with PKCE (S256) and a
 * single-use, expiring, org-bound state; the customer's own connected app (client credentials);
 * deauthorize. Tokens are stored encrypted and never returned.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/engine.ts';
import {
  clearSalesforceIdsOnLeads,
  consumeOAuthState,
  forgetTokens,
  getConnection,
  insertOAuthState,
  saveConnection,
  type NewConnection,
} from '../db/salesforce-connections.ts';
import { AppError, validationFailed } from '../errors.ts';
import { decryptSecret, encryptSecret, secretContext, SecretUnreadable } from './crypto.ts';
import { OAuthError, readIdentity, requestToken, revokeToken, type TokenResponse } from './token-endpoint.ts';

export const STATE_TTL_SECONDS = 600;
const PRODUCTION_LOGIN = 'https://login.salesforce.com';

export interface OAuthDeps {
  db: Database;
  config: Config;
}

function secretKey(config: Config): Buffer {
  if (!config.secretKey) throw new Error('LEADSYNC_SECRET_KEY is not configured');
  return config.secretKey;
}

export const redirectUri = (config: Config) => `${config.publicUrl}/oauth/salesforce/callback`;

/**
 * A login URL LeadSync may send its client secret to: https on a Salesforce login host
 * (login/test.salesforce.com, *.my.salesforce.com, *.force.com), or the host of SALESFORCE_LOGIN_URL
 * (http allowed there: the local sandbox). Returns the origin; 400 otherwise.
 */
export function checkLoginUrl(raw: string | undefined, config: Config): string {
  const fallback = config.salesforce.loginUrl ?? PRODUCTION_LOGIN;
  const value = raw ?? fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw validationFailed({ login_url: 'must be a URL such as https://login.salesforce.com' });
  }
  const host = url.hostname.toLowerCase();
  const configured = config.salesforce.loginUrl ? new URL(config.salesforce.loginUrl) : undefined;
  const salesforceHost = host === 'login.salesforce.com' || host === 'test.salesforce.com' || host.endsWith('.my.salesforce.com') || host.endsWith('.force.com');
  const ok =
    (url.protocol === 'https:' && salesforceHost) ||
    (configured !== undefined && url.host === configured.host && (url.protocol === 'https:' || url.protocol === configured.protocol));
  if (!ok || url.username || url.password) {
    throw validationFailed({ login_url: 'must be https on a Salesforce login host (login.salesforce.com, test.salesforce.com, *.my.salesforce.com, *.force.com)' });
  }
  return url.origin;
}

function appCredentials(config: Config): { clientId: string; clientSecret: string } {
  const { clientId, clientSecret } = config.salesforce;
  if (!clientId || !clientSecret) {
    throw new AppError(409, 'not_connected', 'LeadSync has no Salesforce connected app configured (SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET). Use your own connected app with POST .../connect.');
  }
  return { clientId, clientSecret };
}

const hashState = (state: string) => createHash('sha256').update(state).digest('hex');
const verifierContext = (stateHash: string) => secretContext('oauth_states', stateHash, 'code_verifier');
const connectionContext = (orgId: string, column: 'access_token' | 'refresh_token' | 'client_secret') => secretContext('salesforce_connections', orgId, column);

/**
 * The browser binding of a state (api-v1.md, RFC 6749 §10.12): `authorize` answers with an
 * httpOnly, SameSite=Lax cookie holding the state, named after its hash (several flows may be open
 * in one browser), and the callback accepts a state only with that cookie. An authorization URL
 * sent to someone else therefore cannot be completed in their browser.
 */
export const STATE_COOKIE_PATH = '/oauth/salesforce/';
const stateCookieName = (state: string) => `leadsync_oauth_${hashState(state).slice(0, 16)}`;

/** The Set-Cookie header that binds `state` to the browser that asked for it. */
export function stateCookie(config: Config, state: string): string {
  return stringifySetCookie({ name: stateCookieName(state), value: state, httpOnly: true, sameSite: 'lax', secure: config.publicUrl.startsWith('https:'), path: STATE_COOKIE_PATH, maxAge: STATE_TTL_SECONDS });
}

/** The Set-Cookie header that clears the cookie of `state` once the callback has used it. */
export function clearStateCookie(config: Config, state: string): string {
  return stringifySetCookie({ name: stateCookieName(state), value: '', httpOnly: true, sameSite: 'lax', secure: config.publicUrl.startsWith('https:'), path: STATE_COOKIE_PATH, maxAge: 0 });
}

/** Whether the request's Cookie header carries the cookie `authorize` set for `state`. */
export function hasStateCookie(cookieHeader: string | undefined, state: string): boolean {
  if (!cookieHeader) return false;
  const value = parseCookie(cookieHeader)[stateCookieName(state)];
  return value !== undefined && value.length === state.length && timingSafeEqual(Buffer.from(value), Buffer.from(state));
}

/** Starts the web-server flow: the URL to send the admin's browser to, and the state to bind to it. */
export async function createAuthorizationUrl(deps: OAuthDeps, orgId: string, loginUrlInput: string | undefined): Promise<{ url: string; state: string }> {
  const loginUrl = checkLoginUrl(loginUrlInput, deps.config);
  const { clientId } = appCredentials(deps.config);
  const state = randomBytes(32).toString('base64url');
  const verifier = randomBytes(48).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const stateHash = hashState(state);
  await insertOAuthState(deps.db, {
    state_hash: stateHash,
    org_id: orgId,
    login_url: loginUrl,
    code_verifier_enc: encryptSecret(secretKey(deps.config), verifier, verifierContext(stateHash)),
    ttlSeconds: STATE_TTL_SECONDS,
  });
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri(deps.config),
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: 'api refresh_token',
  });
  return { url: `${loginUrl}/services/oauth2/authorize?${params.toString()}`, state };
}

export type CallbackResult =
  | { ok: true; orgId: string; clearedLeads: number }
  | { ok: false; orgId?: string; reason: 'access_denied' | 'oauth_error' | 'invalid_state' | 'exchange_failed'; message: string };

const INVALID_STATE = 'This authorization link is not valid: it was already used, it expired, it was opened in another browser than the one that started it, or it was not started by LeadSync.';

/**
 * Completes the flow from Salesforce's redirect. A state without its browser cookie is refused
 * before it is looked up (so it stays usable in the browser that started it). Any failure leaves
 * the stored connection as it was.
 */
export async function completeAuthorization(
  deps: OAuthDeps,
  query: { code?: string; state?: string; error?: string; error_description?: string },
  cookieHeader: string | undefined,
): Promise<CallbackResult> {
  if (!query.state || !hasStateCookie(cookieHeader, query.state)) return { ok: false, reason: 'invalid_state', message: INVALID_STATE };
  const stateHash = query.state ? hashState(query.state) : undefined;
  const state = stateHash ? await consumeOAuthState(deps.db, stateHash) : undefined;
  if (!state) {
    return { ok: false, reason: 'invalid_state', message: INVALID_STATE };
  }
  if (query.error) {
    const denied = query.error === 'access_denied';
    return { ok: false, orgId: state.org_id, reason: denied ? 'access_denied' : 'oauth_error', message: query.error_description || query.error };
  }
  if (!query.code) return { ok: false, orgId: state.org_id, reason: 'oauth_error', message: 'Salesforce sent no authorization code.' };
  const { clientId, clientSecret } = appCredentials(deps.config);
  let token: TokenResponse;
  try {
    token = await requestToken(state.login_url, {
      grant_type: 'authorization_code',
      code: query.code,
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uri: redirectUri(deps.config),
      code_verifier: decryptSecret(secretKey(deps.config), state.code_verifier_enc, verifierContext(stateHash!)),
    });
  } catch (error) {
    if (error instanceof OAuthError || error instanceof SecretUnreadable) return { ok: false, orgId: state.org_id, reason: 'exchange_failed', message: error.message };
    throw error;
  }
  try {
    const cleared = await store(deps, state.org_id, token, { auth_kind: 'oauth', login_url: state.login_url, client_id: null, client_secret_enc: null });
    return { ok: true, orgId: state.org_id, clearedLeads: cleared };
  } catch (error) {
    // The identity service failed: nothing was stored, and the page can still lead back to the org's settings.
    if (error instanceof AppError) return { ok: false, orgId: state.org_id, reason: 'exchange_failed', message: error.message };
    throw error;
  }
}

/** The customer's own connected app (seed Option 2): the client-credentials flow. */
export async function connectWithClientCredentials(deps: OAuthDeps, orgId: string, input: { login_url: string; client_id: string; client_secret: string }): Promise<void> {
  const loginUrl = checkLoginUrl(input.login_url, deps.config);
  let token: TokenResponse;
  try {
    token = await requestToken(loginUrl, { grant_type: 'client_credentials', client_id: input.client_id, client_secret: input.client_secret });
  } catch (error) {
    if (error instanceof OAuthError) {
      throw new AppError(400, 'validation_failed', `Salesforce refused the connected app: ${error.description || error.error}`, {
        fields: { client_id: error.error },
        salesforce_error: error.error,
      });
    }
    throw error;
  }
  await store(deps, orgId, token, {
    auth_kind: 'client_credentials',
    login_url: loginUrl,
    client_id: input.client_id,
    client_secret_enc: encryptSecret(secretKey(deps.config), input.client_secret, connectionContext(orgId, 'client_secret')),
  });
}

/** Saves a new token set and identity; connecting a different Salesforce org forgets the old org's ids. */
async function store(deps: OAuthDeps, orgId: string, token: TokenResponse, how: Pick<NewConnection, 'auth_kind' | 'login_url' | 'client_id' | 'client_secret_enc'>): Promise<number> {
  let identity;
  try {
    identity = await readIdentity(token.id, token.access_token);
  } catch (error) {
    if (error instanceof OAuthError) throw new AppError(400, 'validation_failed', `Connected, but Salesforce's identity service failed: ${error.description}`);
    throw error;
  }
  const key = secretKey(deps.config);
  return deps.db.transaction(async (tx) => {
    const previous = await getConnection(tx, orgId, true);
    const cleared = previous?.salesforce_org_id && previous.salesforce_org_id !== identity.organization_id ? await clearSalesforceIdsOnLeads(tx, orgId) : 0;
    await saveConnection(tx, orgId, {
      ...how,
      instance_url: token.instance_url,
      username: identity.username,
      salesforce_org_id: identity.organization_id,
      salesforce_user_id: identity.user_id,
      access_token_enc: encryptSecret(key, token.access_token, connectionContext(orgId, 'access_token')),
      refresh_token_enc: token.refresh_token ? encryptSecret(key, token.refresh_token, connectionContext(orgId, 'refresh_token')) : null,
    });
    return cleared;
  });
}

/** Revokes at Salesforce (best effort) and forgets the tokens; settings and mappings stay. */
export async function deauthorize(deps: OAuthDeps, orgId: string): Promise<void> {
  const connection = await getConnection(deps.db, orgId);
  if (!connection) return;
  const key = secretKey(deps.config);
  const stored = connection.refresh_token_enc
    ? { value: connection.refresh_token_enc, column: 'refresh_token' as const }
    : connection.access_token_enc
      ? { value: connection.access_token_enc, column: 'access_token' as const }
      : undefined;
  let token: string | undefined;
  try {
    token = stored && decryptSecret(key, stored.value, connectionContext(orgId, stored.column));
  } catch (error) {
    // Unreadable (another key): nothing to revoke with; forgetting it is all that is left.
    if (!(error instanceof SecretUnreadable)) throw error;
  }
  if (token && connection.login_url) {
    // Revoking the refresh token revokes its access tokens too.
    await revokeToken(connection.instance_url ?? connection.login_url, token);
  }
  await forgetTokens(deps.db, orgId);
}
