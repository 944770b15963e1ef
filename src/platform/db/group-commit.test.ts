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
