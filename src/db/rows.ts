/** Database rows as stored (API types live in src/api/schemas.ts). */

export interface OrgRow {
  id: string;
  name: string;
  api_key_hash: string;
  created_at: Date;
}

export interface CustomFieldRow {
  org_id: string;
  key: string;
  label: string;
  type: string;
  created_at: Date;
}

export type LeadSyncStatus = 'pending' | 'synced' | 'error' | 'not_synced';

export interface LeadRow {
  id: string;
  org_id: string;
  source: 'api' | 'salesforce_pull';
  email_normalized: string | null;
  fields: Record<string, string | number | boolean>;
  sync_status: LeadSyncStatus;
  last_synced_at: Date | null;
  last_error: { code: string; message: string } | null;
  created_at: Date;
  updated_at: Date;
  seq: number;
}

export interface MessageRow {
  id: string;
  org_id: string;
  lead_id: string;
  role: 'lead' | 'agent';
  channel: 'chat' | 'email' | 'sms' | 'voice';
  text: string;
  sent_at: Date;
  created_at: Date;
  seq: number;
}
