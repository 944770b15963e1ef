import type { Logger } from 'pino';
import { inTransaction, type Db, type Executor, type Tx } from '../../platform/db/index.js';
import type { Metrics } from '../../platform/metrics.js';
import type { InventoryService } from '../inventory/index.js';
import type { EndedFlashOrder } from '../orders/index.js';
import { hotDefinition } from './flash-sale-view.js';
import * as store from './flashsale.store.js';
import type { SaleRow } from './flashsale.store.js';
import type { HotSales } from './hot-sale.js';

/** A settled sale's hot keys stay a day, so late purchases are still refused without SQL. */
const SETTLED_HOT_TTL_MS = 86_400_000;

export interface Measure {
  /** The hot store holds the sale. */
  exists: boolean;
  /** database stock − what the hot counters say it should be (0 when they agree). */
  drift: number;
  inflight: number;
}

/**
 * I7, measured with the sale row locked (no batch of this sale can commit meanwhile): the
 * database stock must equal hot remaining + in flight, less the purchases already decided
 * as succeeded but not yet acknowledged (their stock left the database, not yet the stream).
 */
export async function measure(tx: Tx, sale: SaleRow, hot: HotSales): Promise<Measure> {
  const snap = await hot.snapshot(sale.id);
  if (!snap.exists) return { exists: false, drift: 0, inflight: 0 };
  const decided = await store.decidedPurchases(tx, [...snap.pending.keys()]);
  const committedSold = decided.filter((p) => p.status === 'succeeded').reduce((sum, p) => sum + p.quantity, 0);
  return { exists: true, drift: sale.stock - (snap.remaining + snap.inflight - committedSold), inflight: snap.inflight };
}

