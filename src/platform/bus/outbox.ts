import type { Executor, Recordset } from '../db/index.js';
import { newId } from '../ids.js';
import type { EventMap, Topic } from './events.js';

/**
 * Records an event in the caller's transaction; the relay publishes it after commit.
 * Returns the message id.
 */
export async function publishEvent<T extends Topic>(tx: Executor, topic: T, payload: EventMap[T]): Promise<string> {
  const messageId = newId();
  await tx.insertInto('platform_outbox').values({ message_id: messageId, topic, payload: JSON.stringify(payload) }).execute();
  return messageId;
}

/** Records many events of one topic in one statement (group commits). */
export async function publishEvents<T extends Topic>(tx: Executor, topic: T, payloads: EventMap[T][]): Promise<void> {
  if (payloads.length === 0) return;
  await tx
    .insertInto('platform_outbox')
    .values(payloads.map((payload) => ({ message_id: newId(), topic, payload: JSON.stringify(payload) })))
    .execute();
}

/**
 * The same events as rows for `insertRecordsets`, so a batch writes them in the statement
 * that writes the business rows (one round trip fewer); the relay sees no difference.
 */
export function eventRecordset<T extends Topic>(topic: T, payloads: EventMap[T][]): Recordset<'platform_outbox'> {
  return { table: 'platform_outbox', rows: payloads.map((payload) => ({ message_id: newId(), topic, payload })) };
}
