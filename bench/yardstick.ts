// The PostgreSQL yardstick of ../shared/BENCHMARKS.md that the orders targets are set against,
// measured in the same run as the benchmark: BENCHMARKS.md's figures come from another
// machine and "absolute numbers drift between runs and machines: always measure the reference
// and Flashmart in the same run and quote ratios".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

/** BENCHMARKS.md: one hot row updated and one order inserted per transaction, `pgbench -c 32`. */
export const HOT_ROW_REFERENCE = { txPerSec: 1_250, connections: 32 } as const;
const WARM_UP_SECONDS = 2;

/** The transaction, as a pgbench script (the node-postgres loops send the same four statements). */
const PGBENCH_SCRIPT = `\\set u random(1, 100000)
begin;
update yardstick_stock set n = n - 1 where id = 1 and n >= 1;
insert into yardstick_orders (sku, user_id, quantity, price) values (1, :u, 1, 100);
commit;
`;

/**
 * The hot-row wall: `connections` closed loops, each transaction `UPDATE stock SET n = n - 1
 * WHERE n >= 1` on one row and one order INSERT, after a 2 s warm-up. Run by `pgbench` as
 * BENCHMARKS.md did when it is installed (postgresql-client); otherwise by node-postgres loops
 * in this process, which compete with the server for the same cores and measure some 15-20 %
 * lower. Two tables of its own in the given database, dropped afterwards.
 */
export async function hotRowYardstick(databaseUrl: string, seconds: number, connections: number = HOT_ROW_REFERENCE.connections): Promise<{ txPerSec: number; by: string }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: connections });
  try {
    await pool.query(`
      drop table if exists yardstick_stock, yardstick_orders;
      create table yardstick_stock (id int primary key, n bigint not null check (n >= 0));
      insert into yardstick_stock values (1, 1000000000);
      create table yardstick_orders (id bigserial primary key, sku int not null, user_id int not null, quantity int not null, price bigint not null, created_at timestamptz not null default now());
    `);
    if (pgbenchInstalled()) {
      pgbench(databaseUrl, WARM_UP_SECONDS, connections);
      return { txPerSec: pgbench(databaseUrl, seconds, connections), by: `pgbench -c ${connections}` };
    }
    const transaction = async () => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query('update yardstick_stock set n = n - 1 where id = 1 and n >= 1');
        await client.query('insert into yardstick_orders (sku, user_id, quantity, price) values (1, $1, 1, 100)', [Math.floor(Math.random() * 100_000)]);
        await client.query('commit');
        return 1;
      } finally {
        client.release();
      }
    };
    await closedLoops(connections, WARM_UP_SECONDS, transaction); // connections opened, the server past the tables' creation
    const { done, seconds: elapsed } = await closedLoops(connections, seconds, transaction);
    return { txPerSec: done / elapsed, by: `node-postgres, ${connections} connections (pgbench is not installed)` };
  } finally {
    await pool.query('drop table if exists yardstick_stock, yardstick_orders').catch(() => undefined);
    await pool.end();
  }
}

function pgbenchInstalled(): boolean {
  return spawnSync('pgbench', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Transactions/s of the yardstick script under pgbench. */
function pgbench(databaseUrl: string, seconds: number, connections: number): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-yardstick-'));
  try {
    const script = path.join(dir, 'hot-row.sql');
    fs.writeFileSync(script, PGBENCH_SCRIPT);
    const run = spawnSync('pgbench', ['-n', '-c', String(connections), '-j', String(Math.min(connections, os.cpus().length)), '-T', String(seconds), '-f', script, databaseUrl], { encoding: 'utf8' });
    const tps = /tps = ([\d.]+)/.exec(run.stdout)?.[1];
    if (run.status !== 0 || tps === undefined) throw new Error(`pgbench failed: ${run.stderr || run.stdout}`);
    return Number(tps);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `loops` closed loops calling `step` until `seconds` have passed; what the steps returned,
 * summed, and the seconds it took.
 */
export async function closedLoops(loops: number, seconds: number, step: () => Promise<number>): Promise<{ done: number; seconds: number }> {
  let done = 0;
  const began = performance.now();
  const end = began + seconds * 1000;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (performance.now() < end) {
        const stepped = await step(); // not `done += await …`: that reads `done` before the wait and loses the other loops' steps
        done += stepped;
      }
    }),
  );
  return { done, seconds: (performance.now() - began) / 1000 };
}
