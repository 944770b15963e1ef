import type { FlashmartModule, Platform } from '../../platform/module.js';
import type { InventoryService } from '../inventory/index.js';
import { registerCatalogRoutes } from './catalog.routes.js';
import { createCatalogService, type CatalogService } from './catalog.service.js';
import { registerTaxonomyRoutes } from './taxonomy.routes.js';
import { createTaxonomyService } from './taxonomy.service.js';
import './catalog.tables.js';

export type { CatalogService, Product, SkuForSale } from './catalog.service.js';

/** Catalog: products and SKUs (prices), categories and brands, search. Stock is the inventory's. */
export function createCatalogModule(platform: Platform, inventory: InventoryService): FlashmartModule & { service: CatalogService } {
  const db = platform.database.db;
  const service = createCatalogService(db, inventory, platform.config.currencies);
  const taxonomy = createTaxonomyService(db);
  return {
    name: 'catalog',
    service,
    migrations: { module: 'catalog', dir: new URL('./migrations/', import.meta.url) },
    registerRoutes(app) {
      registerCatalogRoutes(app, service);
      registerTaxonomyRoutes(app, taxonomy);
    },
  };
}
