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

export interface GroupCommitOptions<I = unknown, O = unknown> {
  /** Most items in one transaction. */
  maxBatch: number;
  /** Batches written at the same time by this process, per lane (default 1). */
  inFlight?: number;
  /**
   * Independent lanes (default one): an item goes to lane `lane.of(item)` (0 … count-1), and
   * each lane batches and writes on its own. Items whose hot rows never meet (e.g. payments
   * into disjoint escrow shards) then commit side by side instead of queueing on each other.
   */
  lanes?: { count: number; of(item: I): number };
  /**
   * A batch written by ONE statement on its own (autocommit), tried before the transaction:
   * no BEGIN and COMMIT round trips. It answers the outcomes, or undefined when the batch needs
   * the transaction's writer, which then decides it as usual; so does any error it throws (a
   * deadlock with another process, say: the statement wrote nothing).
   */
  atOnce?: (db: Db, items: I[]) => Promise<Outcome<O>[] | undefined>;
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
export function createGroupCommit<I, O>(db: Db, options: GroupCommitOptions<I, O>, write: BatchWriter<I, O>) {
  const inFlight = options.inFlight ?? 1;
  const lanes = Array.from({ length: options.lanes?.count ?? 1 }, () => ({ waiting: [] as Waiting<I, O>[], active: 0 }));

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
    if (options.atOnce) {
      const outcomes = await options.atOnce(db, batch.map((entry) => entry.item)).catch(() => undefined);
      if (outcomes) return settle(batch, outcomes);
    }
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

  function pump(lane: (typeof lanes)[number]): void {
    while (lane.active < inFlight && lane.waiting.length > 0) {
      const batch = lane.waiting.slice(0, options.maxBatch);
      lane.waiting = lane.waiting.slice(batch.length);
      lane.active++;
      void writeBatch(batch).finally(() => {
        lane.active--;
        pump(lane);
      });
    }
  }

  return {
    /** Queues one item; resolves with its value once its batch committed. */
    submit(item: I): Promise<O> {
      const lane = lanes[options.lanes ? options.lanes.of(item) : 0];
      if (!lane) return Promise.reject(new Error('group commit: an item was given a lane that does not exist'));
      return new Promise<O>((resolve, reject) => {
        lane.waiting.push({ item, resolve, reject });
        pump(lane);
      });
    },
  };
}

export type GroupCommit<I, O> = ReturnType<typeof createGroupCommit<I, O>>;
