import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('applies runtime.md defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:3000',
      databaseUrl: undefined,
      dataDir: './.leadsync',
      salesforce: { apiVersion: '62.0', loginUrl: undefined },
      sync: { debounceMs: 2000, batchLingerMs: 1000, apiBudgetPercent: 80 },
      logLevel: 'info',
      webhookAllowedHosts: [],
      rateLimitPerMinute: 6000,
      metricsOpen: false,
    });
  });

  it('derives PUBLIC_URL from PORT and reads every variable', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const c = loadConfig({
      PORT: '8080',
      LEADSYNC_SECRET_KEY: key,
      LEADSYNC_WEBHOOK_ALLOWED_HOSTS: 'hooks.local, 10.0.0.0/8',
      LEADSYNC_METRICS_OPEN: 'true',
      SALESFORCE_LOGIN_URL: 'http://127.0.0.1:4010/',
      DATABASE_URL: 'postgres://u@h/db',
    });
    expect(c.publicUrl).toBe('http://localhost:8080');
    expect(c.secretKey?.length).toBe(32);
    expect(c.webhookAllowedHosts).toEqual(['hooks.local', '10.0.0.0/8']);
    expect(c.metricsOpen).toBe(true);
    expect(c.salesforce.loginUrl).toBe('http://127.0.0.1:4010');
    expect(c.databaseUrl).toBe('postgres://u@h/db');
  });

  const bad: Array<[Record<string, string>, string]> = [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ LEADSYNC_SECRET_KEY: 'c2hvcnQ=' }, 'LEADSYNC_SECRET_KEY'],
    [{ LEADSYNC_API_BUDGET_PERCENT: '0' }, 'LEADSYNC_API_BUDGET_PERCENT'],
    [{ LEADSYNC_API_BUDGET_PERCENT: '150' }, 'LEADSYNC_API_BUDGET_PERCENT'],
    [{ LEADSYNC_SYNC_DEBOUNCE_MS: '-1' }, 'LEADSYNC_SYNC_DEBOUNCE_MS'],
    [{ PUBLIC_URL: 'localhost:3000' }, 'PUBLIC_URL'],
    [{ LEADSYNC_METRICS_OPEN: 'maybe' }, 'LEADSYNC_METRICS_OPEN'],
    [{ SALESFORCE_API_VERSION: 'v62' }, 'SALESFORCE_API_VERSION'],
    [{ LEADSYNC_STAFF_TOKEN: 'short' }, 'LEADSYNC_STAFF_TOKEN'],
  ];
  for (const [env, name] of bad) {
    it(`refuses ${JSON.stringify(env)} naming ${name}`, () => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(name);
    });
  }

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'y' });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toContain('PORT');
      expect(String(error)).toContain('LOG_LEVEL');
    }
  });
});
