-- Push: the Salesforce settings document, the sync log, and per-organization sync state.

create table salesforce_settings (
  org_id uuid primary key references orgs (id) on delete cascade,
  document jsonb not null,
  updated_at timestamptz not null default now()
);

create table sync_log (
  id bigserial primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  lead_id uuid references leads (id) on delete cascade,
  object text not null,
  operation text not null,
  salesforce_id text,
  status text not null,
  error_code text,
  message text,
  at timestamptz not null default now()
);
create index sync_log_org on sync_log (org_id, id);
create index sync_log_lead on sync_log (lead_id, id);

create table sync_org_state (
  org_id uuid primary key references orgs (id) on delete cascade,
  -- Sync of this organization waits until then (API limit or budget reached).
  paused_until timestamptz,
  pause_reason text,
  last_run_at timestamptz
);
