import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import { sql } from 'kysely';
import { createRabbitTransport, createRelay, publishEvent, type Relay, type Transport } from '../src/platform/bus/index.js';
import { inTransaction, migrate, openDatabase, platformMigrations, type Database } from '../src/platform/db/index.js';
import { createMetrics } from '../src/platform/metrics.js';
import { cleanUpNamespace, createTestDatabase, uniqueName } from './support/harness.js';
import { SERVICE_URLS, servicesEnabled } from './support/services.js';
import { countEffects, createEffectsTable, sleep, testLogger, waitFor } from './support/test-events.js';

const TOTAL = 2_000;
const BATCH = 50; // events per outbox transaction
const BATCH_GAP_MS = 100; // 40 batches over ~4 s, a bit faster than the consumer drains them
// Effects counted when each SIGKILL is sent: off batch boundaries, so the consumer is mid-batch.
const KILL_AT = [430, 1_230];
const GROUP = 'chaos';
const consumerScript = fileURLToPath(new URL('./support/bus-consumer.ts', import.meta.url));

interface Consumer {
  child: ChildProcess;
  exited: Promise<void>;
  /** The tail of its stderr, shown when it fails to start. */
  stderr: string[];
  /** Its latest `stats` line: messages handled, and redeliveries the inbox skipped. */
  stats: { handled: number; duplicate: number };
}

/** Spawns the consumer process and resolves once it has subscribed (it prints `ready`). */
function startConsumer(env: Record<string, string>): Promise<Consumer> {
  const child = spawn(process.execPath, ['--import', 'tsx', consumerScript], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString('utf8'));
    if (stderr.length > 50) stderr.shift();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const consumer: Consumer = { child, exited, stderr, stats: { handled: 0, duplicate: 0 } };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`consumer not ready after 30 s: ${stderr.join('')}`));
    }, 30_000);
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const stats = /^stats (\d+) (\d+)$/.exec(line);
        if (stats) consumer.stats = { handled: Number(stats[1]), duplicate: Number(stats[2]) };
        if (line === 'ready') {
          clearTimeout(timer);
          resolve(consumer);
        }
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`consumer exited before ready (code ${child.exitCode}): ${stderr.join('')}`));
    });
  });
}

async function killConsumer(consumer: Consumer | undefined): Promise<void> {
  if (!consumer || consumer.child.exitCode !== null || consumer.child.signalCode !== null) return;
  consumer.child.kill('SIGKILL');
  await consumer.exited;
}

const skip = servicesEnabled ? false : 'needs real PostgreSQL + RabbitMQ: run with FLASHMART_TEST_SERVICES=1 (npm test sets it when they answer)';

