import type { Logger } from 'pino';
import type { Transport, WireHandler, WireMessage } from './transport.js';

/** Where the in-process transport keeps the messages a group gave up on. */
export interface DeadLetterStore {
  record(group: string, message: WireMessage, error: unknown): Promise<void>;
  list(group: string): Promise<WireMessage[]>;
  replay(group: string): Promise<number>;
}

/**
 * Embedded transport: publishing hands each message to every subscribed group in this
 * process and resolves when each has handled it, retried it up to the delivery limit, or
 * dead-lettered it. The relay deletes outbox rows only after that, so a crash re-publishes.
 */
export function createInProcessTransport(deliveryLimit: number, deadLetters: DeadLetterStore, logger: Logger): Transport {
  const groups = new Map<string, { topics: Set<string>; handler: WireHandler }>();

  async function deliver(group: string, handler: WireHandler, message: WireMessage): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(message);
        return;
      } catch (error) {
        if (attempt > deliveryLimit) {
          logger.error({ err: error, group, messageId: message.id, topic: message.topic }, 'message dead-lettered');
          await deadLetters.record(group, message, error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
  }

  return {
    kind: 'in-process',
    async publish(messages) {
      for (const message of messages) {
        for (const [group, { topics, handler }] of groups) {
          if (topics.has(message.topic)) await deliver(group, handler, message);
        }
      }
    },
    async consume(group, topics, handler) {
      if (groups.has(group)) throw new Error(`consumer group ${group} is already subscribed`);
      groups.set(group, { topics: new Set(topics), handler });
    },
    async ping() {},
    deadLetters: (group) => deadLetters.list(group),
    replayDeadLetters: (group) => deadLetters.replay(group),
    async close() {
      groups.clear();
    },
  };
}
