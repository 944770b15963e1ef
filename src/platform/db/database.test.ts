import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase } from '../../../test/support/harness.js';
import { servicesEnabled } from '../../../test/support/services.js';
import { inTransaction, isUniqueViolation, migrate, openDatabase, platformMigrations, type Database } from './index.js';

const engines = servicesEnabled ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const engine of engines) {
  describe(`database (${engine})`, () => {
    let database: Database;
    let drop: (() => Promise<void>) | undefined;
    before(async () => {
      let databaseUrl: string | undefined;
      if (engine === 'postgres') {
        const created = await createTestDatabase();
        databaseUrl = created.url;
        drop = created.drop;
      }
      database = await openDatabase({ databaseUrl, dataDir: 'memory://' });
      await migrate(database, [platformMigrations]);
    });
    after(async () => {
      await database.close();
      await drop?.();
    });

    it('migrations are recorded and not applied twice', async () => {
      assert.deepEqual(await migrate(database, [platformMigrations]), []);
    });

    it('int8 values come back as numbers on both engines', async () => {
      const row = await sql<{ n: number }>`select 9007199254740991::int8 as n`.execute(database.db);
      assert.strictEqual(row.rows[0]?.n, Number.MAX_SAFE_INTEGER);
    });

    it('a committed outbox insert notifies listeners (LISTEN/NOTIFY)', async () => {
      let notified = 0;
      const stop = await database.listen('platform_outbox', () => notified++);
      await inTransaction(database.db, async (tx) => {
        await tx.insertInto('platform_outbox').values({ message_id: '00000000-0000-4000-8000-000000000001', topic: 't', payload: '{}' }).execute();
      });
      await waitFor(() => notified > 0);
      await stop();
    });

    it('a failed transaction rolls back everything it wrote', async () => {
      const id = '00000000-0000-4000-8000-000000000002';
      await assert.rejects(
        inTransaction(database.db, async (tx) => {
          await tx.insertInto('platform_outbox').values({ message_id: id, topic: 't', payload: '{}' }).execute();
          await tx.insertInto('platform_outbox').values({ message_id: id, topic: 't', payload: '{}' }).execute();
        }),
        (error: unknown) => isUniqueViolation(error),
      );
      const rows = await database.db.selectFrom('platform_outbox').select('id').where('message_id', '=', id).execute();
      assert.equal(rows.length, 0);
    });

    it('concurrent transactions on one handle do not interleave (PGlite serialises its one session)', async () => {
      await sql`create table if not exists test_counter (n int not null)`.execute(database.db);
      await sql`insert into test_counter values (0)`.execute(database.db);
      await Promise.all(
        Array.from({ length: 40 }, () =>
          inTransaction(
            database.db,
            async (tx) => {
              const row = await sql<{ n: number }>`select n from test_counter for update`.execute(tx);
              await sql`update test_counter set n = ${(row.rows[0]?.n ?? 0) + 1}`.execute(tx);
            },
            { attempts: 20 },
          ),
        ),
      );
      const final = await sql<{ n: number }>`select n from test_counter`.execute(database.db);
      assert.equal(final.rows[0]?.n, 40);
    });
  });
}
