-- Everything a push batch records, in one statement: one round trip to the database per batch
-- instead of one per table (graphile-worker's complete_jobs is the model). Each statement inside
-- takes its own snapshot (READ COMMITTED), so a change committed while the batch was pushed is
-- seen by the hand-back below exactly as it was when these were separate statements.
--
-- p_batch: {"completions": [{lead_id, seq, set, remove, status, error}],
--           "retries": [{lead_id, delay_ms, error}], "logs": [{lead_id, object, operation,
--           salesforce_id, status, error_code, message}], "updated": [{lead_id, payload}]}
create function leadsync_finish_batch(p_org uuid, p_batch jsonb) returns void language plpgsql as $$
begin
  -- Transient failures: due again after their backoff, the claim released, the try counted.
  update sync_queue q set attempts = q.attempts + 1, due_at = now() + r.delay_ms * interval '1 millisecond',
    claimed_by = null, claimed_until = null, last_error = r.error
  from jsonb_to_recordset(p_batch -> 'retries') as r(lead_id uuid, delay_ms double precision, error jsonb)
  where q.lead_id = r.lead_id;

  -- Finished pushes: new field values (`remove` drops keys) and the sync status.
  -- Status `keep` (a read-only refresh of Salesforce data): the sync status and error stay as they were.
  update leads l set fields = (l.fields || c.set) - c.remove, enriched_at = now(),
    sync_status = case when c.status = 'keep' then l.sync_status else c.status end,
    last_error = case when c.status = 'keep' then l.last_error else c.error end,
    last_synced_at = case when c.status = 'synced' then now() else l.last_synced_at end
  from jsonb_to_recordset(p_batch -> 'completions') as c(lead_id uuid, set jsonb, remove text[], status text, error jsonb)
  where l.id = c.lead_id;

  -- Their queue rows go, unless a change arrived during the push (change_seq moved on)...
  delete from sync_queue q using jsonb_to_recordset(p_batch -> 'completions') as c(lead_id uuid, seq integer)
  where q.lead_id = c.lead_id and q.change_seq = c.seq;

  -- ...then such a row is handed back, unclaimed, for the next push.
  with changed as (
    update sync_queue q set claimed_by = null, claimed_until = null, attempts = 0, first_queued_at = now()
    from jsonb_to_recordset(p_batch -> 'completions') as c(lead_id uuid)
    where q.lead_id = c.lead_id returning q.lead_id)
  update leads set sync_status = 'pending' where id in (select lead_id from changed);

  -- Salesforce data that changed is a lead update for workflows (only where a workflow listens).
  insert into workflow_events (org_id, lead_id, trigger, payload)
  select p_org, e.lead_id, 'lead.updated', e.payload from jsonb_to_recordset(p_batch -> 'updated') as e(lead_id uuid, payload jsonb)
  where exists (select 1 from workflows where org_id = p_org and trigger = 'lead.updated' and enabled);

  insert into sync_log (org_id, lead_id, object, operation, salesforce_id, status, error_code, message)
  select p_org, g.lead_id, g.object, g.operation, g.salesforce_id, g.status, g.error_code, g.message
  from jsonb_to_recordset(p_batch -> 'logs') as g(lead_id uuid, object text, operation text, salesforce_id text, status text, error_code text, message text);
end
$$
