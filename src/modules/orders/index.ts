import { createPoller } from '../../platform/poller.js';
import type { FlashmartModule, Platform } from '../../platform/module.js';
import type { CatalogService } from '../catalog/index.js';
import type { InventoryService } from '../inventory/index.js';
import type { PaymentsService } from '../payments/index.js';
import type { PromotionsService } from '../promotions/index.js';
import type { WalletService } from '../wallet/index.js';
import { registerCartRoutes } from './cart.routes.js';
import { createCartService } from './cart.service.js';
import { registerOrdersRoutes } from './orders.routes.js';
import { ORDER_PURPOSE, createOrdersService, type OrdersService } from './orders.service.js';
import { createPlacementSaga, type PlacementSaga } from './place-order.saga.js';
import './orders.tables.js';

export type { OrdersService, Caller, FlashOrderInput, EndedFlashOrder } from './orders.service.js';
export type { PlacementSaga, PlaceOrderInput } from './place-order.saga.js';
export type { Order } from './order-view.js';
export type { OrderEvents, OrderEventBase } from './orders.events.js';
export { ORDER_TRANSITIONS, type OrderStatus } from './order-state.js';
export type { PaidFigures } from './orders.store.js';
/** The API.md `Order` and its `status`, for other modules' routes that answer with orders. */
export { OrderSchema, OrderStatusSchema } from './orders.schemas.js';

export interface OrdersDependencies {
  catalog: CatalogService;
  inventory: InventoryService;
  promotions: PromotionsService;
  wallet: WalletService;
  payments: PaymentsService;
}

/** Orders: placement saga, the order state machine, carts and address books. */
export function createOrdersModule(platform: Platform, deps: OrdersDependencies): FlashmartModule & { service: OrdersService; saga: PlacementSaga } {
  const { config, logger } = platform;
  const db = platform.database.db;
  const service = createOrdersService({ db, ...deps, autoConfirmDays: config.autoConfirmDays });
  const saga = createPlacementSaga({ db, logger, ...deps, paymentTimeoutSeconds: config.paymentTimeoutSeconds });
  const cart = createCartService(db, deps.catalog, deps.inventory);
  deps.payments.registerPurpose(ORDER_PURPOSE, {
    onSucceeded: (tx, intent) => service.paymentSucceeded(tx, intent),
    // A failed or expired payment leaves the order waiting: the buyer may pay again until its deadline.
    onFailed: async () => undefined,
  });
  // Placements whose process died are rolled back once they have been still this long.
  const recovery = createPoller('saga recovery', async () => (await saga.recoverStale(config.sagaTimeoutSeconds)) > 0, Math.min(5_000, config.sagaTimeoutSeconds * 500), logger);
  return {
    name: 'orders',
    service,
    saga,
    migrations: { module: 'orders', dir: new URL('./migrations/', import.meta.url) },
    registerRoutes(app) {
      registerOrdersRoutes(app, { orders: service, saga, cart, logger });
      registerCartRoutes(app, cart);
    },
    registerWorker() {
      platform.jobs.register('orders.expire', (tx, payload) => service.expire(tx, payload.orderId));
      platform.jobs.register('orders.expire-many', (tx, payload) => service.expireMany(tx, payload.orderIds));
      platform.jobs.register('orders.auto-confirm', (tx, payload) => service.autoConfirm(tx, payload.orderId));
      recovery.start();
    },
    async stop() {
      await recovery.stop();
    },
  };
}
