-- Admin: the operation (audit) log. One row per administrator mutation, written before its
-- handler runs (status null while it runs, so a crash mid-way leaves an honest "pending" row)
-- and completed with the HTTP status and target when the answer has been sent.
create table admin_audit_log (
  id uuid primary key,
  -- newest-first listing order and the keyset cursor
  seq bigserial not null unique,
  actor_id uuid not null,
  -- the name the actor had when acting (a log keeps what was true then)
  actor_username text not null,
  action text not null check (length(action) between 1 and 200),
  method text not null,
  route text not null,
  target text,
  ip text not null,
  request_id text not null,
  status integer check (status between 100 and 599),
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