export function createReconciler(deps: { db: Db; hot: HotSales; inventory: InventoryService; logger: Logger; metrics: Metrics; onRestored(saleId: string): void }) {
  const { db, hot, inventory, logger, metrics } = deps;

  /** The unsold quantity goes back to the SKU, once. */
  async function settle(tx: Tx, sale: SaleRow): Promise<void> {
    const settled = await store.settle(tx, sale.id);
    if (!settled) return;
    if (sale.stock > 0) await inventory.adjustStock(tx, sale.sku_id, sale.stock, { actorId: null, reason: 'flash_sale_unsold', note: sale.id });
    await hot.expire(sale.id, SETTLED_HOT_TTL_MS);
    logger.info({ saleId: sale.id, returned: sale.stock }, 'flash sale settled: unsold quantity back to the SKU');
  }

  /** One sale: rebuild lost hot state, repair drift, settle an ended sale once nothing is in flight. */
  async function reconcile(saleId: string): Promise<void> {
    await inTransaction(db, async (tx) => {
      const sale = await store.findSale(tx, saleId, { lock: true });
      if (!sale || sale.settled_at) return;
      const m = await measure(tx, sale, hot);
      if (!m.exists) {
        if (sale.state === 'ended') return settle(tx, sale);
        const users = await store.allBuyerQuantities(tx, sale.id);
        const returned = await store.returnedToSale(tx, sale.id);
        if (await hot.warm(hotDefinition(sale), sale.stock, users, returned)) {
          logger.warn({ saleId, remaining: sale.stock }, 'flash sale hot state rebuilt from the database');
          deps.onRestored(saleId);
        }
        return;
      }
      if (m.drift !== 0) {
        const applied = await hot.adjust(saleId, m.drift);
        metrics.flashDrift.inc(Math.abs(applied));
        logger.warn({ saleId, drift: m.drift, applied }, 'flash sale hot counter repaired');
        if (applied > 0) deps.onRestored(saleId);
      }
      if (sale.state === 'ended' && m.inflight === 0) await settle(tx, sale);
    });
  }

  return {
    reconcile,

    /** Every open sale once; returns how many it looked at. */
    async reconcileAll(): Promise<number> {
      const sales = await store.openSales(db);
      for (const sale of sales) await reconcile(sale.id);
      return sales.length;
    },

    /**
     * Quantity of flash-sale orders that ended unsold goes back, once per order, in the
     * transaction that ended them: to the sale (database and hot counter), or to the SKU when
     * the sale was already settled. Sales are locked in id order (no crosswise waits).
     */
    async takeBack(tx: Tx, ended: EndedFlashOrder[]): Promise<void> {
      const bySale = new Map<string, EndedFlashOrder[]>();
      for (const order of ended) {
        const list = bySale.get(order.flashSaleId);
        if (list) list.push(order);
        else bySale.set(order.flashSaleId, [order]);
      }
      for (const saleId of [...bySale.keys()].sort()) {
        const sale = await store.findSale(tx, saleId, { lock: true });
        if (!sale) continue;
        const orders = bySale.get(saleId) ?? [];
        const destination = sale.settled_at ? 'sku' : 'sale';
        const recorded = new Set(await store.insertReturns(tx, orders.map((o) => ({ order_id: o.orderId, sale_id: saleId, buyer_id: o.buyerId, quantity: o.quantity, destination }))));
        const back = orders.filter((o) => recorded.has(o.orderId));
        const quantity = back.reduce((sum, o) => sum + o.quantity, 0);
        if (quantity === 0) continue;
        const deltas = new Map<string, number>();
        for (const o of back) deltas.set(o.buyerId, (deltas.get(o.buyerId) ?? 0) - o.quantity);
        await store.addBuyerQuantities(tx, saleId, sale.per_user_limit, deltas);
        if (destination === 'sku') {
          await store.addReturnedToSku(tx, saleId, quantity);
          await inventory.adjustStock(tx, sale.sku_id, quantity, { actorId: null, reason: 'flash_sale_returned', note: saleId });
          continue;
        }
        if (!(await store.moveStock(tx, saleId, quantity))) throw new Error(`flash sale ${saleId} cannot take back ${quantity}`);
        // Last, with the sale locked: idempotent per order, so a replay after a failed commit adds nothing.
        await hot.giveBack(saleId, back.map((o) => ({ orderId: o.orderId, userId: o.buyerId, quantity: o.quantity })));
        deps.onRestored(saleId);
      }
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;

/**
 * I7 against the database's own books: each sale's quantity = its stock + what live orders hold
 * + what went back to the SKU, and the live flash orders hold what its purchases say.
 */
export async function saleBooksProblems(db: Db, liveOrderQuantities: (executor: Executor, saleIds: string[]) => Promise<Map<string, number>>): Promise<string[]> {
  // Both reads in one snapshot: a drain batch or an expiry committing between them is not a violation.
  const { balances, live } = await inTransaction(
    db,
    async (tx) => {
      const balances = await store.saleBalances(tx);
      return { balances, live: await liveOrderQuantities(tx, balances.map((b) => b.id)) };
    },
    { isolation: 'repeatable read' },
  );
  return balances.flatMap((b) => {
    const problems: string[] = [];
    const held = b.sold - b.returned;
    if (b.stock + held + b.returned_to_sku !== b.quantity) problems.push(`sale ${b.id}: stock ${b.stock} + live ${held} + returned ${b.returned_to_sku} ≠ quantity ${b.quantity}`);
    if ((live.get(b.id) ?? 0) !== held) problems.push(`sale ${b.id}: live flash orders hold ${live.get(b.id) ?? 0}, its purchases say ${held}`);
    return problems;
  });
}

/** `flashmart audit` (I7 and the database's own books of every sale). */
export function flashAudits(db: Db, hot: HotSales, hotKind: 'memory' | 'redis', liveOrderQuantities: (executor: Executor, saleIds: string[]) => Promise<Map<string, number>>) {
  return [
    {
      name: 'I7: sale quantity = stock + live orders + returned to the SKU',
      run: () => saleBooksProblems(db, liveOrderQuantities),
    },
    {
      name: "I2: each buyer's recorded quantity = succeeded purchases − given back",
      async run(): Promise<string[]> {
        return (await store.buyerMismatches(db)).map((m) => `sale ${m.sale_id} buyer ${m.user_id}: recorded ${m.quantity}, purchases say ${m.expected}`);
      },
    },
    {
      name: 'I7: hot remaining + in flight = database stock (open sales)',
      async run(): Promise<string[]> {
        const problems: string[] = [];
        for (const open of await store.openSales(db)) {
          await inTransaction(db, async (tx) => {
            const sale = await store.findSale(tx, open.id, { lock: true });
            if (!sale || sale.settled_at) return;
            const m = await measure(tx, sale, hot);
            // An embedded server's hot store lives in its own memory: `flashmart audit` run beside
            // it (or after it stopped) sees an empty one, which says nothing about the sale.
            if (!m.exists && sale.state !== 'ended' && hotKind === 'redis') problems.push(`sale ${sale.id}: the hot store holds nothing (the reconciler rebuilds it)`);
            if (m.drift !== 0) problems.push(`sale ${sale.id}: hot counters are off the database stock by ${m.drift}`);
          });
        }
        return problems;
      },
    },
  ];
}