describe('outbox/inbox on real RabbitMQ with a crashing consumer', { skip }, () => {
  const namespace = uniqueName('fmchaos').replaceAll('_', '-');
  const logger = testLogger();
  let dropDatabase: (() => Promise<void>) | undefined;
  let databaseUrl = '';
  let database: Database | undefined;
  let transport: Transport | undefined;
  let relay: Relay | undefined;
  let consumer: Consumer | undefined;

  before(async () => {
    const fresh = await createTestDatabase();
    dropDatabase = fresh.drop;
    databaseUrl = fresh.url;
    database = await openDatabase({ databaseUrl, dataDir: 'memory://', poolSize: 5 });
    await migrate(database, [platformMigrations]);
    await createEffectsTable(database.db);
  });

  after(async () => {
    // Always tear down, even after a failed assertion: no stray process, queue or database.
    await killConsumer(consumer);
    await relay?.stop();
    await transport?.close();
    await database?.close();
    await cleanUpNamespace(namespace, [GROUP]);
    await dropDatabase?.();
  });

  it(`${TOTAL} events published while the consumer is SIGKILLed twice are each handled exactly once`, { timeout: 180_000 }, async (t) => {
    assert.ok(database, 'before() opened the database');
    const db = database.db;
    const consumerEnv = {
      DATABASE_URL: databaseUrl,
      AMQP_URL: SERVICE_URLS.amqp,
      FLASHMART_NAMESPACE: namespace,
      FLASHMART_DELIVERY_LIMIT: '20', // above the redeliveries two kills can cause
      CHAOS_HANDLER_DELAY_MS: '5',
      CHAOS_ACK_DELAY_MS: '20',
      TEST_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    };
    // The consumer declares the group's queue; it must exist before publishing or RabbitMQ drops unroutable events.
    consumer = await startConsumer(consumerEnv);
    const instances = [consumer];
    transport = await createRabbitTransport({ url: SERVICE_URLS.amqp, namespace, deliveryLimit: 20 }, logger);
    relay = createRelay(db, transport, logger, createMetrics(), { idleMs: 20, batchSize: 100 });
    relay.start();

    let published = 0;
    const publishing = (async () => {
      while (published < TOTAL) {
        await inTransaction(db, async (tx) => {
          for (let i = 0; i < BATCH; i++) await publishEvent(tx, 'test.ping', { n: published + i });
        });
        published += BATCH;
        relay?.nudge();
        await sleep(BATCH_GAP_MS);
      }
    })();

    const started = Date.now();
    for (const threshold of KILL_AT) {
      await waitFor(`${threshold} effects`, async () => (await countEffects(db)).total >= threshold, 60_000, 10);
      const atKill = await countEffects(db);
      await killConsumer(consumer);
      t.diagnostic(`SIGKILL at ${atKill.total} effects, ${published} published, ${Date.now() - started} ms`);
      assert.ok(atKill.total < TOTAL, 'the kill must land while events are still flowing');
      consumer = await startConsumer(consumerEnv);
      instances.push(consumer);
    }
    await publishing;

    await waitFor(`${TOTAL} effects`, async () => (await countEffects(db)).total >= TOTAL, 120_000, 100);
    t.diagnostic(`all ${TOTAL} effects after ${Date.now() - started} ms`);
    // Late redeliveries of messages that were in flight at a kill would show up as extra rows now.
    await sleep(2_000);

    const effects = await countEffects(db);
    assert.equal(effects.total, TOTAL, 'no event handled twice');
    assert.equal(effects.distinct, TOTAL, 'no event lost');
    const inbox = await sql<{ count: number }>`
      select count(*)::int as count from platform_inbox where consumer_group = ${GROUP}`.execute(db);
    assert.equal(inbox.rows[0]?.count, TOTAL, 'one inbox row per event');
    const outbox = await sql<{ count: number }>`select count(*)::int as count from platform_outbox`.execute(db);
    assert.equal(outbox.rows[0]?.count, 0, 'the relay published and removed every outbox row');

    const connection = await amqp.connect(SERVICE_URLS.amqp);
    try {
      const channel = await connection.createChannel();
      const dlq = await channel.checkQueue(`${namespace}.${GROUP}.dlq`);
      assert.equal(dlq.messageCount, 0, 'crashes alone must not dead-letter anything');
    } finally {
      await connection.close();
    }

    // The kills must have hit messages already committed but not acknowledged, or this test
    // would not exercise the inbox at all (a killed instance's last 100 ms may be uncounted).
    const duplicates = instances.reduce((sum, instance) => sum + instance.stats.duplicate, 0);
    t.diagnostic(`redeliveries skipped by the inbox: ${duplicates}`);
    assert.ok(duplicates > 0, 'some committed messages were redelivered and skipped');

    // Evidence the kills interrupted open transactions (informational: statistics are asynchronous).
    const stats = await sql<{ rollbacks: number }>`
      select xact_rollback::int as rollbacks from pg_stat_database where datname = current_database()`.execute(db);
    t.diagnostic(`transactions rolled back in the test database: ${stats.rows[0]?.rollbacks ?? 'n/a'}`);
  });
});
