import { inTransaction } from './transaction.js';
import type { Db, Tx } from './tables.js';

/** One item's result from a batch write: its value, or the error that refuses it alone. */
export type Outcome<O> = { ok: true; value: O } | { ok: false; error: Error };

export const succeeded = <O>(value: O): Outcome<O> => ({ ok: true, value });
export const refused = <O>(error: Error): Outcome<O> => ({ ok: false, error });

/**
 * Writes many items in one transaction with set-based statements. It returns one outcome per
 * item, in order; an item it refuses must have left no trace in the transaction.
 */
export type BatchWriter<I, O> = (tx: Tx, items: I[]) => Promise<Outcome<O>[]>;

/**
 * Thrown by a batch writer when one item's work failed in a way that aborts the transaction
 * (a failing handler): that item gets `cause`, the others are written again without it.
 */
export class ItemFailed extends Error {
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super(`item ${index} of the batch failed`);
  }
}

export interface GroupCommitOptions {
  /** Most items in one transaction. */
  maxBatch: number;
  /** Batches written at the same time by this process (default 1). */
  inFlight?: number;
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * Group commit: while a batch is being written, new requests wait; the next batch takes them
 * all (up to `maxBatch`) into ONE transaction, so a busy process pays one commit and a few
 * statements for many requests, and an idle one writes each request at once. When a batch
 * fails as a whole (a deadlock with another process, a constraint, a balance floor crossed),
 * each of its items is written alone, so every caller gets its own answer.
 */
export function createGroupCommit<I, O>(db: Db, options: GroupCommitOptions, write: BatchWriter<I, O>) {
  let waiting: Waiting<I, O>[] = [];
  let active = 0;
  const inFlight = options.inFlight ?? 1;

  function settle(batch: Waiting<I, O>[], outcomes: Outcome<O>[]): void {
    batch.forEach((entry, i) => {
      const outcome = outcomes[i];
      if (!outcome) entry.reject(new Error('the batch writer returned fewer outcomes than items'));
      else if (outcome.ok) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    });
  }

  async function writeAlone(entry: Waiting<I, O>): Promise<void> {
    try {
      settle([entry], await inTransaction(db, (tx) => write(tx, [entry.item])));
    } catch (error) {
      entry.reject(error instanceof ItemFailed ? error.cause : error);
    }
  }

  async function writeBatch(batch: Waiting<I, O>[]): Promise<void> {
    if (batch.length === 0) return;
    if (batch.length === 1 && batch[0]) return writeAlone(batch[0]);
    let outcomes: Outcome<O>[];
    try {
      outcomes = await inTransaction(db, (tx) => write(tx, batch.map((entry) => entry.item)), { attempts: 1 });
    } catch (error) {
      const failed = error instanceof ItemFailed ? batch[error.index] : undefined;
      if (error instanceof ItemFailed && failed) {
        failed.reject(error.cause);
        await writeBatch(batch.filter((entry) => entry !== failed));
      } else await Promise.all(batch.map(writeAlone));
      return;
    }
    settle(batch, outcomes);
  }

  function pump(): void {
    while (active < inFlight && waiting.length > 0) {
      const batch = waiting.slice(0, options.maxBatch);
      waiting = waiting.slice(batch.length);
      active++;
      void writeBatch(batch).finally(() => {
        active--;
        pump();
      });
    }
  }

  return {
    /** Queues one item; resolves with its value once its batch committed. */
    submit(item: I): Promise<O> {
      return new Promise<O>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        pump();
      });
    },
  };
}

export type GroupCommit<I, O> = ReturnType<typeof createGroupCommit<I, O>>;
