import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction, openDatabase, type Db } from '../src/platform/db/index.js';
import { createJobRunner, scheduleJob, type JobRunner } from '../src/platform/jobs/index.js';
import { createMetrics } from '../src/platform/metrics.js';
import { MODES } from './support/harness.js';
import { countEffects, insertEffect, openModeDatabase, sleep, testLogger, waitFor, type ModeDatabase } from './support/test-events.js';

const logger = testLogger();

/** A runner whose `test.effect` job writes one effect row (and optionally notes when it ran). */
function effectRunner(db: Db, onRun?: (n: number) => void | Promise<void>): JobRunner {
  const runner = createJobRunner(db, logger, createMetrics(), { pollMs: 25 });
  runner.register('test.effect', async (tx, payload) => {
    await insertEffect(tx, payload.n);
    await onRun?.(payload.n);
  });
  return runner;
}

async function jobRows(db: Db) {
  return db.selectFrom('platform_jobs').select(['id', 'kind', 'dedupe_key', 'payload', 'attempts', 'last_error']).orderBy('id').execute();
}

/** Seconds until the job runs again, measured by the database clock the runner also uses. */
async function secondsUntilDue(db: Db, id: number): Promise<number> {
  const result = await sql<{ s: number }>`
    select extract(epoch from run_at - now())::float8 as s from platform_jobs where id = ${id}`.execute(db);
  return result.rows[0]?.s ?? Number.NaN;
}

