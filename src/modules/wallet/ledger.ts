import { AppError } from '../../platform/http/index.js';
import type { Executor } from '../../platform/db/index.js';
import { insertLedgerTransaction, type Move, type Posting } from './ledger.store.js';
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

/** A two-legged transfer of `amount` from one account to another. */
export function transfer(from: Account, to: Account, amount: number): Move[] {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new AppError('validation_failed', 'amounts are positive whole minor units');
  return [
    { ...from, amount: -amount },
    { ...to, amount },
  ];
}
