import type { Logger } from 'pino';
import { eventRecordset } from '../../platform/bus/index.js';
import { createGroupCommit, inTransaction, refused, succeeded, type Db, type Tx } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import { jobRecordset } from '../../platform/jobs/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { InventoryService } from '../inventory/index.js';
import type { PromotionsService } from '../promotions/index.js';
import { newId } from '../../platform/ids.js';
import * as store from './orders.store.js';
import type { NewOrder } from './orders.store.js';
import type { ShippingAddress } from './orders.tables.js';
import './orders.events.js';

export interface PlaceOrderInput {
  buyerId: string;
  items: { skuId: string; quantity: number }[];
  couponCode?: string;
  shippingAddress: ShippingAddress | null;
}

export interface SagaDeps {
  db: Db;
  logger: Logger;
  catalog: CatalogService;
  inventory: InventoryService;
  promotions: PromotionsService;
  paymentTimeoutSeconds: number;
}

/** The largest subtotal an order may reach (10^12 minor units, the API's request cap). */
const MAX_SUBTOTAL = 1_000_000_000_000;

/** Prices the request from the catalog (never from the request) and applies the rules of API.md. */
async function priceOrder(deps: SagaDeps, input: PlaceOrderInput): Promise<Omit<NewOrder, 'id' | 'discount' | 'couponCode' | 'expiresAt'>> {
  const skus = await deps.catalog.skusForSale(deps.db, [...new Set(input.items.map((i) => i.skuId))]);
  const byId = new Map(skus.map((sku) => [sku.skuId, sku]));
  const lines = input.items.map((item, i) => {
    const sku = byId.get(item.skuId);
    if (!sku) throw new AppError('not_found', `no such SKU ${item.skuId}`, { errors: [{ path: `/items/${i}/skuId`, message: 'unknown SKU' }] });
    return { ...item, sku };
  });
  const sellers = new Set(lines.map((l) => l.sku.sellerId));
  if (sellers.size > 1) throw new AppError('mixed_sellers', 'one order holds the goods of one seller: place one order per seller');
  if (lines.some((l) => l.sku.sellerId === input.buyerId)) throw new AppError('cannot_buy_own_product', 'you cannot buy your own product');
  if (lines.some((l) => !l.sku.listed)) throw new AppError('product_unavailable', 'a product in the order is not on sale');
  const currencies = new Set(lines.map((l) => l.sku.price.currency));
  if (currencies.size > 1) throw new AppError('validation_failed', 'the goods of one order are priced in one currency', { errors: [{ path: '/items', message: 'several currencies' }] });
  const subtotal = lines.reduce((sum, l) => sum + l.sku.price.amount * l.quantity, 0);
  if (subtotal > MAX_SUBTOTAL) throw new AppError('validation_failed', 'the order is too large', { errors: [{ path: '/items', message: `subtotal above ${MAX_SUBTOTAL}` }] });
  const [first] = lines;
  if (!first) throw new AppError('validation_failed', 'an order needs items');
  return {
    buyerId: input.buyerId,
    sellerId: first.sku.sellerId,
    source: 'regular',
    flashSaleId: null,
    currency: first.sku.price.currency,
    subtotal,
    shippingAddress: input.shippingAddress,
    items: lines.map((l) => ({ skuId: l.skuId, productId: l.sku.productId, title: l.sku.title, quantity: l.quantity, unitPrice: l.sku.price.amount })),
  };
}

const abandoned = () => new AppError('service_unavailable', 'placing the order took too long and was rolled back; nothing was kept');

/** Most placements one group-committed step writes in one transaction. */
const MAX_BATCH = 200;

/**
 * Order placement as an orchestrated saga: reserve stock → redeem coupon → create the order.
 * Each step is its own transaction that also moves the saga's record on, so a process that
 * dies between steps leaves a `running` saga that a worker compensates (`recoverStale`).
 * Every compensation copes with a step that never ran and is safe to run twice. The first and
 * last steps are group-committed: concurrent placements share their transactions.
 */
