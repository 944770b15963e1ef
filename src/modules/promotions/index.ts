import type { FlashmartModule, Platform } from '../../platform/module.js';
import { registerPromotionsRoutes } from './promotions.routes.js';
import { createPromotionsService, type PromotionsService } from './promotions.service.js';
import './promotions.tables.js';

export type { PromotionsService, Coupon, ClaimedCoupon } from './promotions.service.js';

/** Promotions: coupons issued by sellers, claimed by users, redeemed by orders. */
export function createPromotionsModule(platform: Platform): FlashmartModule & { service: PromotionsService } {
  const service = createPromotionsService(platform.database.db, platform.config.currencies);
  return {
    name: 'promotions',
    service,
    migrations: { module: 'promotions', dir: new URL('./migrations/', import.meta.url) },
    registerRoutes(app) {
      registerPromotionsRoutes(app, service);
    },
  };
}
