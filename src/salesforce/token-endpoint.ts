/**
 * Salesforce's OAuth 2.0 endpoints (token, revoke, identity) over plain HTTPS. Used by the connect
 * flows (oauth.ts) and by token refresh (client.ts). Tokens never reach a log from here.
 */

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  instance_url: string;
  /** Identity URL `{login}/id/{orgId}/{userId}`. */
  id: string;
  issued_at?: string;
  token_type?: string;
  scope?: string;
}

/** An answer of Salesforce's token endpoint that is not a token: `{error, error_description}`. */
export class OAuthError extends Error {
  constructor(
    public readonly error: string,
    public readonly description: string,
    public readonly status: number,
  ) {
    super(`${error}: ${description}`);
  }
}

const TIMEOUT_MS = 30_000;

export async function requestToken(loginUrl: string, params: Record<string, string>): Promise<TokenResponse> {
  let response: Response;
  try {
    response = await fetch(`${loginUrl}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new OAuthError('unreachable', `Could not reach ${loginUrl}: ${(error as Error).message}`, 0);
  }
  const text = await response.text();
  let body: Record<string, string> = {};
  try {
    body = JSON.parse(text) as Record<string, string>;
  } catch {
    // Not JSON (an HTML error page from a proxy, say): reported below.
  }
  if (!response.ok || !body.access_token) {
    throw new OAuthError(body.error ?? `http_${response.status}`, body.error_description ?? text.slice(0, 200), response.status);
  }
  return body as unknown as TokenResponse;
}

export interface Identity {
  username: string;
  organization_id: string;
  user_id: string;
  display_name?: string;
}

/** Reads the identity service URL from a token response (who connected, which Salesforce org). */
export async function readIdentity(idUrl: string, accessToken: string): Promise<Identity> {
  const response = await fetch(idUrl, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new OAuthError('identity_failed', `The identity service answered ${response.status}`, response.status);
  const body = (await response.json()) as Identity;
  if (!body.username || !body.organization_id) throw new OAuthError('identity_failed', 'The identity service answered without a username or organization id', response.status);
  return body;
}

/** Revokes a token; best effort — the caller forgets the token whatever Salesforce answers. */
export async function revokeToken(loginUrl: string, token: string): Promise<boolean> {
  try {
    const response = await fetch(`${loginUrl}/services/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    return response.ok;
  } catch {
    return false;
  }
}
