/** OAuth authorization codes, access tokens and refresh tokens, all opaque and in memory. */
import { randomBytes } from 'node:crypto';
import { SalesforceError } from './interfaces.ts';

export interface AccessToken {
  userId: string;
  expiresAt: number;
  refreshToken?: string;
  revoked: boolean;
}

export interface RefreshToken {
  userId: string;
  scope: string;
  revoked: boolean;
  accessTokens: Set<string>;
}

export interface AuthCode {
  userId: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  challenge?: string;
  challengeMethod?: string;
  expiresAt: number;
}

export const sessionInvalid = () => new SalesforceError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

export class Tokens {
  access = new Map<string, AccessToken>();
  refresh = new Map<string, RefreshToken>();
  codes = new Map<string, AuthCode>();

  /** Salesforce access tokens look like `{orgId}!{opaque}`. */
  newAccess(orgId: string, userId: string, ttlSeconds: number, refreshToken?: string): string {
    const token = `${orgId.slice(0, 15)}!${randomBytes(48).toString('base64url')}`;
    this.access.set(token, { userId, expiresAt: Date.now() + ttlSeconds * 1000, refreshToken, revoked: false });
    if (refreshToken) this.refresh.get(refreshToken)?.accessTokens.add(token);
    return token;
  }

  newRefresh(userId: string, scope: string): string {
    const token = `5Aep${randomBytes(40).toString('base64url')}`;
    this.refresh.set(token, { userId, scope, revoked: false, accessTokens: new Set() });
    return token;
  }

  newCode(code: AuthCode): string {
    const value = `aPrx${randomBytes(32).toString('base64url')}`;
    this.codes.set(value, code);
    return value;
  }

  /** The user of a valid access token, or the INVALID_SESSION_ID error. */
  check(token: string | undefined): AccessToken {
    const t = token ? this.access.get(token) : undefined;
    if (!t || t.revoked || t.expiresAt <= Date.now()) throw sessionInvalid();
    return t;
  }

  revokeRefresh(token: string): void {
    const r = this.refresh.get(token);
    if (!r) return;
    r.revoked = true;
    for (const a of r.accessTokens) {
      const at = this.access.get(a);
      if (at) at.revoked = true;
    }
  }

  expireAll(): void {
    for (const t of this.access.values()) t.expiresAt = 0;
  }

  revokeAll(): void {
    for (const t of this.access.values()) t.revoked = true;
    for (const r of this.refresh.values()) r.revoked = true;
  }
}
