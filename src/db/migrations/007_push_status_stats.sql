-- Push, second pass: when a connection was deauthorized (the status answer keeps saying so), and the
-- Salesforce API calls each organization made, counted per hour (Sync Health's chart,
-- GET .../sync/stats). The sync log is read by time for the same chart.

alter table salesforce_connections add column disconnected_at timestamptz;

create table salesforce_api_calls (
  org_id uuid not null references orgs (id) on delete cascade,
  hour timestamptz not null,
  calls integer not null default 0,
  primary key (org_id, hour)
);

create index sync_log_org_at on sync_log (org_id, at);
