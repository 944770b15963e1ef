import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { eventRecordset } from '../../platform/bus/index.js';
import { inTransaction, type Db, type Tx } from '../../platform/db/index.js';
import type { Metrics } from '../../platform/metrics.js';
import { createPoller } from '../../platform/poller.js';
import type { FlashOrderInput, OrdersService } from '../orders/index.js';
import { newId } from '../../platform/ids.js';
import type { DecidedPurchase } from './flashsale.events.js';
import * as store from './flashsale.store.js';
import type { NewPurchase, SaleRow } from './flashsale.store.js';
import type { HotSales, TakenPurchase } from './hot-sale.js';

export interface DrainOptions {
  db: Db;
  hot: HotSales;
  orders: Pick<OrdersService, 'createFlashOrders'>;
  logger: Logger;
  metrics: Metrics;
  /** Most purchases per transaction. */
  batchSize: number;
  /** Drain loops in this process (each its own consumer of every sale's stream). */
  loops: number;
  /** A purchase another worker holds unacknowledged this long is taken over (that worker died). */
  reclaimAfterMs: number;
  paymentTimeoutSeconds: number;
}

type Decision = { purchase: TakenPurchase; failed: boolean };

/** The optimistic pass met something only the locked pass may decide: a refusal, a replay, a race. */
class NeedsLock extends Error {}

/** Errors after which a batch is decided again with the sale locked (23505 a replayed purchase, 23514 a limit, 40P01 a deadlock). */
const RETRY_LOCKED = new Set(['23505', '23514', '40P01']);
const sqlState = (error: unknown) => (typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined);

/**
 * Decides one batch of one sale in ONE transaction (group commit): each new purchase succeeds
 * while the database stock and its buyer's limit allow; orders, purchase results, buyer counts,
 * the guarded stock decrement and one event are written set-wise.
 *
 * `optimistic` (the common case, when the hot store admitted correctly): no lock is taken until
 * the stock decrement, the last statement, so batches of one sale write in parallel and queue
 * only for that row. Anything unusual (a purchase to refuse, a replay, a guard or a limit hit
 * by a parallel batch) throws NeedsLock or a constraint error; the batch is then decided again
 * with the sale row locked first (`locked`), where replays are answered as first decided.
 */
export async function decideBatch(tx: Tx, saleId: string, taken: TakenPurchase[], orders: DrainOptions['orders'], paymentTimeoutSeconds: number, mode: 'optimistic' | 'locked'): Promise<Decision[]> {
  const locked = mode === 'locked';
  const sale = await store.findSale(tx, saleId, { lock: locked });
  if (!sale) throw new Error(`flash sale ${saleId} is missing`);
  const already = locked ? new Map((await store.decidedPurchases(tx, taken.map((p) => p.purchaseId))).map((row) => [row.id, row])) : new Map<string, store.PurchaseRow>();
  const fresh = [...new Map(taken.filter((p) => !already.has(p.purchaseId)).map((p) => [p.purchaseId, p])).values()];
  if (!locked && fresh.length !== taken.length) throw new NeedsLock('a purchase appears twice in the batch');
  const counts = await store.buyerQuantities(tx, saleId, [...new Set(fresh.map((p) => p.userId))]);
  const expiresAt = new Date(Date.now() + paymentTimeoutSeconds * 1000);
  const before = sale.settled_at ? 0 : sale.stock;
  let stock = before;
  const rows: NewPurchase[] = [];
  const newOrders: FlashOrderInput[] = [];
  const deltas = new Map<string, number>();
  for (const p of fresh) {
    const had = counts.get(p.userId) ?? 0;
    const reason = had + p.quantity > sale.per_user_limit ? 'purchase_limit_exceeded' : stock < p.quantity ? (sale.settled_at ? 'sale_ended' : 'sold_out') : null;
    const base = { id: p.purchaseId, sale_id: saleId, buyer_id: p.userId, quantity: p.quantity, accepted_at: p.acceptedAt };
    if (reason) {
      if (!locked) throw new NeedsLock(reason);
      rows.push({ ...base, status: 'failed', order_id: null, reason });
      continue;
    }
    stock -= p.quantity;
    counts.set(p.userId, had + p.quantity);
    deltas.set(p.userId, (deltas.get(p.userId) ?? 0) + p.quantity);
    const orderId = newId();
    rows.push({ ...base, status: 'succeeded', order_id: orderId, reason: null });
    newOrders.push(orderLine(sale, p, orderId));
  }
  // The orders, the purchase results and the batch's event in one statement.
  const event = { saleId, sellerId: sale.seller_id, title: sale.title, paymentDeadline: expiresAt.toISOString(), purchases: rows.map(decided) };
  await orders.createFlashOrders(tx, newOrders, expiresAt, [store.purchaseRecordset(rows), ...(rows.length > 0 ? [eventRecordset('flashsale.purchases.decided', [event])] : [])]);
  await store.addBuyerQuantities(tx, saleId, sale.per_user_limit, deltas);
  // Last: the one statement that waits on other batches of this sale (it holds the row until the commit).
  const sold = before - stock;
  if (sold > 0 && !(await store.moveStock(tx, saleId, -sold))) {
    if (!locked) throw new NeedsLock('the stock moved under this batch');
    throw new Error(`stock guard refused ${sold} of sale ${saleId} after allocation`);
  }
  const failedNow = new Set(rows.filter((r) => r.status === 'failed').map((r) => r.id));
  return taken.map((purchase) => ({ purchase, failed: already.get(purchase.purchaseId)?.status === 'failed' || failedNow.has(purchase.purchaseId) }));
}

