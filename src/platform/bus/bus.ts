import type { Logger } from 'pino';
import { sql } from 'kysely';
import { ItemFailed, createGroupCommit, inTransaction, recordsetInsert, succeeded, type Db, type Tx } from '../db/index.js';
import type { Metrics } from '../metrics.js';
import type { BusMessage, EventMap, Topic } from './events.js';
import type { DeadLetterStore } from './in-process.js';
import type { Transport, WireMessage } from './transport.js';

/** A consumer's reaction to one event, run in the transaction that also records it in the inbox. */
export type EventHandler<T extends Topic> = (tx: Tx, payload: EventMap[T], message: BusMessage<T>) => Promise<void>;
/**
 * A reaction to every fresh event of one topic in a batch at once (set-based statements), in
 * the same transaction as their inbox rows. When it fails, each of them is handled alone.
 */
export type BatchEventHandler<T extends Topic> = { batch: (tx: Tx, payloads: EventMap[T][]) => Promise<void> };
export type EventHandlers = { [T in Topic]?: EventHandler<T> | BatchEventHandler<T> };

/**
 * Consumer side of the bus. Each handled message id is stored in the inbox in the same
 * transaction as the handler's effects, so a redelivered message is acknowledged and skipped.
 */
export function createBus(db: Db, transport: Transport, logger: Logger, metrics: Metrics) {
  /**
   * A group's messages that arrive together (RabbitMQ hands a consumer up to its prefetch at
   * once) are handled in one transaction: one inbox statement for all, then each fresh one's
   * handler. If any handler fails, the batch rolls back and each message is handled alone, so
   * only the failing one is retried or dead-lettered.
   */
  function handlerFor(group: string, handlers: EventHandlers) {
    return createGroupCommit<WireMessage, boolean>(db, { maxBatch: 64 }, async (tx, messages) => {
      // A recordset, not a VALUES list: one statement text whatever the batch's size (prepared once).
      const inbox = recordsetInsert('platform_inbox', messages.map((m) => ({ consumer_group: group, message_id: m.id })), true);
      const fresh = inbox ? (await sql<{ message_id: string }>`${inbox} returning message_id`.execute(tx)).rows : [];
      const todo = new Set(fresh.map((row) => row.message_id));
      const outcomes = [];
      const batched = new Map<Topic, { batch: (tx: Tx, payloads: unknown[]) => Promise<void>; payloads: unknown[] }>();
      for (const [index, wire] of messages.entries()) {
        const handle = todo.delete(wire.id); // a message twice in one batch is handled once
        outcomes.push(succeeded(handle));
        if (!handle) continue;
        const message = wire as BusMessage<Topic>;
        const handler = handlers[message.topic] as EventHandler<Topic> | { batch: (tx: Tx, payloads: unknown[]) => Promise<void> } | undefined;
        if (handler && 'batch' in handler) {
          const entry = batched.get(message.topic) ?? { batch: handler.batch, payloads: [] };
          entry.payloads.push(message.payload);
          batched.set(message.topic, entry);
          continue;
        }
        try {
          if (handler) await handler(tx, message.payload, message);
        } catch (error) {
          throw new ItemFailed(index, error); // the others are handled again without it
        }
      }
      // A failing batch handler cannot say which event failed it: then each is handled alone.
      for (const { batch, payloads } of batched.values()) await batch(tx, payloads);
      return outcomes;
    });
  }

  return {
    /** Subscribes a consumer group to the topics it has handlers for. */
    async subscribe(group: string, handlers: EventHandlers): Promise<void> {
      const topics = Object.keys(handlers);
      const inbox = handlerFor(group, handlers);
      await transport.consume(group, topics, async (wire) => {
        if (!handlers[wire.topic as Topic]) return;
        try {
          const handled = await inbox.submit(wire);
          metrics.messagesHandled.inc({ group, outcome: handled ? 'handled' : 'duplicate' });
        } catch (error) {
          metrics.messagesHandled.inc({ group, outcome: 'failed' });
          logger.warn({ err: error, group, messageId: wire.id, topic: wire.topic }, 'event handler failed');
          throw error;
        }
      });
    },
  };
}

export type Bus = ReturnType<typeof createBus>;

/**
 * The in-process transport's dead letters: a table an operator reads. Replaying moves them
 * back into the outbox with their ids, so the next relay hands them out again and every group
 * that handled one already skips it (its inbox).
 */
export function deadLetterTable(db: Db, metrics: Metrics): DeadLetterStore {
  return {
    async record(group, message, error) {
      metrics.deadLettered.inc({ group });
      await db
        .insertInto('platform_dead_letters')
        .values({
          consumer_group: group,
          message_id: message.id,
          topic: message.topic,
          payload: JSON.stringify(message.payload),
          error: error instanceof Error ? error.message : String(error),
        })
        .execute();
    },
    async list(group) {
      const rows = await db.selectFrom('platform_dead_letters').select(['message_id', 'topic', 'payload']).where('consumer_group', '=', group).orderBy('id').execute();
      return rows.map((row) => ({ id: row.message_id, topic: row.topic, payload: row.payload }));
    },
    async replay(group) {
      return inTransaction(db, async (tx) => {
        const rows = await tx.deleteFrom('platform_dead_letters').where('consumer_group', '=', group).returning(['message_id', 'topic', 'payload']).execute();
        if (rows.length === 0) return 0;
        await tx
          .insertInto('platform_outbox')
          .values(rows.map((row) => ({ message_id: row.message_id, topic: row.topic, payload: JSON.stringify(row.payload) })))
          .onConflict((oc) => oc.column('message_id').doNothing())
          .execute();
        return rows.length;
      });
    },
  };
}
