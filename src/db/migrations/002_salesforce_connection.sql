-- One Salesforce connection per organization, with its tokens encrypted (AES-256-GCM), and the
-- single-use OAuth states of authorizations in progress.

create table salesforce_connections (
  org_id uuid primary key references orgs (id) on delete cascade,
  status text not null default 'not_connected',
  -- 'oauth' (web-server flow with PKCE) or 'client_credentials' (the customer's own connected app).
  auth_kind text,
  login_url text,
  instance_url text,
  username text,
  salesforce_org_id text,
  salesforce_user_id text,
  -- The customer's own connected app (client_credentials); secret encrypted.
  client_id text,
  client_secret_enc text,
  access_token_enc text,
  refresh_token_enc text,
  -- Bumped on every token change: a refresher that finds another version after taking the row lock
  -- knows someone else refreshed already.
  token_version integer not null default 0,
  connected_at timestamptz,
  last_error text,
  api_used integer,
  api_max integer,
  api_usage_at timestamptz,
  updated_at timestamptz not null default now()
);

create table oauth_states (
  -- SHA-256 of the state sent to Salesforce: a database reader cannot replay it.
  state_hash text primary key,
  org_id uuid not null references orgs (id) on delete cascade,
  login_url text not null,
  code_verifier_enc text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
