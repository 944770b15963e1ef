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
import { sql } from 'kysely';
import { inTransaction, insertRecordsets, openDatabase, type Db, type Recordset } from '../src/platform/db/index.js';
import { newId } from '../src/platform/ids.js';
import { createTestDatabase } from '../test/support/harness.js';
import { positiveInt, runBench, say } from './bench-kit.js';
import { cpuShares, cpuSnapshot } from './cpu-sampler.js';
import { closedLoops } from './yardstick.js';

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

type Sale = { id: string; seller: string; sku: string; product: string };

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
  const recordsets: Recordset[] = [
    { table: 'orders', rows: orders },
    { table: 'orders_items', rows: items },
    { table: 'orders_status_log', rows: history },
    { table: 'platform_jobs', rows: jobs, skipConflicts: true },
    { table: 'flash_purchases', rows: results },
    { table: 'platform_outbox', rows: event },
  ];
  return { size, recordsets, notifications: { table: 'notifications', rows: notifications, skipConflicts: true } satisfies Recordset, counts };
}

/** One batch as the drain writes it (its statements, in its order), then its notifications as the consumer does. */
async function writeBatch(db: Db, sale: Sale, rows: ReturnType<typeof batchRows>): Promise<void> {
  const users = [...rows.counts.keys()].sort();
  await inTransaction(
    db,
    async (tx) => {
      await sql`select * from flash_sales where id = ${sale.id}`.execute(tx);
      await sql`select user_id, quantity from flash_buyers where sale_id = ${sale.id} and user_id = any(${users}::uuid[])`.execute(tx);
      await sql`select * from orders_addresses where user_id = any(${users}::uuid[]) and is_default`.execute(tx);
      await insertRecordsets(tx, rows.recordsets);
      await sql`
        insert into flash_buyers (sale_id, user_id, quantity, max_quantity)
        select ${sale.id}::uuid, u, q, 1000000 from unnest(${users}::uuid[], ${users.map((u) => rows.counts.get(u) ?? 0)}::int[]) as t(u, q)
        on conflict (sale_id, user_id) do update set quantity = flash_buyers.quantity + excluded.quantity`.execute(tx);
      await sql`update flash_sales set stock = stock - ${rows.size} where id = ${sale.id} and stock - ${rows.size} between 0 and quantity - returned_to_sku`.execute(tx);
    },
    { attempts: 1 },
  );
  await insertRecordsets(db, [rows.notifications]);
}

async function main(): Promise<boolean> {
  const { values } = parseArgs({ options: { connections: { type: 'string', default: '2' }, batch: { type: 'string', default: '500' }, seconds: { type: 'string', default: '10' }, lean: { type: 'boolean', default: false } } });
  const connections = positiveInt(values.connections, '--connections');
  const batch = positiveInt(values.batch, '--batch');
  const seconds = positiveInt(values.seconds, '--seconds');
  say(`the flash drain's rows written by PostgreSQL alone${values.lean ? ' (lean schema)' : ''}: ${connections} connections, batches of ${batch}, ${seconds} s, ${BUYERS} buyers; node ${process.version}, ${os.cpus().length} CPUs`);
  const database = await createTestDatabase();
  let close = async (): Promise<void> => undefined;
  try {
    const migrated = spawnSync(process.execPath, ['bin/flashmart.mjs', 'migrate'], { env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn' }, encoding: 'utf8' });
    if (migrated.status !== 0) throw new Error(`flashmart migrate failed: ${migrated.stderr}`);
    const { db } = await openDatabase({ databaseUrl: database.url, dataDir: '', poolSize: connections });
    close = () => db.destroy();
    if (values.lean) for (const statement of LEAN) await sql.raw(statement).execute(db);
    const sale: Sale = { id: newId(), seller: randomUUID(), sku: randomUUID(), product: randomUUID() };
    await sql`
      insert into flash_sales (id, sku_id, product_id, seller_id, title, currency, price, quantity, stock, per_user_limit, starts_at, ends_at, state, created_by)
      values (${sale.id}, ${sale.sku}, ${sale.product}, ${sale.seller}, 'Bench flash thing', 'CNY', 100, 1000000000, 1000000000, 1000000, now(), now() + interval '1 day', 'active', ${sale.seller})`.execute(db);
    const buyers = Array.from({ length: BUYERS }, () => randomUUID());
    const cpuBefore = cpuSnapshot([], 'client (bench)');
    const { done: written, seconds: elapsed } = await closedLoops(connections, seconds, async () => {
      await writeBatch(db, sale, batchRows(sale, buyers, batch, values.lean));
      return batch;
    });
    say(`${Math.round(written / elapsed).toLocaleString('en-US')} orders/s (${written.toLocaleString('en-US')} orders with their rows and notifications in ${elapsed.toFixed(1)} s)`);
    say(`CPU ${cpuShares(cpuBefore, cpuSnapshot([], 'client (bench)')).text}`);
    return true;
  } finally {
    await close();
    await database.drop();
  }
}

runBench(main);
