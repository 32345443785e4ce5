-- Workflows and the outbox are lists like every other (api-v1.md: `?limit=` and `?cursor=`): each
-- row gets a position for the cursors, as leads and messages have. Existing rows are numbered in
-- the order they were created; new ones take the next number.
do $$
declare
  t text;
begin
  foreach t in array array['workflows', 'email_outbox'] loop
    execute format('alter table %I add column seq bigint', t);
    execute format('update %I x set seq = o.n from (select id, row_number() over (order by created_at, id) as n from %I) o where o.id = x.id', t, t);
    execute format('create sequence %I owned by %I.seq', t || '_seq_seq', t);
    execute format('select setval(%L, coalesce((select max(seq) from %I), 0) + 1, false)', t || '_seq_seq', t);
    execute format('alter table %I alter column seq set default nextval(%L), alter column seq set not null', t, t || '_seq_seq');
    execute format('create index %I on %I (org_id, seq)', t || '_org_seq', t);
  end loop;
end
$$;
