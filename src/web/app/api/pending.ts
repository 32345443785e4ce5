/**
 * Contract endpoints (api-v1.md) that this server's OpenAPI document does not describe yet: their
 * APIs are being built on other branches. Each type is what api-v1.md promises; delete it here and
 * use the generated one (api/client.ts) once `npm run api-types` finds the endpoint.
 */
import { pending } from './client';

const base = (org: string) => `/api/v1/orgs/${encodeURIComponent(org)}/integrations/salesforce`;

/** POST .../sync/preview/{lead_id}: the dry run (the route declares no response schema). */
export interface Preview {
  lead_id: string;
  objects: { object: string; match: { id: string; by: string | null } | null; action: 'create' | 'update' | 'none'; changes: Record<string, { from: unknown; to: unknown }>; reason: string | null; error: unknown }[];
  salesforce_data: Record<string, unknown> | null;
}
export const preview = (org: string, lead: string) => pending<Preview>('POST', `${base(org)}/sync/preview/${encodeURIComponent(lead)}`);

/** GET .../sync/stats?hours=24 (Sync Health's chart and errors by code). */
export interface SyncStats {
  buckets: { start: string; pushed: number; pulled: number; failed: number; skipped: number; api_calls: number }[];
  errors_by_code: { code: string; count: number; example_message: string }[];
}
export const syncStats = (org: string) => pending<SyncStats>('GET', `${base(org)}/sync/stats?hours=24`);

/** Pull Rules (staff only). */
export interface PullRule {
  id?: string;
  name: string;
  object: 'Lead' | 'Contact';
  filter: string;
  enabled: boolean;
  interval_minutes: number;
}
export interface PullRun {
  id: string;
  rule_id: string;
  status: 'running' | 'succeeded' | 'failed';
  total: number | null;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  errors: number;
  started_at: string;
  finished_at: string | null;
  error: { code: string; message: string } | null;
}
export const pullRules = (org: string) => pending<{ rules: PullRule[] }>('GET', `${base(org)}/pull-rules`);
export const savePullRules = (org: string, rules: PullRule[]) => pending<{ rules: PullRule[] }>('PUT', `${base(org)}/pull-rules`, { rules });
export const runPullRule = (org: string, id: string) => pending<{ run_id: string }>('POST', `${base(org)}/pull-rules/${encodeURIComponent(id)}/run`);
export const pullRun = (org: string, id: string) => pending<PullRun>('GET', `${base(org)}/pull-runs/${encodeURIComponent(id)}`);
export const pullRuns = (org: string) => pending<{ items: PullRun[]; next_cursor: string | null }>('GET', `${base(org)}/pull-runs`);

/** GET .../leads with `q` and `sync_status` (the search and the filter). */
export const searchLeads = (org: string, query: { q?: string; sync_status?: string; cursor?: string; limit?: number }) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  return pending<import('./client').LeadList>('GET', `/api/v1/orgs/${encodeURIComponent(org)}/leads?${params}`);
};
