-- The outbox is a queue: rows are inserted, leased once and deleted within moments. The lease
-- column leaves the index so the lease update can stay on its page (a HOT update), pages keep
-- room for it, and autovacuum clears deleted rows early instead of letting scans wade through them.
drop index platform_outbox_lease;
alter table platform_outbox set (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.0, autovacuum_vacuum_threshold = 5000);
alter table platform_jobs set (fillfactor = 70);
