import type { Executor } from '../../platform/db/index.js';
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
 * Stock per SKU (available + reserved), reservations tied to an order and ended exactly once
 * (guarded by their status), and a log row for every change. Every method joins the caller's
 * transaction: inventory moves with the business change that causes it.
 */
export function createInventoryService() {
  return {
    /** Creates a SKU's stock row (with its first log row) when the SKU is published. */
    async createStock(tx: Executor, skuId: string, quantity: number, actorId: string): Promise<void> {
      await store.insertStock(tx, skuId, quantity, { actorId, reason: 'initial' });
    },

    /** available += delta; 409 insufficient_stock when it would go below zero. */
    async adjustStock(tx: Executor, skuId: string, delta: number, change: { actorId: string | null; reason: string; note?: string | null }): Promise<number> {
      const available = await store.adjustAvailable(tx, skuId, delta, change);
      if (available === undefined) throw new AppError('insufficient_stock', `not enough stock for a change of ${delta}`);
      return available;
    },

    /** Reserves every item for the order, or none (409 insufficient_stock; the caller's transaction rolls back). */
    async reserve(tx: Executor, orderId: string, items: ReservationItem[], actorId: string | null): Promise<void> {
      const wanted = mergeItems(items);
      const reserved = await store.reserve(tx, orderId, wanted, actorId);
      if (reserved.length < wanted.length) {
        const short = wanted.filter((i) => !reserved.includes(i.skuId)).map((i) => i.skuId);
        throw new AppError('insufficient_stock', `not enough stock for SKU ${short.join(', ')}`);
      }
    },

    /** Gives an order's held quantities back (cancelled, expired, saga compensation). Safe to run twice or when nothing was reserved. */
    release(tx: Executor, orderId: string, reason: string, actorId: string | null = null): Promise<number> {
      return store.endReservations(tx, orderId, { from: 'held', to: 'released', availableSign: 1, reservedSign: -1, reason }, actorId);
    },

    /** The order was paid: its held quantities are sold. Once. */
    consume(tx: Executor, orderId: string): Promise<number> {
      return store.endReservations(tx, orderId, { from: 'held', to: 'consumed', availableSign: 0, reservedSign: -1, reason: 'sold' }, null);
    },

    /** The order was refunded: what it bought goes back on sale. Once. */
    restock(tx: Executor, orderId: string, actorId: string | null): Promise<number> {
      return store.endReservations(tx, orderId, { from: 'consumed', to: 'returned', availableSign: 1, reservedSign: 0, reason: 'refund' }, actorId);
    },

    async stockLevels(db: Executor, skuIds: string[]): Promise<Map<string, StockLevel>> {
      const levels = await store.stockLevels(db, skuIds);
      return new Map(levels.map((level) => [level.skuId, level]));
    },

    stockLog: store.stockLog,
  };
}

export type InventoryService = ReturnType<typeof createInventoryService>;
