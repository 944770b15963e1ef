-- Wake relays and job runners when work arrives (LISTEN/NOTIFY at commit), so they can poll
-- slowly when idle. One notification per statement; PostgreSQL folds duplicates per transaction.
create function platform_notify_table() returns trigger language plpgsql as $$
begin
  perform pg_notify(tg_table_name, '');
  return null;
end $$;

create trigger platform_outbox_notify after insert on platform_outbox
  for each statement execute function platform_notify_table();
create trigger platform_jobs_notify after insert on platform_jobs
  for each statement execute function platform_notify_table();
