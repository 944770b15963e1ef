/**
 * A consumer process for test/bus-chaos.test.ts, which SIGKILLs it mid-stream and starts it
 * again. It opens the same platform pieces a worker does (PostgreSQL, RabbitMQ transport,
 * bus with inbox), subscribes group `chaos` to `test.ping`, and prints `ready` once the
 * broker has the consumer. Environment: DATABASE_URL, AMQP_URL, FLASHMART_NAMESPACE,
 * FLASHMART_DELIVERY_LIMIT, CHAOS_HANDLER_DELAY_MS, CHAOS_ACK_DELAY_MS.
 * Every 100 ms it prints `stats <handled> <duplicate>` from the bus metrics, so the parent
 * can tell that redeliveries of already-committed messages really reached the inbox.
 */
import { createBus, createRabbitTransport, type Transport } from '../../src/platform/bus/index.js';
import { openDatabase } from '../../src/platform/db/index.js';
import { createMetrics } from '../../src/platform/metrics.js';
import { insertEffect, sleep, testLogger } from './test-events.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`bus-consumer: ${name} is required`);
  return value;
}

const logger = testLogger();
const delayMs = Number(process.env.CHAOS_HANDLER_DELAY_MS ?? '3');
const ackDelayMs = Number(process.env.CHAOS_ACK_DELAY_MS ?? '0');
const database = await openDatabase({ databaseUrl: required('DATABASE_URL'), dataDir: 'memory://', poolSize: 10 });
const transport = await createRabbitTransport(
  {
    url: required('AMQP_URL'),
    namespace: required('FLASHMART_NAMESPACE'),
    // Must equal every other declaration of the queue, or RabbitMQ refuses it (PRECONDITION_FAILED).
    deliveryLimit: Number(process.env.FLASHMART_DELIVERY_LIMIT ?? '20'),
    prefetch: 32,
  },
  logger,
);
// A slow network between commit and ack, widened on purpose: a kill in that gap leaves a message
// whose effect is committed but which RabbitMQ redelivers; only the inbox keeps it from repeating.
const slowAcks: Transport = {
  ...transport,
  consume: (group, topics, handler) =>
    transport.consume(group, topics, async (message) => {
      await handler(message);
      await sleep(ackDelayMs);
    }),
};
const metrics = createMetrics();
const bus = createBus(database.db, slowAcks, logger, metrics);

await bus.subscribe('chaos', {
  'test.ping': async (tx, payload) => {
    await insertEffect(tx, payload.n);
    // Hold the transaction open a little so a SIGKILL often lands before the commit (rolled back, redelivered).
    await sleep(delayMs);
  },
});
process.stdout.write('ready\n');

setInterval(() => {
  void metrics.messagesHandled.get().then(({ values }) => {
    const count = (outcome: string) => values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
    process.stdout.write(`stats ${count('handled')} ${count('duplicate')}\n`);
  });
}, 100).unref();

// The parent ends us with SIGKILL (the point of the test) or SIGTERM (clean-up).
process.on('SIGTERM', () => {
  void transport
    .close()
    .then(() => database.close())
    .finally(() => process.exit(0));
});
