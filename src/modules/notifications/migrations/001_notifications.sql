-- In-app notifications, one row per message to one user. Written by the event consumer
-- (one event gives one row per recipient: dedupe_key), read by the owner only.
create table notifications (
  id bigserial primary key,
  user_id uuid not null,
  type text not null,
  title text not null,
  body text not null,
  read boolean not null default false,
  -- '<event>:<business id>:<recipient role>': the same event handled twice adds nothing
  dedupe_key text not null unique,
  created_at timestamptz not null default now()
);
create index notifications_user on notifications (user_id, id desc);
-- The unread list and the unread badge only ever look at a user's few unread rows.
create index notifications_unread on notifications (user_id, id desc) where not read;

-- Wake the api processes holding live streams (LISTEN notifications) at commit.
create trigger notifications_notify after insert on notifications
  for each statement execute function platform_notify_table();
