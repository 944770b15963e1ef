import { sql } from 'kysely';
import type { Executor } from '../../platform/db/index.js';
import type { AccountKind } from './wallet.tables.js';
import './wallet.tables.js';

/** One leg of a ledger transaction: which account, and the signed amount it moves by. */
export interface Move {
  owner: string;
  kind: AccountKind;
  currency: string;
  shard: number;
  amount: number;
}

export interface Posting {
  postingId: number;
  accountId: number;
  owner: string;
  kind: AccountKind;
  currency: string;
  amount: number;
  balanceAfter: number;
}

/**
 * Books a ledger transaction in ONE statement: the transaction row, each account's new
 * balance and each posting with the balance after it. One statement keeps the time a hot
 * account stays locked to the commit itself. Nothing is booked (and [] returned) when the
 * reference was booked before. The database refuses, at commit, a transaction that does not
 * balance or that misses an account, and any user balance below zero.
 */
export async function insertLedgerTransaction(
  db: Executor,
  reference: string,
  type: string,
  moves: Move[],
  escrowKey: string | null,
): Promise<{ fresh: boolean; postings: Posting[] }> {
  // One global lock order (owner, kind, currency, shard): two bookings touching the same
  // accounts in opposite directions (freeze/unfreeze, pay/refund) queue instead of deadlocking.
  const ordered = [...moves].sort(compareAccounts);
  // posting_id is null on the row of a booked transaction whose accounts are missing
  const result = await sql<Omit<PostingRow, 'posting_id'> & { transaction_id: number; posting_id: number | null }>`
    with moves as (
      select * from unnest(
        ${ordered.map((m) => m.owner)}::text[], ${ordered.map((m) => m.kind)}::text[],
        ${ordered.map((m) => m.currency)}::text[], ${ordered.map((m) => m.shard)}::int2[],
        ${ordered.map((m) => m.amount)}::int8[]
      ) as m(owner, kind, currency, shard, amount)
    ),
    booked as (
      insert into wallet_transactions (reference, type, escrow_key) values (${reference}, ${type}, ${escrowKey})
      on conflict (reference) do nothing
      returning id
    ),
    changed as (
      update wallet_accounts a set balance = a.balance + m.amount
      from moves m, booked
      where a.owner = m.owner and a.kind = m.kind and a.currency = m.currency and a.shard = m.shard
      returning a.id, a.owner, a.kind, a.currency, a.balance, m.amount, booked.id as transaction_id
    ),
    ${escrowKey === null ? sql`` : escrowHolds(escrowKey)}
    posted as (
      insert into wallet_postings (transaction_id, account_id, currency, amount, balance_after)
      select transaction_id, id, currency, amount, balance from changed
      returning id, account_id, currency, amount, balance_after
    )
    -- no row: the reference was booked before; a row with no posting: an account is missing
    select b.id as transaction_id, p.id as posting_id, p.account_id, c.owner, c.kind, p.currency, p.amount, p.balance_after
    from booked b left join (posted p join changed c on c.id = p.account_id) on true`.execute(db);
  const postings: Posting[] = [];
  for (const row of result.rows) if (row.posting_id !== null) postings.push(toPosting({ ...row, posting_id: row.posting_id }));
  return { fresh: result.rows.length > 0, postings };
}

interface PostingRow {
  posting_id: number;
  account_id: number;
  owner: string;
  kind: AccountKind;
  currency: string;
  amount: number;
  balance_after: number;
}

function toPosting(row: PostingRow): Posting {
  return {
    postingId: row.posting_id,
    accountId: row.account_id,
    owner: row.owner,
    kind: row.kind,
    currency: row.currency,
    amount: row.amount,
    balanceAfter: row.balance_after,
  };
}

/**
 * The order's own escrow (wallet_escrow_holds), for bookings that name an order: its CHECK
 * refuses paying out more than the order received, an order that holds nothing included (the
 * insert of a negative hold). Left out otherwise, so other bookings plan a smaller statement.
 */
function escrowHolds(escrowKey: string) {
  return sql`
    escrow_moves as (
      select ${escrowKey}::text as escrow_key, m.currency, sum(m.amount)::int8 as delta from moves m, booked
      where m.kind = 'escrow'
      group by m.currency
    ),
    hold_in as (
      insert into wallet_escrow_holds as h (escrow_key, currency, held)
      select escrow_key, currency, delta from escrow_moves where delta > 0
      on conflict (escrow_key, currency) do update set held = h.held + excluded.held
    ),
    hold_out as (
      update wallet_escrow_holds h set held = h.held + e.delta
      from escrow_moves e where e.delta < 0 and h.escrow_key = e.escrow_key and h.currency = e.currency
    ),
    hold_missing as (
      insert into wallet_escrow_holds (escrow_key, currency, held)
      select escrow_key, currency, delta from escrow_moves e
      where delta < 0 and not exists (select 1 from wallet_escrow_holds h where h.escrow_key = e.escrow_key and h.currency = e.currency)
    ),`;
}

