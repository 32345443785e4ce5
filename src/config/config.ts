/**
 * One validated schema over the environment (runtime.md's table). Nothing else reads `process.env`.
 * A bad value stops start-up with a message naming the variable.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const LogLevel = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)));
const Bool = Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0')]);
const Int = (min: number, max: number) => Type.String({ pattern: '^[0-9]+$', 'x-min': min, 'x-max': max });

/** The raw environment, every variable a string; each is checked here, then converted below. */
const EnvSchema = Type.Object({
  PORT: Type.Optional(Int(0, 65535)),
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(/.*)?$' })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  LEADSYNC_DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  LEADSYNC_SECRET_KEY: Type.Optional(Type.String({ minLength: 1 })),
  LEADSYNC_STAFF_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  SALESFORCE_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  SALESFORCE_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  SALESFORCE_LOGIN_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+/?$' })),
  SALESFORCE_API_VERSION: Type.Optional(Type.String({ pattern: '^[0-9]{2}\\.0$' })),
  LEADSYNC_SYNC_DEBOUNCE_MS: Type.Optional(Int(0, 3_600_000)),
  LEADSYNC_SYNC_BATCH_LINGER_MS: Type.Optional(Int(0, 600_000)),
  LEADSYNC_API_BUDGET_PERCENT: Type.Optional(Int(1, 100)),
  LEADSYNC_ENRICHMENT_REFRESH_HOURS: Type.Optional(Int(0, 8760)),
  // How long a worker's claim on a batch lasts unrenewed: a worker killed mid-batch frees its leads after this.
  LEADSYNC_SYNC_LEASE_SECONDS: Type.Optional(Int(3, 3600)),
  LOG_LEVEL: Type.Optional(LogLevel),
  LEADSYNC_WEBHOOK_ALLOWED_HOSTS: Type.Optional(Type.String()),
  LEADSYNC_RATE_LIMIT_PER_MINUTE: Type.Optional(Int(1, 10_000_000)),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  LEADSYNC_METRICS_OPEN: Type.Optional(Bool),
});
type Env = Static<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  /** Base URL the browser uses, without a trailing slash. */
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  /** 32-byte key for stored Salesforce tokens; undefined until the embedded start generates one. */
  secretKey: Buffer | undefined;
  staffToken: string | undefined;
  salesforce: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    loginUrl: string | undefined;
    apiVersion: string;
  };
  sync: { debounceMs: number; batchLingerMs: number; apiBudgetPercent: number; enrichmentRefreshHours: number; leaseSeconds: number };
  logLevel: string;
  webhookAllowedHosts: string[];
  rateLimitPerMinute: number;
  smtpUrl: string | undefined;
  metricsOpen: boolean;
}

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Env> = {}): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = (overrides as Record<string, string | undefined>)[key] ?? env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const problems: string[] = [];
  for (const error of Value.Errors(EnvSchema, raw)) {
    const name = error.path.replace(/^\//, '');
    problems.push(`${name}=${JSON.stringify(raw[name])}: ${describeProblem(name, error.message)}`);
  }
  for (const [name, schema] of Object.entries(EnvSchema.properties)) {
    const bounds = schema as { 'x-min'?: number; 'x-max'?: number };
    const value = raw[name];
    if (value === undefined || bounds['x-min'] === undefined || !/^[0-9]+$/.test(value)) continue;
    const n = Number(value);
    if (n < bounds['x-min'] || n > (bounds['x-max'] ?? Infinity)) {
      problems.push(`${name}=${JSON.stringify(value)}: must be between ${bounds['x-min']} and ${bounds['x-max']}`);
    }
  }
  let secretKey: Buffer | undefined;
  if (raw.LEADSYNC_SECRET_KEY !== undefined) {
    secretKey = Buffer.from(raw.LEADSYNC_SECRET_KEY, 'base64');
    if (secretKey.length !== 32) problems.push('LEADSYNC_SECRET_KEY: must be 32 bytes encoded in base64 (e.g. `openssl rand -base64 32`)');
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);

  const e = raw as Env;
  const port = e.PORT !== undefined ? Number(e.PORT) : 3000;
  return {
    port,
    host: e.HOST ?? '127.0.0.1',
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: e.LEADSYNC_DATA_DIR ?? './.leadsync',
    secretKey,
    staffToken: e.LEADSYNC_STAFF_TOKEN,
    salesforce: {
      clientId: e.SALESFORCE_CLIENT_ID,
      clientSecret: e.SALESFORCE_CLIENT_SECRET,
      loginUrl: e.SALESFORCE_LOGIN_URL?.replace(/\/+$/, ''),
      apiVersion: e.SALESFORCE_API_VERSION ?? '62.0',
    },
    sync: {
      debounceMs: num(e.LEADSYNC_SYNC_DEBOUNCE_MS, 2000),
      batchLingerMs: num(e.LEADSYNC_SYNC_BATCH_LINGER_MS, 1000),
      apiBudgetPercent: num(e.LEADSYNC_API_BUDGET_PERCENT, 80),
      enrichmentRefreshHours: num(e.LEADSYNC_ENRICHMENT_REFRESH_HOURS, 24),
      leaseSeconds: num(e.LEADSYNC_SYNC_LEASE_SECONDS, 300),
    },
    logLevel: e.LOG_LEVEL ?? 'info',
    webhookAllowedHosts: (e.LEADSYNC_WEBHOOK_ALLOWED_HOSTS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    rateLimitPerMinute: num(e.LEADSYNC_RATE_LIMIT_PER_MINUTE, 6000),
    smtpUrl: e.SMTP_URL,
    metricsOpen: e.LEADSYNC_METRICS_OPEN === 'true' || e.LEADSYNC_METRICS_OPEN === '1',
  };
}

function num(value: string | undefined, fallback: number): number {
  return value === undefined ? fallback : Number(value);
}

function describeProblem(name: string, message: string): string {
  if (name === 'LOG_LEVEL') return 'must be one of fatal, error, warn, info, debug, trace, silent';
  if (name === 'LEADSYNC_METRICS_OPEN') return 'must be true or false';
  if (name === 'DATABASE_URL') return 'must be a postgres:// or postgresql:// URL';
  if (name === 'SMTP_URL') return 'must be an smtp:// or smtps:// URL';
  if (name.endsWith('_URL')) return 'must be an http(s) URL';
  if (name === 'SALESFORCE_API_VERSION') return 'must look like 62.0';
  if (name === 'LEADSYNC_STAFF_TOKEN') return 'must be at least 16 characters';
  if (/PORT|_MS|PERCENT|PER_MINUTE|HOURS/.test(name)) return 'must be a whole number';
  return message;
}