/** Optimistically first; with the sale locked when that met anything unusual. */
export async function decide(db: Db, saleId: string, taken: TakenPurchase[], orders: DrainOptions['orders'], paymentTimeoutSeconds: number): Promise<Decision[]> {
  try {
    return await inTransaction(db, (tx) => decideBatch(tx, saleId, taken, orders, paymentTimeoutSeconds, 'optimistic'), { attempts: 1 });
  } catch (error) {
    if (!(error instanceof NeedsLock) && !RETRY_LOCKED.has(sqlState(error) ?? '')) throw error;
    return inTransaction(db, (tx) => decideBatch(tx, saleId, taken, orders, paymentTimeoutSeconds, 'locked'));
  }
}

function orderLine(sale: SaleRow, p: TakenPurchase, orderId: string): FlashOrderInput {
  return {
    id: orderId,
    buyerId: p.userId,
    sellerId: sale.seller_id,
    flashSaleId: sale.id,
    skuId: sale.sku_id,
    productId: sale.product_id,
    title: sale.title,
    quantity: p.quantity,
    unitPrice: sale.price,
    currency: sale.currency,
  };
}

function decided(row: NewPurchase): DecidedPurchase {
  return { purchaseId: row.id, buyerId: row.buyer_id, quantity: row.quantity, status: row.status, orderId: row.order_id ?? null, reason: row.reason ?? null };
}

/**
 * Drain workers: each loop takes batches from every open sale's stream, decides them in one
 * transaction each, and acknowledges only after the commit. A loop that dies leaves its batch
 * pending; after `reclaimAfterMs` another loop (here or in another process) takes it over, and
 * the purchases already decided are answered as they were.
 */
export function createDrain(options: DrainOptions) {
  const { db, hot, logger, metrics } = options;
  let sales: string[] = [];
  let salesAt = 0;

  /** Sales that may have purchases queued: started and not yet settled (refreshed every second). */
  async function openSaleIds(): Promise<string[]> {
    if (Date.now() - salesAt > 1000) {
      const soon = Date.now() + 1000;
      sales = (await store.openSales(db)).filter((s) => s.starts_at.getTime() <= soon).map((s) => s.id);
      salesAt = Date.now();
    }
    return sales;
  }

  function loop(index: number) {
    const consumer = `${hostname()}-${process.pid}-${index}-${randomUUID().slice(0, 8)}`;
    let claimedAt = 0;
    /** A batch this loop took but could not finish (the database or the hot store failed): tried again first. */
    let unfinished: { saleId: string; taken: TakenPurchase[] } | undefined;

    async function finish(saleId: string, taken: TakenPurchase[]): Promise<void> {
      unfinished = { saleId, taken };
      const decisions = await decide(db, saleId, taken, options.orders, options.paymentTimeoutSeconds);
      const now = Date.now();
      for (const p of taken) metrics.flashAnswerDelay.observe((now - p.acceptedAt.getTime()) / 1000);
      await hot.ack(saleId, decisions);
      unfinished = undefined;
      const failed = decisions.filter((d) => d.failed).length;
      metrics.flashDecided.inc({ outcome: 'succeeded' }, taken.length - failed);
      metrics.flashDecided.inc({ outcome: 'failed' }, failed);
    }

    return createPoller(
      `flash drain ${index}`,
      async () => {
        if (unfinished) await finish(unfinished.saleId, unfinished.taken);
        const claim = Date.now() - claimedAt > Math.min(1000, options.reclaimAfterMs);
        if (claim) claimedAt = Date.now();
        let busy = false;
        for (const saleId of await openSaleIds()) {
          const taken = await hot.take(saleId, consumer, options.batchSize, claim ? options.reclaimAfterMs : 0);
          if (taken.length === 0) continue;
          await finish(saleId, taken);
          busy = busy || taken.length >= options.batchSize;
        }
        return busy;
      },
      10,
      logger,
    );
  }

  const loops = Array.from({ length: options.loops }, (_, i) => loop(i));
  return {
    start(): void {
      for (const l of loops) l.start();
    },
    async stop(): Promise<void> {
      await Promise.all(loops.map((l) => l.stop()));
    },
  };
}
