import { AppError } from '../../platform/http/index.js';
import type { Executor } from '../../platform/db/index.js';
import { insertLedgerBatch, insertLedgerTransaction, type Booking, type Move, type Posting } from './ledger.store.js';
import type { AccountKind } from './wallet.tables.js';

/** System accounts are split into this many rows so concurrent payments rarely share a lock. */
export const SYSTEM_SHARDS = 16;
export const PLATFORM = 'platform';
export const POINTS_CURRENCY = 'PTS';

export const userOwner = (userId: string): string => `user:${userId}`;

/** A stable shard for a business key (FNV-1a): capture and release of one order hit one row. */
export function shardOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % SYSTEM_SHARDS;
}

export const userAccount = (userId: string, kind: AccountKind, currency: string) => ({ owner: userOwner(userId), kind, currency, shard: 0 });
export const systemAccount = (kind: AccountKind, currency: string, shardKey: string) => ({ owner: PLATFORM, kind, currency, shard: shardOf(shardKey) });

type Account = Omit<Move, 'amount'>;

export interface LedgerResult {
  /** False when the reference was booked before: nothing moved this time. */
  booked: boolean;
  postings: Posting[];
}

function checkBalanced(moves: Move[]): void {
  if (moves.length < 2) throw new Error('a ledger transaction needs two or more postings');
  const seen = new Set<string>();
  const totals = new Map<string, number>();
  for (const move of moves) {
    if (!Number.isSafeInteger(move.amount) || move.amount === 0) throw new Error(`posting amount ${move.amount} is not a non-zero integer`);
    const key = `${move.owner}/${move.kind}/${move.currency}/${move.shard}`;
    if (seen.has(key)) throw new Error(`account ${key} appears twice in one ledger transaction`);
    seen.add(key);
    totals.set(move.currency, (totals.get(move.currency) ?? 0) + move.amount);
  }
  for (const [currency, total] of totals) if (total !== 0) throw new Error(`postings in ${currency} sum to ${total}, not 0`);
}

const FLOORS = new Set(['wallet_user_balance_non_negative', 'wallet_escrow_non_negative', 'wallet_escrow_hold_non_negative']);

function isNegativeBalance(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === '23514' && typeof constraint === 'string' && FLOORS.has(constraint);
}

/**
 * At most this many bookings per account from this process are in flight outside a caller's
 * transaction. The rest of a hot account's callers wait here: PostgreSQL then holds a short
 * queue for its row instead of every connection of the pool, all woken at each commit.
 */
const IN_FLIGHT_PER_ACCOUNT = 4;
const gates = new Map<string, { active: number; waiting: (() => void)[] }>();

async function enterGate(key: string): Promise<void> {
  let gate = gates.get(key);
  if (!gate) gates.set(key, (gate = { active: 0, waiting: [] }));
  if (gate.active < IN_FLIGHT_PER_ACCOUNT) {
    gate.active++;
    return;
  }
  await new Promise<void>((resolve) => gate.waiting.push(resolve));
}

function leaveGate(key: string): void {
  const gate = gates.get(key);
  if (!gate) return;
  const next = gate.waiting.shift();
  if (next) next(); // the slot passes on: active stays the same
  else if (--gate.active === 0) gates.delete(key);
}

async function gated<T>(moves: Move[], work: () => Promise<T>): Promise<T> {
  // keys in one order, so two bookings never wait on each other's gates crosswise
  const keys = moves.map((m) => `${m.owner}/${m.kind}/${m.currency}/${m.shard}`).sort();
  for (const key of keys) await enterGate(key);
  try {
    return await work();
  } finally {
    for (const key of keys) leaveGate(key);
  }
}

async function withRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

/**
 * Books a balanced ledger transaction (I3). A user balance that would go negative refuses it
 * with `insufficient_funds`; the same reference twice books once.
 */
export async function postLedger(db: Executor, reference: string, type: string, moves: Move[], escrowKey: string | null = null): Promise<LedgerResult> {
  checkBalanced(moves);
  // Outside a caller's transaction, concurrent bookings are group-committed: one statement books many.
  if (!db.isTransaction) return batcherFor(db).submit({ reference, type, moves, escrowKey });
  return bookAlone(db, { reference, type, moves, escrowKey });
}

/**
 * Many bookings in one statement inside the caller's transaction (its group commit). All or
 * none: when one would take a balance below its floor, `insufficient_funds` is thrown for the
 * whole batch and the caller's transaction must roll back (and book them one by one).
 */
