import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MODES } from '../../../test/support/harness.js';
import { openModeDatabase, type ModeDatabase } from '../../../test/support/test-events.js';
import { ItemFailed, createGroupCommit, refused, succeeded, type Database, type Tx } from './index.js';

/** Writes each item as a settings row `gc:<item>`; items starting with "no" are refused, "boom" throws. */
async function writeSettings(tx: Tx, items: string[], batches: number[]) {
  batches.push(items.length);
  const outcomes = [];
  for (const [index, item] of items.entries()) {
    if (item.startsWith('no')) {
      outcomes.push(refused<string>(new Error(`refused ${item}`)));
      continue;
    }
    if (item.startsWith('boom')) throw new ItemFailed(index, new Error(`handler failed on ${item}`));
    await tx.insertInto('platform_settings').values({ key: `gc:${item}`, value: item }).execute();
    outcomes.push(succeeded(item.toUpperCase()));
  }
  return outcomes;
}

for (const mode of MODES) {
  describe(`group commit (${mode})`, () => {
    let store: ModeDatabase;
    let database: Database;
    before(async () => {
      store = await openModeDatabase(mode);
      database = store.database;
    });
    after(async () => store.dispose());

    const written = async (prefix: string) =>
      (await database.db.selectFrom('platform_settings').select('value').where('key', 'like', `gc:${prefix}%`).execute()).map((r) => r.value).sort();

    it('concurrent submissions share transactions; each caller gets its own answer; a refused item leaves no trace', async () => {
      const batches: number[] = [];
      const commit = createGroupCommit<string, string>(database.db, { maxBatch: 10 }, (tx, items) => writeSettings(tx, items, batches));
      const items = Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? `no-a${i}` : `a${i}`));
      const results = await Promise.allSettled(items.map((item) => commit.submit(item)));
      results.forEach((result, i) => {
        const item = items[i] ?? '';
        if (item.startsWith('no')) assert.equal(result.status, 'rejected', item);
        else assert.deepEqual(result, { status: 'fulfilled', value: item.toUpperCase() });
      });
      assert.deepEqual(await written('a'), items.filter((i) => !i.startsWith('no')).sort());
      // The first submission is written at once; the rest queue behind it and go in batches of ≤ 10.
      assert.ok(batches.length < items.length, `batched: ${batches.join(',')}`);
      assert.ok(batches.every((size) => size <= 10), `max batch respected: ${batches.join(',')}`);
    });

    it('an item that fails the transaction is refused alone; the others are written again without it', async () => {
      const batches: number[] = [];
      const commit = createGroupCommit<string, string>(database.db, { maxBatch: 50 }, (tx, items) => writeSettings(tx, items, batches));
      const items = ['b0', 'b1', 'boom-b2', 'b3', 'b4', 'boom-b5', 'b6'];
      // A first item occupies the writer, so the rest form one batch behind it.
      const results = await Promise.allSettled(['b-first', ...items].map((item) => commit.submit(item)));
      const rejected = results.flatMap((r, i) => (r.status === 'rejected' ? [['b-first', ...items][i]] : []));
      assert.deepEqual(rejected, ['boom-b2', 'boom-b5']);
      assert.deepEqual(await written('b'), ['b-first', 'b0', 'b1', 'b3', 'b4', 'b6'].sort());
    });

    it('lanes batch apart: no batch mixes lanes, and a lane held up by its batch does not hold up the other', async () => {
      const batches: string[][] = [];
      let openGate: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      let held = false;
      const commit = createGroupCommit<string, string>(database.db, { maxBatch: 50, lanes: { count: 2, of: (item) => (item.startsWith('d0') ? 0 : 1) } }, async (tx, items) => {
        batches.push(items);
        // The first batch of lane 0 waits, inside its transaction, until lane 1 has answered.
        if (!held && items.some((item) => item.startsWith('d0'))) {
          held = true;
          await gate;
        }
        return writeSettings(tx, items, []);
      });
      const lane0 = Array.from({ length: 10 }, (_, i) => `d0-${i}`);
      const lane1 = Array.from({ length: 10 }, (_, i) => `d1-${i}`);
      const first = Promise.all(lane0.map((item) => commit.submit(item)));
      if (mode === 'services') {
        // PostgreSQL runs the lanes' transactions side by side (PGlite has one session: it cannot).
        assert.deepEqual(await Promise.all(lane1.map((item) => commit.submit(item))), lane1.map((item) => item.toUpperCase()));
        openGate();
      } else {
        const second = Promise.all(lane1.map((item) => commit.submit(item)));
        openGate();
        await second;
      }
      assert.deepEqual(await first, lane0.map((item) => item.toUpperCase()));
      for (const batch of batches) assert.equal(new Set(batch.map((item) => item.slice(0, 2))).size, 1, `one lane per batch: ${batch.join(',')}`);
      assert.ok(batches.length < lane0.length + lane1.length, `batched within each lane: ${batches.map((b) => b.length).join(',')}`);
      assert.deepEqual(await written('d'), [...lane0, ...lane1].sort());
    });

    it('atOnce writes a batch with one statement of its own; when it declines or fails, the transaction writer decides the batch', async () => {
      const writerBatches: string[][] = [];
      const commit = createGroupCommit<string, string>(
        database.db,
        {
          maxBatch: 50,
          atOnce: async (db, items) => {
            if (items.some((item) => item.includes('decline'))) return undefined;
            if (items.some((item) => item.includes('fail'))) throw new Error('the statement failed');
            await db
              .insertInto('platform_settings')
              .values(items.map((item) => ({ key: `gc:${item}`, value: item })))
              .execute();
            return items.map((item) => succeeded(`${item.toUpperCase()} AT ONCE`));
          },
        },
        (tx, items) => {
          writerBatches.push(items);
          return writeSettings(tx, items, []);
        },
      );
      assert.deepEqual(await Promise.all(['e1', 'e2'].map((item) => commit.submit(item))), ['E1 AT ONCE', 'E2 AT ONCE']);
      assert.deepEqual(writerBatches, []);
      assert.equal(await commit.submit('e-decline'), 'E-DECLINE');
      assert.equal(await commit.submit('e-fail'), 'E-FAIL');
      assert.deepEqual(writerBatches, [['e-decline'], ['e-fail']]);
      assert.deepEqual(await written('e'), ['e-decline', 'e-fail', 'e1', 'e2']);
    });

    it('a batch failing as a whole (a unique key taken by another item) falls back to one transaction per item', async () => {
      const commit = createGroupCommit<string, string>(database.db, { maxBatch: 50 }, (tx, items) => writeSettings(tx, items, []));
      await commit.submit('c-taken');
      const results = await Promise.allSettled(['c1', 'c-taken', 'c2', 'c3'].map((item) => commit.submit(item)));
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
      );
      assert.deepEqual(await written('c'), ['c-taken', 'c1', 'c2', 'c3'].sort());
    });
  });
}