function compareAccounts(a: Move, b: Move): number {
  const key = (m: Move) => [m.owner, m.kind, m.currency] as const;
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (ka[i] ?? '') < (kb[i] ?? '') ? -1 : 1;
  return a.shard - b.shard;
}

/** Opens accounts that do not exist yet (idempotent). */
export async function openAccounts(db: Executor, accounts: { owner: string; userId: string | null; kind: AccountKind; currency: string; shard: number }[]): Promise<void> {
  if (accounts.length === 0) return;
  await db
    .insertInto('wallet_accounts')
    .values(accounts.map((a) => ({ owner: a.owner, user_id: a.userId, kind: a.kind, currency: a.currency, shard: a.shard })))
    .onConflict((oc) => oc.columns(['owner', 'kind', 'currency', 'shard']).doNothing())
    .execute();
}

/**
 * Gives every user who has any account the accounts of the listed currencies (a currency
 * was added to the configuration). Returns how many accounts were opened.
 */
export async function openMissingUserAccounts(db: Executor, currencies: string[], kinds: AccountKind[]): Promise<number> {
  const result = await sql`
    insert into wallet_accounts (owner, user_id, kind, currency)
    select distinct a.owner, a.user_id, k.kind, c.currency
    from wallet_accounts a, unnest(${kinds}::text[]) as k(kind), unnest(${currencies}::text[]) as c(currency)
    where a.user_id is not null
    on conflict (owner, kind, currency, shard) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export async function userBalances(db: Executor, userId: string): Promise<{ kind: AccountKind; currency: string; balance: number }[]> {
  return db.selectFrom('wallet_accounts').select(['kind', 'currency', 'balance']).where('user_id', '=', userId).execute();
}

export interface LedgerLine {
  id: number;
  type: string;
  reference: string;
  amount: number;
  currency: string;
  balanceAfter: number;
  createdAt: Date;
}

/** Postings of one user account, newest first, before `beforeId` when paging. */
export async function accountPostings(db: Executor, owner: string, kind: AccountKind, currency: string, limit: number, beforeId?: number): Promise<LedgerLine[]> {
  let query = db
    .selectFrom('wallet_postings as p')
    .innerJoin('wallet_accounts as a', 'a.id', 'p.account_id')
    .innerJoin('wallet_transactions as t', 't.id', 'p.transaction_id')
    .select(['p.id', 't.type', 't.reference', 'p.amount', 'p.currency', 'p.balance_after', 'p.created_at'])
    .where('a.owner', '=', owner)
    .where('a.kind', '=', kind)
    .where('a.currency', '=', currency)
    .orderBy('p.id', 'desc')
    .limit(limit);
  if (beforeId !== undefined) query = query.where('p.id', '<', beforeId);
  const rows = await query.execute();
  return rows.map((r) => ({ id: r.id, type: r.type, reference: r.reference, amount: r.amount, currency: r.currency, balanceAfter: r.balance_after, createdAt: r.created_at }));
}

/** One booking of a batch. */
export interface Booking {
  reference: string;
  type: string;
  moves: Move[];
  escrowKey: string | null;
}

export interface BatchRow {
  idx: number;
  posting: Posting;
  /** This posting took a floor-protected balance (user, escrow shard, order hold) below zero at its turn. */
  belowFloor: boolean;
}

/**
 * Books many ledger transactions in ONE statement (group commit): balances move once per
 * account by the batch's total, each posting's balance_after is the running balance in
 * booking order, and `belowFloor` marks any step at which a protected balance (a user's, an
 * escrow shard, an order's escrow hold) would have been negative, so the caller can refuse the
 * batch as a whole. References already booked are skipped; references must be distinct.
 */
export async function insertLedgerBatch(db: Executor, bookings: Booking[]): Promise<BatchRow[]> {
  const moves = bookings.flatMap((booking, idx) => [...booking.moves].sort(compareAccounts).map((m, seq) => ({ ...m, idx, seq })));
  const result = await sql<PostingRow & { idx: number; transaction_id: number; below_floor: boolean }>`
    with input as (
      select * from unnest(
        ${bookings.map((_, i) => i)}::int4[], ${bookings.map((b) => b.reference)}::text[],
        ${bookings.map((b) => b.type)}::text[], ${bookings.map((b) => b.escrowKey)}::text[]
      ) as i(idx, reference, type, escrow_key)
    ),
    moves as (
      select * from unnest(
        ${moves.map((m) => m.idx)}::int4[], ${moves.map((m) => m.seq)}::int4[],
        ${moves.map((m) => m.owner)}::text[], ${moves.map((m) => m.kind)}::text[],
        ${moves.map((m) => m.currency)}::text[], ${moves.map((m) => m.shard)}::int2[],
        ${moves.map((m) => m.amount)}::int8[]
      ) as m(idx, seq, owner, kind, currency, shard, amount)
    ),
    booked as (
      insert into wallet_transactions (reference, type, escrow_key)
      select reference, type, escrow_key from input order by idx
      on conflict (reference) do nothing
      returning id, reference
    ),
    live as (
      select i.idx, i.escrow_key, b.id as transaction_id from input i join booked b on b.reference = i.reference
    ),
    live_moves as (
      select m.*, l.transaction_id, l.escrow_key from moves m join live l on l.idx = m.idx
    ),
    totals as (
      select owner, kind, currency, shard, sum(amount)::int8 as delta from live_moves group by owner, kind, currency, shard
    ),
    locked as (
      -- in one global order (owner, kind, currency, shard), as single bookings lock theirs:
      -- two batches in flight queue on a shared account instead of deadlocking
      select a.id, t.delta from wallet_accounts a
      join totals t on a.owner = t.owner and a.kind = t.kind and a.currency = t.currency and a.shard = t.shard
      order by a.owner, a.kind, a.currency, a.shard for update of a
    ),
    changed as (
      update wallet_accounts a set balance = a.balance + l.delta
      from locked l where a.id = l.id
      returning a.id, a.owner, a.kind, a.currency, a.shard, a.user_id, a.balance, l.delta
    ),
    running as (
      select lm.idx, lm.seq, lm.transaction_id, lm.escrow_key, c.id as account_id, c.owner, c.kind, c.user_id, lm.currency, lm.amount,
        c.balance - c.delta + sum(lm.amount) over (partition by c.id order by lm.idx, lm.seq) as balance_after
      from live_moves lm
      join changed c on c.owner = lm.owner and c.kind = lm.kind and c.currency = lm.currency and c.shard = lm.shard
    ),
    numbered as (
      -- posting ids drawn in booking order, so they follow each account's running balance; the
      -- answer is read from here, not joined back to the inserted rows (a join of two CTE scans
      -- is planned as a nested loop: quadratic in the batch)
      select r.*, nextval('wallet_postings_id_seq') as posting_id from (select * from running order by idx, seq) r
    ),
    escrow_steps as (
      select escrow_key, currency, idx, sum(amount)::int8 as delta from running
      where escrow_key is not null and kind = 'escrow' group by escrow_key, currency, idx
    ),
    escrow_totals as (
      select escrow_key, currency, sum(delta)::int8 as delta from escrow_steps group by escrow_key, currency
    ),
    hold_in as (
      insert into wallet_escrow_holds as h (escrow_key, currency, held)
      select escrow_key, currency, delta from escrow_totals where delta > 0
      on conflict (escrow_key, currency) do update set held = h.held + excluded.held
      returning h.escrow_key, h.currency, h.held
    ),
    hold_out as (
      update wallet_escrow_holds h set held = h.held + e.delta
      from escrow_totals e where e.delta <= 0 and h.escrow_key = e.escrow_key and h.currency = e.currency
      returning h.escrow_key, h.currency, h.held
    ),
    hold_missing as (
      insert into wallet_escrow_holds (escrow_key, currency, held)
      select escrow_key, currency, delta from escrow_totals e
      where delta < 0 and not exists (select 1 from wallet_escrow_holds h where h.escrow_key = e.escrow_key and h.currency = e.currency)
    ),
    holds_after as (select * from hold_in union all select * from hold_out),
    several_steps as (
      -- an order's hold moved by one booking of the batch ends where the table's CHECK sees
      -- it; only one moved by several (paid and refunded together) is checked step by step
      select * from (select s.*, count(*) over (partition by s.escrow_key, s.currency) as steps from escrow_steps s) c where steps > 1
    ),
    hold_steps as (
      -- the hold before the batch, plus the steps so far in booking order
      select s.idx,
        h.held - sum(s.delta) over (partition by s.escrow_key, s.currency)
          + sum(s.delta) over (partition by s.escrow_key, s.currency order by s.idx) as held_after
      from several_steps s
      join holds_after h on h.escrow_key = s.escrow_key and h.currency = s.currency
    ),
    refused_steps as (select distinct idx from hold_steps where held_after < 0),
    posted as (
      insert into wallet_postings (id, transaction_id, account_id, currency, amount, balance_after)
      select posting_id, transaction_id, account_id, currency, amount, balance_after from numbered order by posting_id
    )
    select n.idx, n.transaction_id, n.posting_id, n.account_id, n.owner, n.kind, n.currency, n.amount, n.balance_after,
      ((n.balance_after < 0 and (n.user_id is not null or n.kind = 'escrow'))
        or x.idx is not null) as below_floor
    from numbered n
    left join refused_steps x on x.idx = n.idx`.execute(db);
  return result.rows.map((row) => ({ idx: row.idx, belowFloor: row.below_floor, posting: toPosting(row) }));
}
