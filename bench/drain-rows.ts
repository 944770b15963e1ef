// `npm run bench:drain-rows [-- --connections 2 --batch 500 --seconds 10 --lean]`
//
// A yardstick for the flash drain: how many flash orders per second PostgreSQL itself writes
// on this machine when a client that does nothing else feeds it ready-made batches of the rows
// a drain batch writes (no Redis, no HTTP, no relay, no decisions). Each transaction, as
// src/modules/flashsale/drain.ts sends it for `batch` purchases of one sale: read the sale,
// the buyers' counts and default addresses; insert the orders, their items and first history
// rows, the expiry job, the purchase results and the batch's event in one statement; add to
// the buyers' counts; take the stock. Then, as the notifications consumer does, one statement
// with the batch's notifications. `connections` such loops run at once on a fresh database
// migrated by `flashmart migrate`, 2,000 buyers. `--lean` first removes what the rows could do
// without (the history row; the orders' status and sequence indexes; the purchases' order and
// sale indexes; one notifications index; every foreign key these tables have), to show how far
// a slimmer schema would go. Prints orders/s and where the machine's CPU went.
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { newId } from '../src/platform/ids.js';
import { createTestDatabase } from '../test/support/harness.js';
import { positiveInt, runBench, say } from './bench-kit.js';
import { cpuShares, cpuSnapshot } from './cpu-sampler.js';
import { connectionLoops } from './yardstick.js';

const BUYERS = 2_000;
const LEAN = [
  'drop index orders_status',
  'alter table orders drop constraint orders_seq_key',
  'alter table flash_purchases drop constraint flash_purchases_order_id_key',
  'drop index flash_purchases_sale',
  'drop index notifications_user',
  'alter table orders_items drop constraint orders_items_order_id_fkey',
  'alter table orders_status_log drop constraint orders_status_log_order_id_fkey',
  'alter table flash_purchases drop constraint flash_purchases_sale_id_fkey',
  'alter table flash_buyers drop constraint flash_buyers_sale_id_fkey',
];

type Row = Record<string, unknown>;
type Sale = { id: string; seller: string; sku: string; product: string };

/** `insert … select from json_populate_recordset`, as platform/db/bulk.ts writes a recordset. */
function recordset(name: string, table: string, rows: Row[], param: number, conflicts = ''): string {
  const columns = Object.keys(rows[0] ?? {}).join(', ');
  return `${name} as (insert into ${table} (${columns}) select ${columns} from json_populate_recordset(null::${table}, $${param}::json)${conflicts})`;
}

/** The rows of one batch of `size` purchases by random buyers, each succeeding. */
function batchRows(sale: Sale, buyers: string[], size: number, lean: boolean) {
  const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
  const purchases = Array.from({ length: size }, () => ({ id: newId(), orderId: newId(), buyer: buyers[Math.floor(Math.random() * buyers.length)] ?? '' }));
  const orders = purchases.map((p) => ({ id: p.orderId, buyer_id: p.buyer, seller_id: sale.seller, status: 'pending_payment', source: 'flash_sale', flash_sale_id: sale.id, currency: 'CNY', subtotal: 100, discount: 0, total: 100, coupon_code: null, shipping_address: null, expires_at: expiresAt }));
  const items = purchases.map((p) => ({ order_id: p.orderId, position: 0, sku_id: sale.sku, product_id: sale.product, title: 'Bench flash thing', quantity: 1, unit_price: 100 }));
  const history = lean ? [] : purchases.map((p) => ({ order_id: p.orderId, to_status: 'pending_payment', actor_id: p.buyer }));
  const jobs = [{ kind: 'orders.expire-many', dedupe_key: `orders.expire-many:${purchases[0]?.orderId ?? ''}`, payload: { orderIds: purchases.map((p) => p.orderId) }, run_at: expiresAt }];
  const results = purchases.map((p) => ({ id: p.id, sale_id: sale.id, buyer_id: p.buyer, quantity: 1, status: 'succeeded', order_id: p.orderId, reason: null, accepted_at: new Date().toISOString() }));
  const decided = purchases.map((p) => ({ purchaseId: p.id, buyerId: p.buyer, quantity: 1, status: 'succeeded', orderId: p.orderId, reason: null }));
  const event = [{ message_id: newId(), topic: 'flashsale.purchases.decided', payload: { saleId: sale.id, sellerId: sale.seller, title: 'Bench flash thing', paymentDeadline: expiresAt, purchases: decided } }];
  const notifications = purchases.map((p) => ({
    user_id: p.buyer,
    type: 'flashsale.purchase.succeeded',
    title: 'Flash purchase succeeded',
    body: `Your purchase of 1 × Bench flash thing succeeded: order ${p.orderId}. Pay before ${expiresAt}.`,
    dedupe_key: `flashsale.purchase.succeeded:${p.id}:buyer`,
  }));
  const counts = new Map<string, number>();
  for (const p of purchases) counts.set(p.buyer, (counts.get(p.buyer) ?? 0) + 1);
  const tables: [string, Row[], string?][] = [['orders', orders], ['orders_items', items], ['orders_status_log', history], ['platform_jobs', jobs, ' on conflict do nothing'], ['flash_purchases', results], ['platform_outbox', event]];
  return { size, tables: tables.filter(([, rows]) => rows.length > 0), notifications, counts };
}

