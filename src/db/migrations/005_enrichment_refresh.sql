-- Periodic refresh of Account and Owner data: when a lead was last read from Salesforce, and queue
-- rows that only refresh that data (no push).

alter table leads add column enriched_at timestamptz;
create index leads_enriched_at on leads (enriched_at) where email_normalized is not null;
alter table sync_queue add column refresh_only boolean not null default false