export function createPlacementSaga(deps: SagaDeps) {
  const { db, inventory, promotions } = deps;

  /** Undoes every step (the ones that ran) of the still-running sagas; returns those it undid. */
  async function compensate(tx: Tx, orderIds: string[], reason: string): Promise<string[]> {
    const undone = [...(await store.endSagas(tx, orderIds, 'failed', reason))];
    for (const id of undone) await promotions.giveBack(tx, id);
    await inventory.release(tx, undone, 'placement_rolled_back');
    return undone;
  }

  /**
   * Step 1: the saga's record and the stock reservation. Usually one statement on its own
   * (stock for every order of the batch); otherwise a transaction that allocates order by order
   * and refuses the ones short of stock.
   */
  const reserveStock = createGroupCommit<NewOrder, void>(
    db,
    {
      maxBatch: MAX_BATCH,
      atOnce: async (executor, orders) =>
        (await inventory.reserveAll(
          executor,
          orders.map((o) => ({ orderId: o.id, items: o.items, actorId: o.buyerId })),
          [store.sagaRecordset(orders.map((o) => ({ id: o.id, buyerId: o.buyerId })), 'stock_reserved')],
        ))
          ? orders.map(() => succeeded(undefined))
          : undefined,
    },
    async (tx, orders) => {
      // The saga rows first: the stock rows, which every placement of a hot SKU wants, are locked last.
      await store.startSagas(tx, orders.map((o) => ({ id: o.id, buyerId: o.buyerId })), 'stock_reserved');
      const short = await inventory.reserveEach(tx, orders.map((o) => ({ orderId: o.id, items: o.items, actorId: o.buyerId })));
      if (short.size > 0) await store.deleteSagas(tx, [...short]);
      return orders.map((o) => (short.has(o.id) ? refused(new AppError('insufficient_stock', 'not enough stock for this order')) : succeeded(undefined)));
    },
  );

  /** The rows a batch of placements writes with its orders: their events and expiry jobs. */
  const alongside = (live: NewOrder[]) => [
    eventRecordset(
      'order.placed',
      live.map((o) => ({ orderId: o.id, buyerId: o.buyerId, sellerId: o.sellerId, total: { amount: o.subtotal - o.discount, currency: o.currency }, source: o.source, flashSaleId: o.flashSaleId })),
    ),
    jobRecordset('orders.expire', live.map((o) => ({ payload: { orderId: o.id }, runAt: o.expiresAt, key: `orders.expire:${o.id}` }))),
  ];

  /**
   * Step 3: the orders, their events and expiry jobs; the sagas end completed. Usually one
   * statement on its own (every saga of the batch still running); otherwise a transaction that
   * creates the orders of the running ones only. Two batches may be in flight: they insert new
   * rows and lock only their own sagas.
   */
  const createOrders = createGroupCommit<NewOrder, void>(
    db,
    {
      maxBatch: MAX_BATCH,
      inFlight: 2,
      atOnce: async (executor, orders) => ((await store.completeSagasWithOrders(executor, orders, alongside(orders))) ? orders.map(() => succeeded(undefined)) : undefined),
    },
    async (tx, orders) => {
      const running = await store.endSagas(tx, orders.map((o) => o.id), 'completed', null);
      const live = orders.filter((o) => running.has(o.id));
      await store.insertOrders(tx, live, alongside(live));
      return orders.map((o) => (running.has(o.id) ? succeeded(undefined) : refused(abandoned())));
    },
  );

  /** Step 2 (orders with a coupon): redeem it for the order. */
  async function redeemCoupon(order: NewOrder, code: string): Promise<number> {
    return inTransaction(db, async (tx) => {
      if (!(await store.advanceSaga(tx, order.id, 'coupon_redeemed'))) throw abandoned();
      const discount = await promotions.redeem(tx, { userId: order.buyerId, code, orderId: order.id, sellerId: order.sellerId, subtotal: { amount: order.subtotal, currency: order.currency } });
      return discount.amount;
    });
  }

  return {
    /** Places one order; on any failure after the first step, compensates before answering. */
    async place(input: PlaceOrderInput): Promise<string> {
      const priced = await priceOrder(deps, input);
      const order: NewOrder = {
        ...priced,
        id: newId(),
        discount: 0,
        couponCode: input.couponCode ?? null,
        expiresAt: new Date(Date.now() + deps.paymentTimeoutSeconds * 1000),
      };
      await reserveStock.submit(order);
      try {
        if (input.couponCode) order.discount = await redeemCoupon(order, input.couponCode);
        await createOrders.submit(order);
        return order.id;
      } catch (error) {
        const reason = error instanceof AppError ? error.code : 'error';
        // If this fails too, the saga stays `running` and a worker compensates it later.
        await inTransaction(db, (tx) => compensate(tx, [order.id], reason)).catch((e: unknown) => deps.logger.error({ err: e, orderId: order.id }, 'saga compensation failed; a worker will retry'));
        throw error;
      }
    },

    /** Worker: compensates sagas that stopped moving (their process died); returns how many. */
    async recoverStale(olderThanSeconds: number): Promise<number> {
      return inTransaction(db, async (tx) => {
        const undone = await compensate(tx, await store.staleSagas(tx, olderThanSeconds, 50), 'abandoned');
        if (undone.length > 0) deps.logger.warn({ sagas: undone }, 'abandoned order placements rolled back');
        return undone.length;
      });
    },
  };
}

export type PlacementSaga = ReturnType<typeof createPlacementSaga>;
