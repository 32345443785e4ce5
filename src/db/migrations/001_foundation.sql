-- Organizations, the data model, leads, conversation messages, and the sync queue.

create table orgs (
  id uuid primary key,
  name text not null,
  -- SHA-256 of the org API key (the key itself is shown once, at creation).
  api_key_hash text not null unique,
  created_at timestamptz not null default now()
);

-- Custom data-model fields; built-in fields live in code (src/leads/data-model.ts).
create table custom_fields (
  org_id uuid not null references orgs (id) on delete cascade,
  key text not null,
  label text not null,
  type text not null,
  created_at timestamptz not null default now(),
  primary key (org_id, key)
);

create table leads (
  id uuid primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  source text not null default 'api',
  -- lower(fields->>'email'), kept as a column for the per-org unique index.
  email_normalized text,
  fields jsonb not null default '{}'::jsonb,
  sync_status text not null default 'not_synced',
  last_synced_at timestamptz,
  last_error jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Creation order, for stable list cursors.
  seq bigserial not null
);
create unique index leads_org_email on leads (org_id, email_normalized) where email_normalized is not null;
create index leads_org_seq on leads (org_id, seq);

create table messages (
  id uuid primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  lead_id uuid not null references leads (id) on delete cascade,
  role text not null,
  channel text not null,
  text text not null,
  sent_at timestamptz not null,
  created_at timestamptz not null default now(),
  -- Orders messages sent in the same millisecond by arrival.
  seq bigserial not null
);
create index messages_lead_order on messages (lead_id, sent_at, seq);

-- Due sync work: one row per lead with a change not yet in Salesforce. Written in the same
-- transaction as the change; workers claim rows with FOR UPDATE SKIP LOCKED.
create table sync_queue (
  lead_id uuid primary key references leads (id) on delete cascade,
  org_id uuid not null references orgs (id) on delete cascade,
  -- When the debounce window ends and the lead may be pushed.
  due_at timestamptz not null,
  -- When the oldest unpushed change arrived (bounds the debounce so a busy lead is not starved).
  first_queued_at timestamptz not null default now(),
  -- Bumped by every change: a worker deletes the row only if no change arrived during its push.
  change_seq integer not null default 1,
  attempts integer not null default 0,
  claimed_by text,
  claimed_until timestamptz,
  last_error jsonb
);
create index sync_queue_org_due on sync_queue (org_id, due_at);
