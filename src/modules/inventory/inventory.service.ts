import type { Executor, Recordset } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import * as store from './inventory.store.js';
import type { StockLevel } from './inventory.store.js';

export interface ReservationItem {
  skuId: string;
  quantity: number;
}

/** Quantities of one SKU asked for several times count once, summed. */
function mergeItems(items: ReservationItem[]): ReservationItem[] {
  const totals = new Map<string, number>();
  for (const item of items) totals.set(item.skuId, (totals.get(item.skuId) ?? 0) + item.quantity);
  return [...totals].map(([skuId, quantity]) => ({ skuId, quantity }));
}

/**
 * Reserves stock for many orders in one go (group commit): the SKUs' rows are locked once,
 * each order in turn gets all its items or none, and one statement moves the totals.
 * Returns the ids of the orders refused for lack of stock; the others are reserved.
 */
async function reserveEach(tx: Executor, orders: { orderId: string; items: ReservationItem[]; actorId: string | null }[]): Promise<Set<string>> {
  const wanted = orders.map((order) => ({ ...order, items: mergeItems(order.items) }));
  const left = await store.lockAvailable(tx, [...new Set(wanted.flatMap((o) => o.items.map((i) => i.skuId)))]);
  const refused = new Set<string>();
  const rows: store.ReservationRow[] = [];
  for (const order of wanted) {
    if (!order.items.every((item) => (left.get(item.skuId) ?? 0) >= item.quantity)) {
      refused.add(order.orderId);
      continue;
    }
    for (const item of order.items) {
      left.set(item.skuId, (left.get(item.skuId) ?? 0) - item.quantity);
      rows.push({ orderId: order.orderId, skuId: item.skuId, quantity: item.quantity, actorId: order.actorId });
    }
  }
  if (rows.length > 0) {
    const { moved, wanted: skus } = await store.reserve(tx, rows);
    // The rows are locked and the totals checked, so the guard cannot refuse; if it ever does, nothing may commit.
    if (moved !== skus) throw new Error(`stock guard refused ${skus - moved} of ${skus} SKUs after allocation`);
  }
  return refused;
}

/**
 * Stock per SKU: `available` to sell, `reserved` for orders whose goods have not left the
 * warehouse (placed and not yet shipped: paying changes nothing here). Reservations are tied
 * to an order and ended exactly once
 * (guarded by their status), and a log row for every change. Every method joins the caller's
 * transaction: inventory moves with the business change that causes it.
 */
export function createInventoryService() {
  return {
    reserveEach,

    /**
     * Reserves every order's items in one statement on its own, with the caller's `alongside`
     * rows, when there is stock for all of them; false (nothing written) when there is not.
     */
    async reserveAll(db: Executor, orders: { orderId: string; items: ReservationItem[]; actorId: string | null }[], alongside: Recordset[]): Promise<boolean> {
      const rows = orders.flatMap((order) => mergeItems(order.items).map((item) => ({ orderId: order.orderId, skuId: item.skuId, quantity: item.quantity, actorId: order.actorId })));
      return store.reserveAll(db, rows, alongside);
    },

    /** Creates a SKU's stock row (with its first log row) when the SKU is published. */
    async createStock(tx: Executor, skuId: string, quantity: number, actorId: string): Promise<void> {
      await store.insertStock(tx, skuId, quantity, { actorId, reason: 'initial' });
    },

    /** available += delta; 409 insufficient_stock when it would go below zero. */
    async adjustStock(tx: Executor, skuId: string, delta: number, change: { actorId: string | null; reason: string; note?: string | null }): Promise<number> {
      const available = await store.adjustAvailable(tx, skuId, delta, change).catch((error: unknown) => {
        // 22003 numeric_value_out_of_range: the counter is a 32-bit integer.
        if ((error as { code?: unknown } | null)?.code === '22003') throw new AppError('invalid_state', `stock cannot go above 2147483647 (a change of ${delta})`);
        throw error;
      });
      if (available === undefined) throw new AppError('insufficient_stock', `not enough stock for a change of ${delta}`);
      return available;
    },

    /** Reserves every item for one order, or none (409 insufficient_stock). */
    async reserve(tx: Executor, orderId: string, items: ReservationItem[], actorId: string | null): Promise<void> {
      const refused = await reserveEach(tx, [{ orderId, items, actorId }]);
      if (refused.size > 0) throw new AppError('insufficient_stock', 'not enough stock for this order');
    },

    /**
     * Gives the orders' held quantities back (cancelled, expired, refunded before shipping, saga
     * compensation). Safe to run twice or when nothing was reserved.
     */
    release(tx: Executor, orderIds: string[], reason: string, actorId: string | null = null): Promise<number> {
      return store.endReservations(tx, orderIds, { from: 'held', to: 'released', availableSign: 1, reservedSign: -1, reason }, actorId);
    },

    /** The orders' goods left the warehouse (shipped): their held quantities are sold. Once. */
    consume(tx: Executor, orderIds: string[]): Promise<number> {
      return store.endReservations(tx, orderIds, { from: 'held', to: 'consumed', availableSign: 0, reservedSign: -1, reason: 'shipped' }, null);
    },

    async stockLevels(db: Executor, skuIds: string[]): Promise<Map<string, StockLevel>> {
      const levels = await store.stockLevels(db, skuIds);
      return new Map(levels.map((level) => [level.skuId, level]));
    },

  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
