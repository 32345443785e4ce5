/**
 * Contract endpoints (api-v1.md) whose response this server's OpenAPI document does not describe yet
 * (the preview's route declares no response schema). Each type is what the server answers; delete it
 * here and use the generated one (api/client.ts) once `npm run api-types` finds it.
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
