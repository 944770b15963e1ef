import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, type GetMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { Transport, WireHandler, WireMessage } from './transport.js';

/** Carries a message's topic, so a replayed dead letter (sent by queue name) keeps it. */
const TOPIC_HEADER = 'x-flashmart-topic';

/** On close, how long the handlers already working may take to finish and settle their messages. */
const CLOSE_GRACE_MS = 5_000;

export interface RabbitOptions {
  url: string;
  namespace: string;
  /** Failed deliveries of one message before RabbitMQ dead-letters it. */
  deliveryLimit: number;
  prefetch?: number;
}

interface Subscription {
  group: string;
  topics: string[];
  handler: WireHandler;
}

/**
 * RabbitMQ transport: a durable topic exchange; one durable quorum queue per consumer group
 * (a delivery limit, then the group's dead-letter queue); publisher confirms; manual acks.
 * Reconnects after a lost connection and re-establishes every consumer.
 */
export async function createRabbitTransport(options: RabbitOptions, logger: Logger): Promise<Transport> {
  const exchange = `${options.namespace}.events`;
  const deadLetterExchange = `${options.namespace}.dead-letters`;
  const subscriptions: Subscription[] = [];
  let connection: ChannelModel | undefined;
  let publisher: ConfirmChannel | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  /** Consumer channels (closed one by one on close) and the handlers still working on a delivery. */
  const consumerChannels = new Set<Channel>();
  const handling = new Set<Promise<void>>();

  /** Acks and nacks on a channel that closed meanwhile throw: the broker redelivers anyway. */
  function settle(action: () => void): void {
    try {
      action();
    } catch (error) {
      logger.warn({ err: error }, 'could not settle a message on a closed channel; it will be redelivered');
    }
  }

  async function setUpConsumer(conn: ChannelModel, sub: Subscription): Promise<void> {
    const channel: Channel = await conn.createChannel();
    channel.on('error', (error: unknown) => logger.warn({ err: error, group: sub.group }, 'RabbitMQ consumer channel error'));
    channel.on('close', () => {
      // A channel can close alone (a server-side channel error): consume again on the same
      // connection. When the whole connection went, the reconnect sets every consumer up.
      setTimeout(() => {
        if (closed || connection !== conn) return;
        setUpConsumer(conn, sub).catch((error: unknown) => logger.error({ err: error, group: sub.group }, 'could not consume again'));
      }, 500).unref();
    });
    consumerChannels.add(channel);
    channel.on('close', () => consumerChannels.delete(channel));
    await channel.prefetch(options.prefetch ?? 64);
    const queue = `${options.namespace}.${sub.group}`;
    const deadQueue = `${queue}.dlq`;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await channel.assertExchange(deadLetterExchange, 'direct', { durable: true });
    await channel.assertQueue(deadQueue, { durable: true });
    await channel.bindQueue(deadQueue, deadLetterExchange, queue);
    await channel.assertQueue(queue, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': options.deliveryLimit,
        'x-dead-letter-exchange': deadLetterExchange,
        'x-dead-letter-routing-key': queue,
      },
    });
    for (const topic of sub.topics) await channel.bindQueue(queue, exchange, topic);
    await channel.consume(queue, (raw: ConsumeMessage | null) => {
      if (raw === null) return; // the queue was deleted; reconnect logic re-creates it
      if (closed) return; // closing: left for the next consumer
      let payload: unknown;
      try {
        payload = JSON.parse(raw.content.toString('utf8'));
      } catch {
        channel.nack(raw, false, false); // unreadable: straight to the dead-letter queue
        return;
      }
      // A replayed dead letter arrives by the queue's name: its topic travels in a header.
      const headerTopic: unknown = raw.properties.headers?.[TOPIC_HEADER];
      const message = { id: String(raw.properties.messageId), topic: typeof headerTopic === 'string' ? headerTopic : raw.fields.routingKey, payload };
      const done = sub.handler(message).then(
        () => settle(() => channel.ack(raw)),
        (error: unknown) => {
          logger.warn({ err: error, group: sub.group, messageId: message.id }, 'message handler failed; redelivering');
          settle(() => channel.nack(raw, false, true));
        },
      );
      handling.add(done);
      void done.finally(() => handling.delete(done));
    });
  }

  async function connect(): Promise<void> {
    // A recognisable name in the management UI and `rabbitmqctl list_connections`.
    const conn = await amqp.connect(options.url, { clientProperties: { connection_name: `${options.namespace}:${process.pid}` } });
    conn.on('error', (error: unknown) => logger.warn({ err: error }, 'RabbitMQ connection error'));
    conn.on('close', () => {
      connection = undefined;
      publisher = undefined;
      if (!closed) {
        logger.warn('RabbitMQ connection closed; reconnecting');
        void reconnect();
      }
    });
    const channel = await openPublisher(conn);
    for (const sub of subscriptions) await setUpConsumer(conn, sub);
    connection = conn;
    publisher = channel;
  }

  async function openPublisher(conn: ChannelModel): Promise<ConfirmChannel> {
    const channel = await conn.createConfirmChannel();
    channel.on('error', (error: unknown) => logger.warn({ err: error }, 'RabbitMQ publisher channel error'));
    channel.on('close', () => {
      if (publisher === channel) publisher = undefined; // the next publish opens another
    });
    await channel.assertExchange(exchange, 'topic', { durable: true });
    return channel;
  }

  async function reconnect(): Promise<void> {
    while (!closed && !connection) {
      try {
        await ensureConnected();
      } catch (error) {
        logger.warn({ err: error }, 'RabbitMQ reconnect failed; retrying in 1 s');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  async function ensureConnected(): Promise<void> {
    if (connection) return;
    connecting ??= connect().finally(() => {
      connecting = undefined;
    });
    await connecting;
  }

  /**
   * Reads a group's dead-letter queue. Peeking gives every message back to the queue; replaying
   * sends each into the group's own queue (not the exchange, so other groups are not asked
   * again), keeping its id and topic, and removes it from the dead letters.
   */
  async function drainDeadLetters(group: string, replay: boolean): Promise<WireMessage[]> {
    await ensureConnected();
    if (!connection) throw new Error('RabbitMQ is not connected');
    const queue = `${options.namespace}.${group}`;
    const channel = await connection.createConfirmChannel();
    const seen: WireMessage[] = [];
    const held: GetMessage[] = [];
    try {
      await channel.checkQueue(`${queue}.dlq`);
      for (;;) {
        const raw = await channel.get(`${queue}.dlq`, { noAck: false });
        if (raw === false) break;
        const headerTopic: unknown = raw.properties.headers?.[TOPIC_HEADER];
        const topic = typeof headerTopic === 'string' ? headerTopic : raw.fields.routingKey;
        let payload: unknown = raw.content.toString('utf8');
        try {
          payload = JSON.parse(raw.content.toString('utf8'));
        } catch {
          // shown as text
        }
        seen.push({ id: String(raw.properties.messageId), topic, payload });
        if (replay) {
          channel.sendToQueue(queue, raw.content, { persistent: true, messageId: raw.properties.messageId, contentType: 'application/json', headers: { [TOPIC_HEADER]: topic } });
          await channel.waitForConfirms();
          channel.ack(raw);
        } else held.push(raw);
      }
      for (const raw of held) channel.nack(raw, false, true);
    } finally {
      await channel.close().catch(() => undefined);
    }
    return seen;
  }

  await ensureConnected();

  return {
    kind: 'rabbitmq',
    async publish(messages) {
      await ensureConnected();
      if (!publisher && connection) publisher = await openPublisher(connection);
      const channel = publisher;
      if (!channel) throw new Error('RabbitMQ publisher channel is not open');
      for (const message of messages) {
        channel.publish(exchange, message.topic, Buffer.from(JSON.stringify(message.payload)), {
          persistent: true,
          messageId: message.id,
          contentType: 'application/json',
          headers: { [TOPIC_HEADER]: message.topic },
        });
      }
      await channel.waitForConfirms();
    },
    async consume(group, topics, handler) {
      const sub = { group, topics, handler };
      await ensureConnected();
      subscriptions.push(sub); // a later reconnect sets it up again
      if (connection) await setUpConsumer(connection, sub);
    },
    async ping() {
      await ensureConnected();
      if (!connection) throw new Error('RabbitMQ is not connected');
    },
    async deadLetters(group) {
      return drainDeadLetters(group, false);
    },
    async replayDeadLetters(group) {
      return (await drainDeadLetters(group, true)).length;
    },
    async close() {
      closed = true;
      // Deliveries from now on are left unsettled (the broker hands them to the next consumer
      // when the connection goes); the handlers already working finish and settle theirs
      // (bounded), so a shutdown does not make their messages be handled twice.
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
      await Promise.race([Promise.allSettled([...handling]), grace]);
      clearTimeout(timer);
      // Each consumer channel closes first: its close-ok means the broker took the acks sent
      // before it (amqplib interleaves channels' frames, so a connection close could overtake them).
      await Promise.all([...consumerChannels].map((channel) => channel.close().catch(() => undefined)));
      await connection?.close().catch(() => undefined);
    },
  };
}
