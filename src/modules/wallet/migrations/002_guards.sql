-- Closing gaps the property and guard tests found.
-- Escrow is never overdrawn (per shard here; per order in the service and the audit).
alter table wallet_accounts add constraint wallet_escrow_non_negative check (kind <> 'escrow' or balance >= 0);

-- A posting carries its account's own currency, so "sums to zero per currency" means what it says.
alter table wallet_accounts add constraint wallet_accounts_id_currency unique (id, currency);
alter table wallet_postings add constraint wallet_postings_account_currency
  foreign key (account_id, currency) references wallet_accounts (id, currency);

-- Which order's money a movement into or out of escrow belongs to.
alter table wallet_transactions add column escrow_key text;
create index wallet_transactions_escrow_key on wallet_transactions (escrow_key) where escrow_key is not null;
