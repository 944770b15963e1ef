-- What each order still holds in escrow, kept by the ledger statement itself: its CHECK
-- refuses a payout above it atomically, so a release or refund needs no advisory lock, no
-- read-then-write, and can be one statement (autocommit) like every other ledger booking.
create table wallet_escrow_holds (
  escrow_key text not null,
  currency text not null,
  held bigint not null,
  primary key (escrow_key, currency),
  constraint wallet_escrow_hold_non_negative check (held >= 0)
);
insert into wallet_escrow_holds (escrow_key, currency, held)
select t.escrow_key, a.currency, sum(p.amount)
from wallet_transactions t
join wallet_postings p on p.transaction_id = t.id
join wallet_accounts a on a.id = p.account_id
where t.escrow_key is not null and a.kind = 'escrow'
group by t.escrow_key, a.currency;