for (const mode of MODES) {
  describe(`durable jobs (${mode})`, () => {
    let store: ModeDatabase;
    let db: Db;

    before(async () => {
      store = await openModeDatabase(mode);
      db = store.database.db;
    });
    beforeEach(async () => {
      // Each case starts from an empty queue and no effects.
      await sql`delete from platform_jobs`.execute(db);
      await sql`delete from test_effects`.execute(db);
    });
    after(async () => store.dispose());

    it('runs a due job once and deletes it', async () => {
      await scheduleJob(db, 'test.effect', { n: 1 });
      const runner = effectRunner(db);
      assert.equal(await runner.runDue(), 1);
      assert.deepEqual(await countEffects(db), { total: 1, distinct: 1 });
      assert.deepEqual(await jobRows(db), [], 'a finished job is deleted');
      assert.equal(await runner.runDue(), 0, 'nothing left to run');
      assert.deepEqual(await countEffects(db), { total: 1, distinct: 1 });
    });

    it('does not run a future job before its time, then runs it from the polling loop', { timeout: 15_000 }, async () => {
      const runAt = new Date(Date.now() + 1_500);
      await scheduleJob(db, 'test.effect', { n: 2 }, { runAt });
      let ranAt = 0;
      const runner = effectRunner(db, () => {
        ranAt = Date.now();
      });
      assert.equal(await runner.runDue(), 0, 'not due yet');
      runner.start();
      try {
        await sleep(700);
        assert.equal((await countEffects(db)).total, 0, 'still not run while its time has not come');
        assert.equal((await jobRows(db)).length, 1);
        await waitFor('the job to run once due', async () => (await countEffects(db)).total === 1, 8_000);
      } finally {
        await runner.stop();
      }
      // 50 ms of slack: run_at is compared with the database clock, `ranAt` is read after the handler's insert.
      assert.ok(ranAt >= runAt.getTime() - 50, `ran ${runAt.getTime() - ranAt} ms early`);
      assert.deepEqual(await jobRows(db), []);
    });

    it('schedules a dedupe key only once while it is pending', async () => {
      await inTransaction(db, async (tx) => {
        await scheduleJob(tx, 'test.effect', { n: 3 }, { key: 'dedupe-1' });
        await scheduleJob(tx, 'test.effect', { n: 4 }, { key: 'dedupe-1' });
      });
      await scheduleJob(db, 'test.effect', { n: 5 }, { key: 'dedupe-1' });
      const rows = await jobRows(db);
      assert.equal(rows.length, 1, 'one pending job for the key');
      assert.deepEqual(rows[0]?.payload, { n: 3 }, 'the first schedule wins');
      const runner = effectRunner(db);
      assert.equal(await runner.runDue(), 1);
      const effects = await sql<{ n: number }>`select n from test_effects`.execute(db);
      assert.deepEqual(effects.rows, [{ n: 3 }]);
      // The key only guards pending work: once done, the same key may be scheduled again.
      await scheduleJob(db, 'test.effect', { n: 6 }, { key: 'dedupe-1' });
      assert.equal((await jobRows(db)).length, 1);
    });

    it('retries a failing job later, counting attempts, recording the error and rolling back its writes', async () => {
      let failuresLeft = 2;
      const runner = createJobRunner(db, logger, createMetrics());
      runner.register('test.flaky', async (tx, payload) => {
        await insertEffect(tx, payload.n); // a partial write the failure must undo
        if (failuresLeft > 0) throw new Error(`flaky failure, ${failuresLeft--} left`);
      });
      await scheduleJob(db, 'test.flaky', { n: 9 });

      assert.equal(await runner.runDue(), 1, 'the attempt ran (and failed)');
      let [job] = await jobRows(db);
      assert.ok(job, 'a failed job stays queued');
      assert.equal(job.attempts, 1);
      assert.equal(job.last_error, 'flaky failure, 2 left');
      assert.equal((await countEffects(db)).total, 0, 'the failed attempt wrote nothing');
      const firstDelay = await secondsUntilDue(db, job.id);
      assert.ok(firstDelay > 1 && firstDelay <= 2, `retry backs off (${firstDelay} s)`);
      assert.equal(await runner.runDue(), 0, 'not retried before its back-off');

      // Let time pass: make it due now instead of sleeping through the back-off.
      await sql`update platform_jobs set run_at = now()`.execute(db);
      assert.equal(await runner.runDue(), 1);
      [job] = await jobRows(db);
      assert.ok(job);
      assert.equal(job.attempts, 2);
      assert.equal(job.last_error, 'flaky failure, 1 left');
      const secondDelay = await secondsUntilDue(db, job.id);
      assert.ok(secondDelay > firstDelay + 1, `the back-off grows (${secondDelay} s)`);
      assert.equal((await countEffects(db)).total, 0);

      await sql`update platform_jobs set run_at = now()`.execute(db);
      assert.equal(await runner.runDue(), 1);
      assert.deepEqual(await jobRows(db), [], 'done after the successful attempt');
      assert.deepEqual(await countEffects(db), { total: 1, distinct: 1 }, 'exactly the successful attempt left its effect');
    });

    // PGlite has a single session, so runners cannot overlap there: the race exists on PostgreSQL only.
    if (mode === 'services')
    it(
      'two runners on separate pools racing over 200 due jobs run each exactly once',
      { timeout: 60_000 },
      async (t) => {
        const second = await openDatabase({ databaseUrl: store.url, dataDir: 'memory://', poolSize: 4 });
        try {
          await inTransaction(db, async (tx) => {
            for (let n = 0; n < 200; n++) await scheduleJob(tx, 'test.effect', { n });
          });
          // A short pause inside the job's transaction keeps row locks held while the other runner polls.
          const pause = () => sleep(2);
          const first = effectRunner(db, pause);
          const runners = [first, effectRunner(second.db, pause)];
          // Several loops per runner (each on its own pooled connection) maximise the overlap.
          const perRunner = await Promise.all(
            runners.map(async (runner) => (await Promise.all([1, 2, 3, 4].map(() => runner.runDue()))).reduce((a, b) => a + b, 0)),
          );
          t.diagnostic(`jobs run per runner: ${perRunner.join(' + ')}`);
          assert.equal(perRunner.reduce((a, b) => a + b, 0), 200, 'each job claimed exactly once');
          assert.ok(perRunner.every((count) => count > 0), 'both runners did part of the work');
          assert.deepEqual(await countEffects(db), { total: 200, distinct: 200 }, 'each effect exactly once');
          assert.deepEqual(await jobRows(db), []);
          assert.equal(await first.runDue(), 0);
        } finally {
          await second.close();
        }
      },
    );
  });
}