export async function postLedgerMany(tx: Executor, bookings: Booking[]): Promise<void> {
  if (bookings.length === 0) return;
  if (!tx.isTransaction) throw new Error('postLedgerMany runs inside the caller\'s transaction');
  for (const booking of bookings) checkBalanced(booking.moves);
  if (new Set(bookings.map((b) => b.reference)).size !== bookings.length) throw new Error('one ledger batch books each reference once');
  let rows;
  try {
    rows = await insertLedgerBatch(tx, bookings);
  } catch (error) {
    if (isNegativeBalance(error)) throw new AppError('insufficient_funds', 'the balance is too low for this movement');
    throw error;
  }
  if (rows.some((row) => row.belowFloor)) throw new AppError('insufficient_funds', 'the balance is too low for this movement');
  const perBooking = new Map<number, number>();
  for (const row of rows) perBooking.set(row.idx, (perBooking.get(row.idx) ?? 0) + 1);
  if ([...perBooking].some(([idx, n]) => n !== bookings[idx]?.moves.length)) throw new Error('a ledger booking names an account that does not exist');
}

/** One booking, one statement: in the caller's transaction, or alone (then gated and retried). */
async function bookAlone(db: Executor, { reference, type, moves, escrowKey }: Booking): Promise<LedgerResult> {
  try {
    const book = () => insertLedgerTransaction(db, reference, type, moves, escrowKey);
    // Alone (autocommit) the statement is its own transaction: retry it here on a deadlock or
    // serialization failure; inside a caller's transaction, the caller's retry covers it.
    const { fresh, postings } = db.isTransaction ? await book() : await gated(moves, () => withRetry(book));
    if (fresh && postings.length !== moves.length) {
      // The commit would refuse it anyway; say which booking and why, instead of a bare trigger error.
      throw new Error(`ledger ${reference}: ${moves.length - postings.length} of its accounts do not exist`);
    }
    return { booked: fresh, postings };
  } catch (error) {
    if (isNegativeBalance(error)) throw new AppError('insufficient_funds', 'the balance is too low for this movement');
    throw error;
  }
}

const MAX_BATCH = 200;

interface Waiting {
  booking: Booking;
  resolve(result: LedgerResult): void;
  reject(error: unknown): void;
}

/** A batch that cannot be booked as a whole (a floor crossed, an account missing). */
class BatchRefused extends Error {}

/**
 * Group commit for bookings made outside a transaction. While one batch is being written,
 * new bookings wait; the next batch takes them all (up to MAX_BATCH, distinct references) in
 * one statement and one commit. When a batch cannot be booked as a whole, each of its bookings
 * is booked alone, so every caller gets its own answer (e.g. insufficient_funds) and the
 * others are not held back by it.
 */
function createBatcher(db: Executor) {
  let waiting: Waiting[] = [];
  let flushing = false;

  function takeBatch(): Waiting[] {
    const references = new Set<string>();
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    for (const item of waiting) {
      if (batch.length < MAX_BATCH && !references.has(item.booking.reference)) {
        references.add(item.booking.reference);
        batch.push(item);
      } else rest.push(item);
    }
    waiting = rest;
    return batch;
  }

  async function bookTogether(batch: Waiting[]): Promise<void> {
    let rows;
    try {
      rows = await db.transaction().execute(async (tx) => {
        const written = await insertLedgerBatch(tx, batch.map((item) => item.booking));
        const perBooking = new Map<number, number>();
        for (const row of written) perBooking.set(row.idx, (perBooking.get(row.idx) ?? 0) + 1);
        const incomplete = [...perBooking].some(([idx, n]) => n !== batch[idx]?.booking.moves.length);
        if (incomplete || written.some((row) => row.belowFloor)) throw new BatchRefused();
        return written;
      });
    } catch {
      // Funds, a missing account, a deadlock with another process: each booking on its own.
      await Promise.all(batch.map((item) => bookAlone(db, item.booking).then(item.resolve, item.reject)));
      return;
    }
    batch.forEach((item, idx) => {
      const postings = rows.filter((row) => row.idx === idx).map((row) => row.posting);
      item.resolve({ booked: postings.length > 0, postings });
    });
  }

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (waiting.length > 0) {
        const batch = takeBatch();
        const [only] = batch;
        if (batch.length === 1 && only) await bookAlone(db, only.booking).then(only.resolve, only.reject);
        else await bookTogether(batch);
      }
    } finally {
      flushing = false;
    }
  }

  return {
    submit(booking: Booking): Promise<LedgerResult> {
      return new Promise<LedgerResult>((resolve, reject) => {
        waiting.push({ booking, resolve, reject });
        if (!flushing) void flush();
      });
    },
  };
}

const batchers = new WeakMap<Executor, ReturnType<typeof createBatcher>>();

function batcherFor(db: Executor): ReturnType<typeof createBatcher> {
  let batcher = batchers.get(db);
  if (!batcher) batchers.set(db, (batcher = createBatcher(db)));
  return batcher;
}

/** A two-legged transfer of `amount` from one account to another. */
export function transfer(from: Account, to: Account, amount: number): Move[] {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new AppError('validation_failed', 'amounts are positive whole minor units');
  return [
    { ...from, amount: -amount },
    { ...to, amount },
  ];
}
