-- Web UI sessions (docs/web-ui.md). The browser holds a random session id in an httpOnly cookie;
-- only its SHA-256 is stored, so a copy of this table opens no session. A session remembers what it
-- was opened with (the staff token's or the org key's SHA-256): a changed staff token or key ends it.
create table ui_sessions (
  id_hash text primary key,
  kind text not null check (kind in ('staff', 'org')),
  org_id uuid references orgs (id) on delete cascade,
  token_hash text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  check ((kind = 'org') = (org_id is not null))
);
create index ui_sessions_expires_at on ui_sessions (expires_at);
