-- Platform tables: settings, messaging (outbox, inbox, dead letters), durable jobs, idempotency.
create table platform_settings (
  key text primary key,
  value text not null
);

create table platform_outbox (
  id bigserial primary key,
  message_id uuid not null unique,
  topic text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  -- a relay claims rows for a while; a crashed relay's claim lapses and another publishes them
  lease_until timestamptz
);
create index platform_outbox_lease on platform_outbox (id, lease_until);

create table platform_inbox (
  consumer_group text not null,
  message_id uuid not null,
  handled_at timestamptz not null default now(),
  primary key (consumer_group, message_id)
);

create table platform_dead_letters (
  id bigserial primary key,
  consumer_group text not null,
  message_id uuid not null,
  topic text not null,
  payload jsonb not null,
  error text not null,
  created_at timestamptz not null default now()
);

create table platform_jobs (
  id bigserial primary key,
  kind text not null,
  dedupe_key text unique,
  payload jsonb not null,
  run_at timestamptz not null default now(),
  attempts integer not null default 0 check (attempts >= 0),
  last_error text,
  created_at timestamptz not null default now()
);
create index platform_jobs_due on platform_jobs (run_at);

create table platform_idempotency (
  scope text not null,
  key text not null check (length(key) between 1 and 255),
  request_hash text not null,
  state text not null check (state in ('in_flight', 'done')),
  status_code integer,
  response_body text,
  response_type text,
  created_at timestamptz not null default now(),
  primary key (scope, key)
);
create index platform_idempotency_created on platform_idempotency (created_at);
