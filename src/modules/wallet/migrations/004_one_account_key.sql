-- A posting's (account, currency) key (002) already proves its account exists: the plain
-- account key checked the same row a second time for every posting.
alter table wallet_postings drop constraint wallet_postings_account_id_fkey;
