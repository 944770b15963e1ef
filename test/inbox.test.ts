import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createBus, createInProcessTransport, createRabbitTransport, deadLetterTable, type Transport, type WireMessage } from '../src/platform/bus/index.js';
import { createMetrics, type Metrics } from '../src/platform/metrics.js';
import { cleanUpNamespace, MODES, uniqueName } from './support/harness.js';
import { SERVICE_URLS } from './support/services.js';
import { insertEffect, openModeDatabase, testLogger, waitFor, type ModeDatabase } from './support/test-events.js';

const GROUPS = ['inbox_a', 'inbox_b'];

/** How many deliveries the bus has finished for a group, by outcome (handled / duplicate / failed). */
async function outcomes(metrics: Metrics, group: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const value of (await metrics.messagesHandled.get()).values) {
    if (value.labels.group === group) counts[String(value.labels.outcome)] = value.value;
  }
  return counts;
}

for (const mode of MODES) {
  describe(`inbox deduplication (${mode})`, () => {
    const namespace = uniqueName('fminbox').replaceAll('_', '-');
    const logger = testLogger();
    const metrics = createMetrics();
    const calls = new Map<string, number>();
    let store: ModeDatabase;
    let transport: Transport;

    before(async () => {
      store = await openModeDatabase(mode);
      transport =
        mode === 'services'
          ? await createRabbitTransport({ url: SERVICE_URLS.amqp, namespace, deliveryLimit: 5 }, logger)
          : createInProcessTransport(5, deadLetterTable(store.database.db, metrics), logger);
      const bus = createBus(store.database.db, transport, logger, metrics);
      // Two groups: the inbox is keyed per group, so each must handle the message once.
      for (const [index, group] of GROUPS.entries()) {
        await bus.subscribe(group, {
          'test.ping': async (tx, payload) => {
            calls.set(group, (calls.get(group) ?? 0) + 1);
            await insertEffect(tx, payload.n + 1000 * index);
          },
        });
      }
    });

    after(async () => {
      await transport.close();
      if (mode === 'services') await cleanUpNamespace(namespace, GROUPS);
      await store.dispose();
    });

    it('a message id delivered three times has its effect once per consumer group', { timeout: 30_000 }, async () => {
      const db = store.database.db;
      const message: WireMessage = { id: randomUUID(), topic: 'test.ping', payload: { n: 7 } };
      // What a relay that crashed between publishing and deleting its outbox rows would send;
      // on RabbitMQ the copies in one batch are delivered concurrently to the same consumer.
      await transport.publish([message]);
      await transport.publish([message, message]);
      for (const group of GROUPS) {
        await waitFor(`${group} to finish 3 deliveries`, async () => {
          const seen = await outcomes(metrics, group);
          return (seen.handled ?? 0) + (seen.duplicate ?? 0) + (seen.failed ?? 0) >= 3;
        });
        assert.deepEqual(await outcomes(metrics, group), { handled: 1, duplicate: 2 }, `${group}: one handled, two skipped`);
        assert.equal(calls.get(group), 1, `${group}: the handler ran once`);
      }
      const effects = await sql<{ n: number; count: number }>`
        select n, count(*)::int as count from test_effects group by n order by n`.execute(db);
      assert.deepEqual(effects.rows, [
        { n: 7, count: 1 },
        { n: 1007, count: 1 },
      ]);
      const inbox = await sql<{ consumer_group: string }>`
        select consumer_group from platform_inbox where message_id = ${message.id} order by consumer_group`.execute(db);
      assert.deepEqual(
        inbox.rows.map((row) => row.consumer_group),
        GROUPS,
      );
    });
  });
}
