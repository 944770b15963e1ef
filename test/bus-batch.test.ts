/**
 * Consumers group-commit the messages that arrive together: one transaction, one inbox
 * statement, and a batch handler called once with every fresh event of its topic. A poison
 * event fails its batch; then each event is handled alone, so the good ones take effect once
 * and only the poison is retried and finally dead-lettered. Both transports.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createBus, createInProcessTransport, createRabbitTransport, deadLetterTable, type Transport, type WireMessage } from '../src/platform/bus/index.js';
import { createMetrics } from '../src/platform/metrics.js';
import { cleanUpNamespace, MODES, uniqueName } from './support/harness.js';
import { SERVICE_URLS } from './support/services.js';
import { openModeDatabase, testLogger, waitFor, type ModeDatabase } from './support/test-events.js';

const GROUP = 'batch_consumer';
const DELIVERY_LIMIT = 2;

for (const mode of MODES) {
  describe(`batch event handlers (${mode})`, () => {
    const namespace = uniqueName('fmbatch').replaceAll('_', '-');
    const metrics = createMetrics();
    const batchSizes: number[] = [];
    let poisonAttempts = 0;
    let store: ModeDatabase;
    let transport: Transport;

    before(async () => {
      store = await openModeDatabase(mode);
      const logger = testLogger();
      transport =
        mode === 'services'
          ? await createRabbitTransport({ url: SERVICE_URLS.amqp, namespace, deliveryLimit: DELIVERY_LIMIT }, logger)
          : createInProcessTransport(DELIVERY_LIMIT, deadLetterTable(store.database.db, metrics), logger);
      const bus = createBus(store.database.db, transport, logger, metrics);
      await bus.subscribe(GROUP, {
        'test.ping': {
          batch: async (tx, events) => {
            batchSizes.push(events.length);
            if (events.some((e) => e.poison)) {
              if (events.length === 1) poisonAttempts++;
              throw new Error('poison in the batch');
            }
            const values = events.map((e) => `(${e.n})`).join(', ');
            await sql.raw(`insert into test_effects (n) values ${values}`).execute(tx);
          },
        },
      });
    });

    after(async () => {
      await transport.close();
      if (mode === 'services') await cleanUpNamespace(namespace, [GROUP]);
      await store.dispose();
    });

    it('every good event takes effect once, duplicates and a poison in the same batches notwithstanding', { timeout: 60_000 }, async () => {
      const db = store.database.db;
      const good: WireMessage[] = Array.from({ length: 60 }, (_, n) => ({ id: randomUUID(), topic: 'test.ping', payload: { n } }));
      const poison: WireMessage = { id: randomUUID(), topic: 'test.ping', payload: { n: 999, poison: true } };
      // One publish of everything (with every good message twice, as a relay that crashed
      // before deleting would send them), so RabbitMQ hands the consumer many at once.
      await transport.publish([...good.slice(0, 30), poison, ...good.slice(30), ...good]);
      await waitFor('every good event to take effect', async () => {
        const row = await sql<{ n: number }>`select count(distinct n)::int as n from test_effects`.execute(db);
        return (row.rows[0]?.n ?? 0) === 60;
      });
      await waitFor('the poison to be given up', async () => poisonAttempts >= DELIVERY_LIMIT, 30_000);
      const effects = await sql<{ n: number; count: number }>`select n, count(*)::int as count from test_effects group by n order by n`.execute(db);
      assert.equal(effects.rows.length, 60);
      assert.ok(effects.rows.every((row) => row.count === 1 && row.n !== 999), 'each good event once, the poison never');
      const inbox = await sql<{ n: number }>`select count(*)::int as n from platform_inbox where consumer_group = ${GROUP}`.execute(db);
      assert.equal(inbox.rows[0]?.n, 60, 'one inbox row per good event; none for the poison');
      if (mode === 'services') assert.ok(batchSizes.some((size) => size > 1), `RabbitMQ deliveries were handled in batches: ${batchSizes.join(',')}`);
    });
  });
}
