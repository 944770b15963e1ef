// The PostgreSQL yardstick of ../shared/BENCHMARKS.md that the orders targets are set against,
// measured in the same run as the benchmark: BENCHMARKS.md's figures come from another
// machine and "absolute numbers drift between runs and machines: always measure the reference
// and Flashmart in the same run and quote ratios".
import { performance } from 'node:perf_hooks';
import pg from 'pg';

/** BENCHMARKS.md: one hot row updated and one order inserted per transaction, `pgbench -c 32`. */
export const HOT_ROW_REFERENCE = { txPerSec: 1_250, connections: 32 } as const;

/**
 * The hot-row wall: `connections` closed loops, each transaction `UPDATE stock SET n = n - 1
 * WHERE n >= 1` on one row and one order INSERT, as pgbench sends them (four round trips).
 * Two tables of its own in the given database, dropped afterwards. Returns transactions/s.
 */
export async function hotRowYardstick(databaseUrl: string, seconds: number, connections: number = HOT_ROW_REFERENCE.connections): Promise<number> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: connections });
  try {
    await pool.query(`
      drop table if exists yardstick_stock, yardstick_orders;
      create table yardstick_stock (id int primary key, n bigint not null check (n >= 0));
      insert into yardstick_stock values (1, 1000000000);
      create table yardstick_orders (id bigserial primary key, sku int not null, user_id int not null, quantity int not null, price bigint not null, created_at timestamptz not null default now());
    `);
    const { done, seconds: elapsed } = await connectionLoops(pool, connections, seconds, async (client) => {
      await client.query('begin');
      await client.query('update yardstick_stock set n = n - 1 where id = 1 and n >= 1');
      await client.query('insert into yardstick_orders (sku, user_id, quantity, price) values (1, $1, 1, 100)', [Math.floor(Math.random() * 100_000)]);
      await client.query('commit');
      return 1;
    });
    return done / elapsed;
  } finally {
    await pool.query('drop table if exists yardstick_stock, yardstick_orders').catch(() => undefined);
    await pool.end();
  }
}

/**
 * `connections` closed loops, each on a client of its own from `pool`, calling `step` until
 * `seconds` have passed; what the steps returned, summed, and the seconds it took.
 */
export async function connectionLoops(pool: pg.Pool, connections: number, seconds: number, step: (client: pg.PoolClient) => Promise<number>): Promise<{ done: number; seconds: number }> {
  let done = 0;
  const began = performance.now();
  const end = began + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < end) {
          const stepped = await step(client); // not `done += await …`: that reads `done` before the wait and loses the other loops' steps
          done += stepped;
        }
      } finally {
        client.release();
      }
    }),
  );
  return { done, seconds: (performance.now() - began) / 1000 };
}
