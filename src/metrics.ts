/**
 * Prometheus metrics (runtime.md's Observability), one registry per process. Modules import the
 * metric they update; `/metrics` serves the registry. Queue depth is read from the database at scrape.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'leadsync_process_' });

export const recordsPushed = new Counter({
  name: 'leadsync_records_pushed_total',
  help: 'Salesforce records written by push, by organization, object and operation.',
  labelNames: ['org', 'object', 'operation'] as const,
  registers: [registry],
});

export const recordsPulled = new Counter({
  name: 'leadsync_records_pulled_total',
  help: 'Salesforce records read by Pull Rules, by organization.',
  labelNames: ['org'] as const,
  registers: [registry],
});

export const apiCallsUsed = new Gauge({
  name: 'leadsync_salesforce_api_calls_used',
  help: 'Salesforce daily API requests used, from the last Sforce-Limit-Info seen, by organization.',
  labelNames: ['org'] as const,
  registers: [registry],
});

export const apiCallsLimit = new Gauge({
  name: 'leadsync_salesforce_api_calls_limit',
  help: 'Salesforce daily API request limit, from the last Sforce-Limit-Info seen, by organization.',
  labelNames: ['org'] as const,
  registers: [registry],
});

export const syncErrors = new Counter({
  name: 'leadsync_sync_errors_total',
  help: 'Sync errors by Salesforce or LeadSync error code.',
  labelNames: ['code'] as const,
  registers: [registry],
});

export const syncLatency = new Histogram({
  name: 'leadsync_sync_latency_seconds',
  help: 'Time from a lead change to its push completing.',
  buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
  registers: [registry],
});

export const queueDepth = new Gauge({
  name: 'leadsync_sync_queue_depth',
  help: 'Leads with a change not yet in Salesforce, by organization.',
  labelNames: ['org'] as const,
  registers: [registry],
});
