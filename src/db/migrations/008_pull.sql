-- Pull Rules (docs/pull.md): rules, their incremental state (the watermark and the Salesforce ids
-- taken at its instant), runs with their checkpoint and lease, and each run's log of skipped records.

create table pull_rules (
  id uuid primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  -- Order of the rules in the document as PUT.
  position integer not null,
  name text not null,
  object text not null,
  filter text not null,
  enabled boolean not null,
  interval_minutes integer not null,
  -- When the scheduler starts the next run (kept across restarts).
  next_run_at timestamptz,
  -- SystemModstamp of the newest record taken (ISO-8601); null until the first record: the next run reads everything.
  watermark text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index pull_rules_org on pull_rules (org_id, position);
create index pull_rules_due on pull_rules (next_run_at) where enabled;

-- Salesforce ids already taken whose SystemModstamp equals the rule's watermark: the next read
-- compares `SystemModstamp >= watermark` and skips exactly these.
create table pull_seen (
  rule_id uuid not null references pull_rules (id) on delete cascade,
  salesforce_id text not null,
  primary key (rule_id, salesforce_id)
);

create table pull_runs (
  id uuid primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  rule_id uuid not null references pull_rules (id) on delete cascade,
  -- schedule | api | cli
  trigger text not null,
  status text not null default 'running',
  total integer,
  processed integer not null default 0,
  created integer not null default 0,
  updated integer not null default 0,
  skipped integer not null default 0,
  errors integer not null default 0,
  error jsonb,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  -- The process working on the run; a lease that ran out (a killed process) is taken over.
  claimed_by text,
  claimed_until timestamptz,
  -- Waiting (API limit, passing Salesforce trouble) until then; reconnection waits for the connection.
  held_until timestamptz,
  hold_reason text,
  attempts integer not null default 0,
  -- Bulk API 2.0 checkpoint: the job, the results page being read (null: the first) and records done in it.
  bulk_job_id text,
  bulk_locator text,
  bulk_offset integer not null default 0,
  seq bigserial not null
);
-- At most one running run per rule, whichever process or request starts it.
create unique index pull_runs_one_running on pull_runs (rule_id) where status = 'running';
create index pull_runs_rule on pull_runs (rule_id, seq);
create index pull_runs_org on pull_runs (org_id, seq);
create index pull_runs_running on pull_runs (seq) where status = 'running';

create table pull_run_log (
  id bigserial primary key,
  run_id uuid not null references pull_runs (id) on delete cascade,
  salesforce_id text,
  reason text not null,
  message text,
  at timestamptz not null default now()
);
create index pull_run_log_run on pull_run_log (run_id, id);

-- A pulled record finds its lead by the stored Salesforce id (15-character form) before the email.
create index leads_sf_lead_id on leads (org_id, left(fields ->> 'salesforce_lead_id', 15)) where fields ? 'salesforce_lead_id';
create index leads_sf_contact_id on leads (org_id, left(fields ->> 'salesforce_contact_id', 15)) where fields ? 'salesforce_contact_id';

-- One batch of a run in one statement: leads updated and created (a concurrent insert of the same
-- email by the API becomes an update, never a duplicate), `lead.pulled` events for new leads,
-- skipped records logged, the rule's watermark and seen ids moved, and the run's counts and Bulk
-- checkpoint — all in one transaction, so a run resumed after a crash neither repeats nor loses a
-- record. Refused when the run is no longer held by p_worker (its lease was taken over).
--
-- p_batch: {"updates": [{lead_id, email, fields, remove}], "inserts": [{email, fields}],
--           "skipped": [{salesforce_id, reason, message}], "processed": n,
--           "checkpoint": {"watermark", "reset_seen", "seen": [ids], "bulk_locator", "bulk_offset"}}
create function leadsync_pull_batch(p_org uuid, p_run uuid, p_worker text, p_batch jsonb) returns jsonb language plpgsql as $$
declare
  v_rule uuid;
  v_updated integer;
  v_created integer;
  v_merged integer;
  v_checkpoint jsonb := p_batch -> 'checkpoint';
begin
  select rule_id into v_rule from pull_runs
  where id = p_run and status = 'running' and claimed_by = p_worker for update;
  if not found then
    raise exception 'pull run % is no longer held by %', p_run, p_worker using errcode = 'P0004';
  end if;

  with upd as (
    update leads l set fields = (l.fields || u.fields) - coalesce(u.remove, '{}'::text[]),
      email_normalized = coalesce(u.email, l.email_normalized), updated_at = now(), enriched_at = now()
    from jsonb_to_recordset(p_batch -> 'updates') as u(lead_id uuid, email text, fields jsonb, remove text[])
    where l.id = u.lead_id and l.org_id = p_org
    returning l.id)
  select count(*) into v_updated from upd;

  -- New leads come from Salesforce as they are there: synced, and never queued for push (no echo).
  with ins as (
    insert into leads (id, org_id, source, email_normalized, fields, sync_status, last_synced_at, enriched_at)
    select gen_random_uuid(), p_org, 'salesforce_pull', n.email, n.fields, 'synced', now(), now()
    from jsonb_to_recordset(p_batch -> 'inserts') as n(email text, fields jsonb)
    on conflict (org_id, email_normalized) where email_normalized is not null
    do update set fields = leads.fields || excluded.fields, updated_at = now(), enriched_at = now()
    returning id, (xmax = 0) as inserted),
  events as (
    insert into workflow_events (org_id, lead_id, trigger, payload)
    select p_org, ins.id, 'lead.pulled', jsonb_build_object('pull', jsonb_build_object('rule_id', v_rule, 'run_id', p_run))
    from ins where ins.inserted
      and exists (select 1 from workflows where org_id = p_org and trigger = 'lead.pulled' and enabled)
    returning 1)
  select count(*) filter (where inserted), count(*) filter (where not inserted) into v_created, v_merged from ins;

  insert into pull_run_log (run_id, salesforce_id, reason, message)
  select p_run, s.salesforce_id, s.reason, s.message
  from jsonb_to_recordset(p_batch -> 'skipped') as s(salesforce_id text, reason text, message text);

  if coalesce((v_checkpoint ->> 'reset_seen')::boolean, false) then
    delete from pull_seen where rule_id = v_rule;
  end if;
  insert into pull_seen (rule_id, salesforce_id)
  select v_rule, s from jsonb_array_elements_text(coalesce(v_checkpoint -> 'seen', '[]'::jsonb)) s
  on conflict do nothing;
  update pull_rules set watermark = coalesce(v_checkpoint ->> 'watermark', watermark) where id = v_rule;

  update pull_runs set
    processed = processed + (p_batch ->> 'processed')::integer,
    created = created + v_created,
    updated = updated + v_updated + v_merged,
    skipped = skipped + jsonb_array_length(p_batch -> 'skipped'),
    bulk_locator = case when v_checkpoint ? 'bulk_offset' then v_checkpoint ->> 'bulk_locator' else bulk_locator end,
    bulk_offset = coalesce((v_checkpoint ->> 'bulk_offset')::integer, bulk_offset),
    attempts = 0
  where id = p_run;

  return jsonb_build_object('created', v_created, 'updated', v_updated + v_merged);
end
$$