async function writeBatch(client: pg.PoolClient, sale: Sale, rows: ReturnType<typeof batchRows>): Promise<void> {
  const users = [...rows.counts.keys()].sort();
  await client.query('begin');
  await client.query('select * from flash_sales where id = $1', [sale.id]);
  await client.query('select user_id, quantity from flash_buyers where sale_id = $1 and user_id = any($2::uuid[])', [sale.id, users]);
  await client.query('select * from orders_addresses where user_id = any($1::uuid[]) and is_default', [users]);
  const ctes = rows.tables.map(([table, tableRows, conflicts], i) => recordset(`rs${i}`, table, tableRows, i + 1, conflicts));
  await client.query(`with ${ctes.join(', ')} select 1`, rows.tables.map(([, tableRows]) => JSON.stringify(tableRows)));
  await client.query(
    `insert into flash_buyers (sale_id, user_id, quantity, max_quantity) select $1::uuid, u, q, 1000000 from unnest($2::uuid[], $3::int[]) as t(u, q)
     on conflict (sale_id, user_id) do update set quantity = flash_buyers.quantity + excluded.quantity`,
    [sale.id, users, users.map((u) => rows.counts.get(u) ?? 0)],
  );
  await client.query('update flash_sales set stock = stock - $2 where id = $1 and stock - $2 between 0 and quantity - returned_to_sku', [sale.id, rows.size]);
  await client.query('commit');
  await client.query(`with ${recordset('n', 'notifications', rows.notifications, 1, ' on conflict do nothing')} select 1`, [JSON.stringify(rows.notifications)]);
}

async function main(): Promise<boolean> {
  const { values } = parseArgs({ options: { connections: { type: 'string', default: '2' }, batch: { type: 'string', default: '500' }, seconds: { type: 'string', default: '10' }, lean: { type: 'boolean', default: false } } });
  const connections = positiveInt(values.connections, '--connections');
  const batch = positiveInt(values.batch, '--batch');
  const seconds = positiveInt(values.seconds, '--seconds');
  say(`the flash drain's rows written by PostgreSQL alone${values.lean ? ' (lean schema)' : ''}: ${connections} connections, batches of ${batch}, ${seconds} s, ${BUYERS} buyers; node ${process.version}, ${os.cpus().length} CPUs`);
  const database = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: connections + 1 });
  try {
    const migrated = spawnSync(process.execPath, ['bin/flashmart.mjs', 'migrate'], { env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn' }, encoding: 'utf8' });
    if (migrated.status !== 0) throw new Error(`flashmart migrate failed: ${migrated.stderr}`);
    if (values.lean) for (const statement of LEAN) await pool.query(statement);
    const sale: Sale = { id: newId(), seller: randomUUID(), sku: randomUUID(), product: randomUUID() };
    await pool.query(
      `insert into flash_sales (id, sku_id, product_id, seller_id, title, currency, price, quantity, stock, per_user_limit, starts_at, ends_at, state, created_by)
       values ($1, $2, $3, $4, 'Bench flash thing', 'CNY', 100, 1000000000, 1000000000, 1000000, now(), now() + interval '1 day', 'active', $4)`,
      [sale.id, sale.sku, sale.product, sale.seller],
    );
    const buyers = Array.from({ length: BUYERS }, () => randomUUID());
    const cpuBefore = cpuSnapshot([], 'client (bench)');
    const { done: written, seconds: elapsed } = await connectionLoops(pool, connections, seconds, async (client) => {
      await writeBatch(client, sale, batchRows(sale, buyers, batch, values.lean));
      return batch;
    });
    say(`${Math.round(written / elapsed).toLocaleString('en-US')} orders/s (${written.toLocaleString('en-US')} orders with their rows and notifications in ${elapsed.toFixed(1)} s)`);
    say(`CPU ${cpuShares(cpuBefore, cpuSnapshot([], 'client (bench)')).text}`);
    return true;
  } finally {
    await pool.end();
    await database.drop();
  }
}

runBench(main);
