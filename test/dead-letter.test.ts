import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import { sql } from 'kysely';
import {
  createBus,
  createInProcessTransport,
  createRabbitTransport,
  createRelay,
  deadLetterTable,
  publishEvent,
  type Relay,
  type Transport,
} from '../src/platform/bus/index.js';
import { inTransaction } from '../src/platform/db/index.js';
import { createMetrics } from '../src/platform/metrics.js';
import { cleanUpNamespace, MODES, uniqueName } from './support/harness.js';
import { SERVICE_URLS } from './support/services.js';
import { countEffects, insertEffect, openModeDatabase, sleep, testLogger, waitFor, type ModeDatabase } from './support/test-events.js';

const DELIVERY_LIMIT = 3;
const NORMAL = 50;
const GROUP = 'deadletter';

for (const mode of MODES) {
  describe(`dead-lettering a poison message (${mode})`, () => {
    const namespace = uniqueName('fmdl').replaceAll('_', '-');
    const logger = testLogger();
    const metrics = createMetrics();
    let store: ModeDatabase;
    let transport: Transport;
    let relay: Relay;
    let poisonAttempts = 0;
    let poisonId = '';
    let healed = false; // the operator fixed what made the poison fail

    before(async () => {
      store = await openModeDatabase(mode);
      const db = store.database.db;
      transport =
        mode === 'services'
          ? await createRabbitTransport({ url: SERVICE_URLS.amqp, namespace, deliveryLimit: DELIVERY_LIMIT }, logger)
          : createInProcessTransport(DELIVERY_LIMIT, deadLetterTable(db, metrics), logger);
      const bus = createBus(db, transport, logger, metrics);
      await bus.subscribe(GROUP, {
        'test.ping': async (tx, payload) => {
          // The effect is written first so the test also proves a failed attempt's writes roll back.
          await insertEffect(tx, payload.n);
          if (payload.poison && !healed) {
            poisonAttempts++;
            throw new Error(`poison message ${payload.n}`);
          }
        },
      });
      // The poison goes first: the 50 behind it must still be handled.
      await inTransaction(db, async (tx) => {
        poisonId = await publishEvent(tx, 'test.ping', { n: -1, poison: true });
        for (let n = 0; n < NORMAL; n++) await publishEvent(tx, 'test.ping', { n });
      });
      relay = createRelay(db, transport, logger, metrics, { idleMs: 20 });
    });

    after(async () => {
      await relay.stop();
      await transport.close();
      if (mode === 'services') await cleanUpNamespace(namespace, [GROUP]);
      await store.dispose();
    });

    it('handles every normal event once and moves the poison aside after bounded redelivery', { timeout: 60_000 }, async (t) => {
      const db = store.database.db;
      // In-process, publishing returns once each message is handled or dead-lettered;
      // on RabbitMQ the relay loop publishes and the consumers catch up.
      if (mode === 'embedded') await relay.relayOnce();
      else relay.start();
      await waitFor(`${NORMAL} normal effects`, async () => (await countEffects(db)).total >= NORMAL);

      if (mode === 'services') {
        const connection = await amqp.connect(SERVICE_URLS.amqp);
        try {
          const channel = await connection.createChannel();
          const dlq = `${namespace}.${GROUP}.dlq`;
          await waitFor('the poison in the dead-letter queue', async () => (await channel.checkQueue(dlq)).messageCount >= 1, 30_000);
          const dead = await channel.get(dlq, { noAck: false });
          assert.ok(dead, 'a message is in the dead-letter queue');
          assert.equal(dead.properties.messageId, poisonId, 'the dead-lettered message is the poison');
          assert.deepEqual(JSON.parse(dead.content.toString('utf8')), { n: -1, poison: true }, 'payload kept intact for a replay');
          assert.equal((await channel.checkQueue(dlq)).messageCount, 0, 'only the poison was dead-lettered');
          channel.nack(dead, false, true); // leave it for the replay below
        } finally {
          await connection.close();
        }
      } else {
        const rows = await sql<{ message_id: string; consumer_group: string; topic: string; payload: unknown; error: string }>`
          select message_id, consumer_group, topic, payload, error from platform_dead_letters`.execute(db);
        assert.equal(rows.rows.length, 1, 'exactly one dead letter');
        const [row] = rows.rows;
        assert.ok(row);
        assert.equal(row.message_id, poisonId);
        assert.equal(row.consumer_group, GROUP);
        assert.equal(row.topic, 'test.ping');
        assert.deepEqual(row.payload, { n: -1, poison: true });
        assert.match(row.error, /poison message -1/);
      }

      // Nothing redelivers the poison once it is dead-lettered.
      const attemptsAtDeadLetter = poisonAttempts;
      await sleep(500);
      assert.equal(poisonAttempts, attemptsAtDeadLetter, 'no delivery after dead-lettering');
      t.diagnostic(`poison attempted ${poisonAttempts} times with delivery limit ${DELIVERY_LIMIT}`);
      // Both transports allow the first delivery plus DELIVERY_LIMIT redeliveries (RabbitMQ
      // dead-letters once a quorum queue's delivery-count exceeds x-delivery-limit).
      assert.ok(poisonAttempts > 1, 'the poison was redelivered before being given up');
      assert.equal(poisonAttempts, DELIVERY_LIMIT + 1, 'redelivery is bounded by the delivery limit');

      const effects = await sql<{ n: number; count: number }>`
        select n, count(*)::int as count from test_effects group by n order by n`.execute(db);
      assert.equal(effects.rows.length, NORMAL, 'every normal event has an effect, the poison none');
      for (const row of effects.rows) {
        assert.ok(row.n >= 0 && row.n < NORMAL, `unexpected effect ${row.n}`);
        assert.equal(row.count, 1, `event ${row.n} handled exactly once`);
      }
      const inbox = await sql<{ count: number; poison: number }>`
        select count(*)::int as count, count(*) filter (where message_id = ${poisonId})::int as poison
        from platform_inbox where consumer_group = ${GROUP}`.execute(db);
      assert.equal(inbox.rows[0]?.count, NORMAL, 'the inbox records only the handled events');
      assert.equal(inbox.rows[0]?.poison, 0, "the poison's failed attempts left no inbox row");
    });

    it('an operator lists the dead letters and replays them; the fixed handler then handles the poison once', { timeout: 60_000 }, async () => {
      const db = store.database.db;
      const letters = await transport.deadLetters(GROUP);
      assert.deepEqual(letters, [{ id: poisonId, topic: 'test.ping', payload: { n: -1, poison: true } }]);
      assert.equal((await transport.deadLetters(GROUP)).length, 1, 'listing leaves them in place');
      healed = true;
      assert.equal(await transport.replayDeadLetters(GROUP), 1);
      if (mode === 'embedded') await relay.relayOnce(); // the replay went back through the outbox
      await waitFor('the replayed poison handled', async () => {
        const rows = await sql<{ n: number }>`select n from test_effects where n = -1`.execute(db);
        return rows.rows.length >= 1;
      });
      await sleep(300);
      const effects = await sql<{ n: number; count: number }>`select n, count(*)::int as count from test_effects group by n`.execute(db);
      assert.equal(effects.rows.length, NORMAL + 1);
      for (const row of effects.rows) assert.equal(row.count, 1, `event ${row.n} handled exactly once`);
      assert.deepEqual(await transport.deadLetters(GROUP), [], 'nothing left in the dead letters');
    });
  });
}
