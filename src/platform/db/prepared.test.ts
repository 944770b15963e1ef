/**
 * Prepared statements on a real PostgreSQL (PGlite has no pool to prepare on): which texts get
 * prepared, the cap, and a column added under a prepared `select *` (a rolling deploy's migration),
 * outside and inside a transaction.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createTestDatabase } from '../../../test/support/harness.js';
import { servicesEnabled } from '../../../test/support/services.js';
import { openDatabase } from './database.js';
import { prepareRepeatedStatements } from './prepared.js';
import { inTransaction } from './transaction.js';

describe('prepared statements (postgres)', { skip: servicesEnabled ? false : 'needs PostgreSQL' }, () => {
  let url: string;
  let drop: () => Promise<void>;
  const opened: pg.Pool[] = [];

  before(async () => {
    ({ url, drop } = await createTestDatabase());
  });
  after(async () => {
    await Promise.all(opened.map((p) => p.end()));
    await drop();
  });

  /** One connection, so every statement meets the same session's prepared statements. */
  function onePool(options = { minUses: 3, max: 256 }): pg.Pool {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    prepareRepeatedStatements(pool, options);
    opened.push(pool);
    return pool;
  }

  async function preparedTexts(pool: pg.Pool): Promise<string[]> {
    const result = await pool.query<{ statement: string }>('select statement from pg_prepared_statements order by prepare_time');
    return result.rows.map((r) => r.statement);
  }

  it('prepares a parameterised text from its third use, once per connection, and answers as before', async () => {
    const pool = onePool();
    const text = 'select $1::int + 1 as n';
    for (let i = 1; i <= 2; i++) assert.equal((await pool.query<{ n: number }>(text, [i])).rows[0]?.n, i + 1);
    assert.deepEqual(await preparedTexts(pool), [], 'not before its third use');
    for (let i = 3; i <= 6; i++) assert.equal((await pool.query<{ n: number }>(text, [i])).rows[0]?.n, i + 1);
    assert.deepEqual(await preparedTexts(pool), [text], 'prepared once, used since');
  });

  it('never prepares a text without parameters', async () => {
    const pool = onePool();
    for (let i = 0; i < 5; i++) await pool.query('select 1 as one', []);
    assert.deepEqual(await preparedTexts(pool), []);
  });

  it('prepares at most `max` texts; the others still answer', async () => {
    const pool = onePool({ minUses: 1, max: 2 });
    const texts = ['select $1::int as a', 'select $1::int as b', 'select $1::int as c'];
    for (const text of texts) for (let i = 0; i < 3; i++) assert.equal(Object.values((await pool.query(text, [7])).rows[0] as object)[0], 7);
    assert.deepEqual(await preparedTexts(pool), texts.slice(0, 2));
  });

  it('does not prepare texts that differ only in the length of a parameter list', async () => {
    const pool = onePool({ minUses: 2, max: 256 });
    const list = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');
    for (let n = 1; n <= 6; n++) for (let i = 0; i < 3; i++) assert.equal((await pool.query(`select 3 in (${list(n)}) as hit`, Array.from({ length: n }, (_, j) => j + 2))).rows[0]?.hit, n >= 2);
    const values = (n: number) => Array.from({ length: n }, (_, i) => `($${i + 1}::int, default)`).join(', ');
    await pool.query('create table multi_row (x int not null, y int not null default 0)');
    for (let n = 1; n <= 4; n++) for (let i = 0; i < 3; i++) await pool.query(`insert into multi_row (x, y) values ${values(n)}`, Array.from({ length: n }, () => 1));
    assert.equal((await pool.query('select count(*)::int as n from multi_row')).rows[0]?.n, 3 * (1 + 2 + 3 + 4));
    assert.deepEqual(
      await preparedTexts(pool),
      [`select 3 in ($1) as hit`, `insert into multi_row (x, y) values ($1::int, default)`],
      'only the first length of each, used before the second appeared',
    );
  });

  it('still prepares a repeated text after many one-off texts were counted', async () => {
    const pool = onePool({ minUses: 2, max: 4 });
    for (let i = 0; i < 40; i++) await pool.query(`select $1::int as n${i}`, [i]);
    for (let i = 0; i < 2; i++) await pool.query('select $1::int as repeated', [i]);
    assert.deepEqual(await preparedTexts(pool), ['select $1::int as repeated']);
  });

  for (const preparedStatements of [true, false]) {
    it(`openDatabase ${preparedStatements ? 'prepares repeated statements by default' : 'prepares nothing when told not to'}`, async () => {
      const database = await openDatabase({ databaseUrl: url, dataDir: 'memory://', poolSize: 1, ...(preparedStatements ? {} : { preparedStatements }) });
      try {
        for (let i = 0; i < 4; i++) assert.equal((await sql<{ n: number }>`select ${i}::int * 2 as n`.execute(database.db)).rows[0]?.n, i * 2);
        const texts = (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(database.db)).rows.map((r) => r.statement);
        assert.deepEqual(texts, preparedStatements ? ['select $1::int * 2 as n'] : []);
      } finally {
        await database.close();
      }
    });
  }

  describe('a column added under a prepared select * (a migration during a rolling deploy)', () => {
    let admin: pg.Client;
    before(async () => {
      admin = new pg.Client({ connectionString: url });
      await admin.connect();
    });
    after(async () => {
      await admin.end();
    });

    async function freshTable(name: string): Promise<void> {
      await admin.query(`create table ${name} (id int primary key, a int not null); insert into ${name} values (1, 10)`);
    }

    it('outside a transaction: prepared afresh and answered with the new column', async () => {
      await freshTable('rolling_a');
      const pool = onePool();
      const text = 'select * from rolling_a where id = $1';
      for (let i = 0; i < 3; i++) assert.deepEqual((await pool.query(text, [1])).rows, [{ id: 1, a: 10 }]);
      await admin.query('alter table rolling_a add column b int not null default 20');
      assert.deepEqual((await pool.query(text, [1])).rows, [{ id: 1, a: 10, b: 20 }]);
      assert.deepEqual((await pool.query(text, [1])).rows, [{ id: 1, a: 10, b: 20 }]);
      assert.deepEqual(await preparedTexts(pool), [text, text], 'the stale one and its successor');
    });

    it('connections refused the same stale statement share one fresh name', async () => {
      await freshTable('rolling_c');
      const pool = new pg.Pool({ connectionString: url, max: 2 });
      prepareRepeatedStatements(pool, { minUses: 1, max: 256 });
      opened.push(pool);
      const [one, two] = [await pool.connect(), await pool.connect()];
      try {
        const text = 'select * from rolling_c where id = $1';
        for (const client of [one, two]) assert.deepEqual((await client.query(text, [1])).rows, [{ id: 1, a: 10 }]);
        await admin.query('alter table rolling_c add column b int not null default 20');
        // At once: both send the old name before either hears it refused.
        const answers = await Promise.all([one, two].map((client) => client.query(text, [1])));
        for (const answer of answers) assert.deepEqual(answer.rows, [{ id: 1, a: 10, b: 20 }]);
        const names = async (client: pg.PoolClient) => (await client.query<{ name: string }>('select name from pg_prepared_statements order by prepare_time')).rows.map((r) => r.name);
        const [first, second] = [await names(one), await names(two)];
        assert.equal(first.length, 2);
        assert.deepEqual(second, first, 'the second connection prepared the name the first one drew, not a third');
      } finally {
        one.release();
        two.release();
      }
    });

    it('inside a transaction: the transaction is retried and answers with the new column', async () => {
      await freshTable('rolling_b');
      const pool = onePool();
      const db = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool }) });
      const read = async () => {
        let attempts = 0;
        const rows = await inTransaction(db as never, async (tx) => {
          attempts++;
          return (await sql<Record<string, number>>`select * from rolling_b where id = ${1}`.execute(tx)).rows;
        });
        return { attempts, rows };
      };
      for (let i = 0; i < 3; i++) assert.deepEqual(await read(), { attempts: 1, rows: [{ id: 1, a: 10 }] });
      await admin.query('alter table rolling_b add column b int not null default 20');
      assert.deepEqual(await read(), { attempts: 2, rows: [{ id: 1, a: 10, b: 20 }] });
      assert.deepEqual(await read(), { attempts: 1, rows: [{ id: 1, a: 10, b: 20 }] });
    });
  });
});
