/** Everything one sandbox instance holds in memory: the org's data, rules, tokens, faults, usage. */
import type { Dml } from './dml.ts';
import { Faults } from './faults.ts';
import { makeId } from './ids.ts';
import { Limits } from './limits.ts';
import { Rules } from './rules.ts';
import { Stats } from './stats.ts';
import { Store } from './store.ts';
import { Tokens } from './tokens.ts';

export const LATEST_VERSION = '64.0';

export interface SandboxConfig {
  url: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  tokenTtlSeconds: number;
  rotateRefreshTokens: boolean;
}

export class SandboxState {
  store = new Store();
  rules = new Rules();
  tokens = new Tokens();
  faults = new Faults();
  stats = new Stats();
  limits: Limits;
  readonly orgId = makeId('00D', '5g', 1_000_000);
  /** The admin user the API (and client_credentials) runs as; set by the seed. */
  adminUserId = '';

  constructor(
    public config: SandboxConfig,
    dailyApiRequests: number,
  ) {
    this.limits = new Limits(dailyApiRequests);
  }

  dml(version = LATEST_VERSION): Dml {
    return { store: this.store, rules: this.rules, version };
  }

  idUrl(userId: string): string {
    return `${this.config.url}/id/${this.orgId}/${userId}`;
  }
}
