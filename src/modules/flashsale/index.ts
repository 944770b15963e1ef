import type { FlashmartModule, Platform } from '../../platform/module.js';
import { createPoller } from '../../platform/poller.js';
import type { CatalogService } from '../catalog/index.js';
import type { InventoryService } from '../inventory/index.js';
import type { OrdersService } from '../orders/index.js';
import { createAdmission } from './admission.js';
import { createDrain } from './drain.js';
import { registerFlashsaleRoutes } from './flashsale.routes.js';
import { createFlashsaleService, type FlashsaleService } from './flashsale.service.js';
import { createHotSales } from './hot-sale.js';
import { createReconciler, flashAudits, type Reconciler } from './reconciler.js';
import { createSaleLive } from './sale-live.js';
import './flashsale.events.js';
import './flashsale.tables.js';

export type { FlashsaleService } from './flashsale.service.js';
export type { FlashSale, SaleStatus } from './flash-sale-view.js';
export type { FlashsaleEvents, DecidedPurchase } from './flashsale.events.js';
export type { Reconciler } from './reconciler.js';
/** The hot state's operations (tests and operators' tools read and repair it through these). */
export { createHotSales, type HotSales } from './hot-sale.js';

export interface FlashsaleDependencies {
  catalog: CatalogService;
  inventory: InventoryService;
  orders: OrdersService;
}

/**
 * Flash sales: admission on api processes (hot store only), the drain on workers (group
 * commits into PostgreSQL), expiry through the orders module, and the reconciler (I7).
 */
export function createFlashsaleModule(platform: Platform, deps: FlashsaleDependencies): FlashmartModule & { service: FlashsaleService; reconciler: Reconciler } {
  const { config, logger, metrics } = platform;
  const db = platform.database.db;
  const hot = createHotSales(platform.hotStore, { ratePerUser: config.flashRatePerUser });
  const admission = createAdmission(hot, { globalRate: config.flashRateGlobal });
  const service = createFlashsaleService({ db, hot, admission, catalog: deps.catalog, inventory: deps.inventory, logger, tokenMultiple: config.flashTokenMultiple, tokenTtlSeconds: config.flashTokenTtlSeconds });
  const live = createSaleLive({ db, hot, logger });
  const reconciler = createReconciler({ db, hot, inventory: deps.inventory, logger, metrics, onRestored: (saleId) => admission.clearSoldOut(saleId) });
  // Every process (an api one cancelling an order too) gives flash quantity back in the transaction that ended the order.
  deps.orders.onFlashOrdersEnded((tx, ended) => reconciler.takeBack(tx, ended));
  const drain = createDrain({
    db,
    hot,
    orders: deps.orders,
    logger,
    metrics,
    batchSize: config.flashDrainBatch,
    loops: config.flashDrainLoops,
    reclaimAfterMs: config.flashReclaimSeconds * 1000,
    paymentTimeoutSeconds: config.flashPaymentTimeoutSeconds,
  });
  const reconciling = createPoller('flash reconciler', async () => (await reconciler.reconcileAll(), false), config.flashReconcileSeconds * 1000, logger);
  return {
    name: 'flashsale',
    service,
    reconciler,
    migrations: { module: 'flashsale', dir: new URL('./migrations/', import.meta.url) },
    registerRoutes(app) {
      registerFlashsaleRoutes(app, service, live);
    },
    registerWorker() {
      platform.jobs.register('flashsale.start', (tx, payload) => service.markStarted(tx, payload.saleId));
      platform.jobs.register('flashsale.end', (tx, payload) => service.end(tx, payload.saleId));
      drain.start();
      reconciling.start();
    },
    audits: flashAudits(db, hot, platform.hotStore.kind, deps.orders.flashSaleQuantities),
    async stop() {
      live.stop();
      await drain.stop();
      await reconciling.stop();
    },
  };
}
