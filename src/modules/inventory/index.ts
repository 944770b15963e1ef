import type { FlashmartModule, Platform } from '../../platform/module.js';
import { createInventoryService, type InventoryService } from './inventory.service.js';
import { negativeStock, reservedNotMatchingReservations, stockNotMatchingLog } from './inventory.store.js';
import './inventory.tables.js';

export type { InventoryService, ReservationItem } from './inventory.service.js';
export type { StockLevel } from './inventory.store.js';

/** Inventory: stock per SKU, reservations per order, the stock log, and the I1 audit. */
export function createInventoryModule(platform: Platform): FlashmartModule & { service: InventoryService } {
  const db = platform.database.db;
  return {
    name: 'inventory',
    service: createInventoryService(),
    migrations: { module: 'inventory', dir: new URL('./migrations/', import.meta.url) },
    audits: [
      { name: 'I1: no stock or reservation counter is negative', run: () => negativeStock(db) },
      { name: 'I1: reserved stock equals the sum of live reservations', run: () => reservedNotMatchingReservations(db) },
      { name: 'I1: every stock change is in the stock log', run: () => stockNotMatchingLog(db) },
    ],
  };
}
