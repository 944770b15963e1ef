-- Wallet: accounts with balances, and an append-only double-entry ledger.
-- owner is 'user:<uuid>' for a user's accounts and 'platform' for the system's own
-- (escrow, the payment provider standing for the outside world, points issued). System
-- accounts are split into shards so no single row becomes every payment's lock.
create table wallet_accounts (
  id bigserial primary key,
  owner text not null,
  user_id uuid,
  kind text not null check (kind in ('available', 'frozen', 'points', 'escrow', 'provider', 'points_issued')),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  shard smallint not null default 0 check (shard >= 0),
  balance bigint not null default 0,
  created_at timestamptz not null default now(),
  unique (owner, kind, currency, shard),
  check ((user_id is null) = (owner = 'platform')),
  -- I3: no user balance ever goes below zero
  constraint wallet_user_balance_non_negative check (user_id is null or balance >= 0),
  -- balances stay exact in JavaScript numbers (2^53 - 1)
  constraint wallet_balance_in_range check (balance between -9007199254740991 and 9007199254740991)
);
create index wallet_accounts_user on wallet_accounts (user_id) where user_id is not null;

create table wallet_transactions (
  id bigserial primary key,
  -- the business reference ('withdrawal:<id>', 'order-pay:<id>' …): booking it twice is impossible
  reference text not null unique,
  type text not null,
  created_at timestamptz not null default now()
);

create table wallet_postings (
  id bigserial primary key,
  transaction_id bigint not null references wallet_transactions (id),
  account_id bigint not null references wallet_accounts (id),
  currency text not null,
  amount bigint not null check (amount <> 0),
  balance_after bigint not null,
  created_at timestamptz not null default now()
);
create index wallet_postings_account on wallet_postings (account_id, id desc);
create index wallet_postings_transaction on wallet_postings (transaction_id);

-- The ledger is append-only: a mistake is corrected by a new transaction.
create function wallet_forbid_change() returns trigger language plpgsql as $$
begin
  raise exception 'the ledger is append-only: % on % refused', tg_op, tg_table_name using errcode = '42501';
end $$;
create trigger wallet_postings_append_only before update or delete or truncate on wallet_postings
  for each statement execute function wallet_forbid_change();
create trigger wallet_transactions_append_only before update or delete or truncate on wallet_transactions
  for each statement execute function wallet_forbid_change();

-- At commit, every ledger transaction has two or more postings that sum to zero per currency.
create function wallet_verify_transaction(tx_id bigint) returns void language plpgsql as $$
begin
  if (select count(*) from wallet_postings where transaction_id = tx_id) < 2 then
    raise exception 'ledger transaction % has fewer than two postings', tx_id using errcode = '23514';
  end if;
  if exists (select 1 from wallet_postings where transaction_id = tx_id group by currency having sum(amount) <> 0) then
    raise exception 'ledger transaction % does not balance', tx_id using errcode = '23514';
  end if;
end $$;
create function wallet_check_transaction() returns trigger language plpgsql as $$
begin
  perform wallet_verify_transaction(new.id);
  return null;
end $$;
create function wallet_check_posting() returns trigger language plpgsql as $$
begin
  perform wallet_verify_transaction(new.transaction_id);
  return null;
end $$;
create constraint trigger wallet_transactions_balanced after insert on wallet_transactions
  deferrable initially deferred for each row execute function wallet_check_transaction();
-- also when a posting is added to a transaction booked earlier
create constraint trigger wallet_postings_balanced after insert on wallet_postings
  deferrable initially deferred for each row execute function wallet_check_posting();

create table wallet_recharges (
  id uuid primary key,
  user_id uuid not null,
  amount bigint not null check (amount > 0),
  currency text not null,
  status text not null check (status in ('pending', 'succeeded', 'failed')),
  payment_id uuid not null unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index wallet_recharges_user on wallet_recharges (user_id, created_at desc);

create table wallet_withdrawals (
  id uuid primary key,
  user_id uuid not null,
  amount bigint not null check (amount > 0),
  currency text not null,
  status text not null check (status in ('succeeded')),
  created_at timestamptz not null default now()
);
create index wallet_withdrawals_user on wallet_withdrawals (user_id, created_at desc);
