import { sql } from 'kysely';
import type { Executor } from '../../platform/db/index.js';
import './wallet.tables.js';

// The I3 checks of `flashmart audit`: each returns its violations (empty when clean).

/** Orders whose escrow paid out more than came in. */
export async function overdrawnEscrows(db: Executor): Promise<string[]> {
  const rows = await sql<{ escrow_key: string; currency: string; held: number }>`
    select t.escrow_key, a.currency, sum(p.amount)::int8 as held
    from wallet_transactions t
    join wallet_postings p on p.transaction_id = t.id
    join wallet_accounts a on a.id = p.account_id
    where t.escrow_key is not null and a.kind = 'escrow'
    group by t.escrow_key, a.currency having sum(p.amount) < 0 limit 50`.execute(db);
  return rows.rows.map((r) => `escrow for ${r.escrow_key} is overdrawn: ${r.held} ${r.currency}`);
}

/** Each order's kept escrow hold equals what its escrow postings add up to. */
export async function escrowHoldsNotMatchingPostings(db: Executor): Promise<string[]> {
  const rows = await sql<{ escrow_key: string; currency: string; held: number | null; total: number | null }>`
    select coalesce(h.escrow_key, p.escrow_key) as escrow_key, coalesce(h.currency, p.currency) as currency, h.held, p.total
    from wallet_escrow_holds h
    full join (
      select t.escrow_key, a.currency, sum(p.amount)::int8 as total
      from wallet_transactions t
      join wallet_postings p on p.transaction_id = t.id
      join wallet_accounts a on a.id = p.account_id
      where t.escrow_key is not null and a.kind = 'escrow'
      group by t.escrow_key, a.currency
    ) p on p.escrow_key = h.escrow_key and p.currency = h.currency
    where coalesce(h.held, 0) <> coalesce(p.total, 0) limit 50`.execute(db);
  return rows.rows.map((r) => `escrow hold of ${r.escrow_key} says ${r.held ?? 0} ${r.currency} but its postings sum to ${r.total ?? 0}`);
}

/** Money is neither made nor lost: every currency's balances, all accounts together, sum to zero. */
export async function currenciesNotSummingToZero(db: Executor): Promise<string[]> {
  const rows = await sql<{ currency: string; total: number }>`
    select currency, sum(balance)::int8 as total from wallet_accounts group by currency having sum(balance) <> 0`.execute(db);
  return rows.rows.map((r) => `all ${r.currency} balances sum to ${r.total}, not 0`);
}

/** Ledger transactions whose postings do not sum to zero in some currency. */
export async function unbalancedTransactions(db: Executor): Promise<string[]> {
  const rows = await sql<{ transaction_id: number; currency: string; total: number }>`
    select transaction_id, currency, sum(amount)::int8 as total from wallet_postings
    group by transaction_id, currency having sum(amount) <> 0 limit 50`.execute(db);
  return rows.rows.map((r) => `ledger transaction ${r.transaction_id} sums to ${r.total} ${r.currency}, not 0`);
}

/** Ledger transactions with fewer than two postings. */
export async function transactionsWithoutTwoPostings(db: Executor): Promise<string[]> {
  const rows = await sql<{ id: number; n: number }>`
    select t.id, count(p.id)::int8 as n from wallet_transactions t left join wallet_postings p on p.transaction_id = t.id
    group by t.id having count(p.id) < 2 limit 50`.execute(db);
  return rows.rows.map((r) => `ledger transaction ${r.id} has ${r.n} posting(s)`);
}

/** Accounts whose balance differs from the sum of their postings. */
export async function balancesNotMatchingPostings(db: Executor): Promise<string[]> {
  const rows = await sql<{ id: number; owner: string; kind: string; currency: string; balance: number; total: number }>`
    select a.id, a.owner, a.kind, a.currency, a.balance, coalesce(p.total, 0)::int8 as total
    from wallet_accounts a left join (select account_id, sum(amount) as total from wallet_postings group by account_id) p on p.account_id = a.id
    where a.balance <> coalesce(p.total, 0) limit 50`.execute(db);
  return rows.rows.map((r) => `account ${r.id} (${r.owner} ${r.kind} ${r.currency}) holds ${r.balance} but its postings sum to ${r.total}`);
}

/** User accounts below zero. */
export async function negativeUserBalances(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('wallet_accounts')
    .select(['id', 'owner', 'kind', 'currency', 'balance'])
    .where('user_id', 'is not', null)
    .where('balance', '<', 0)
    .limit(50)
    .execute();
  return rows.map((r) => `account ${r.id} (${r.owner} ${r.kind} ${r.currency}) is negative: ${r.balance}`);
}
