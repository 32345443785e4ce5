-- Workflows: triggers on lead events, conditions, actions; events and actions are durable work.

create table workflows (
  id uuid primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  name text not null,
  trigger text not null,
  conditions jsonb not null,
  actions jsonb not null,
  -- HMAC-SHA256 key for webhook signatures (X-LeadSync-Signature).
  signing_secret text not null,
  enabled boolean not null default true,
  created_at timestamptz not null default now()
);
create index workflows_org_trigger on workflows (org_id, trigger);

-- A lead event waiting to be evaluated; written in the transaction of the change that caused it.
create table workflow_events (
  id bigserial primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  lead_id uuid not null references leads (id) on delete cascade,
  trigger text not null,
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index workflow_events_order on workflow_events (id);

create table workflow_runs (
  id uuid primary key,
  workflow_id uuid not null references workflows (id) on delete cascade,
  org_id uuid not null references orgs (id) on delete cascade,
  lead_id uuid not null references leads (id) on delete cascade,
  trigger text not null,
  matched boolean not null,
  at timestamptz not null default now(),
  seq bigserial not null
);
create index workflow_runs_by_workflow on workflow_runs (workflow_id, seq);

-- One action of a matched run; executed in order within the run, retried with backoff.
create table workflow_actions (
  id uuid primary key,
  run_id uuid not null references workflow_runs (id) on delete cascade,
  org_id uuid not null references orgs (id) on delete cascade,
  lead_id uuid not null references leads (id) on delete cascade,
  position integer not null,
  type text not null,
  spec jsonb not null,
  event jsonb not null,
  status text not null default 'pending',
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  claimed_until timestamptz,
  output jsonb
);
create index workflow_actions_due on workflow_actions (status, next_attempt_at);
create index workflow_actions_run on workflow_actions (run_id, position);

-- Workflow emails kept when no SMTP_URL is configured (shown in the UI), and a record of sent ones.
create table email_outbox (
  id uuid primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  action_id uuid references workflow_actions (id) on delete set null,
  recipient text not null,
  subject text not null,
  body text not null,
  status text not null,
  created_at timestamptz not null default now()
);
create index email_outbox_org on email_outbox (org_id, created_at);
