import type { FastifyInstance } from 'fastify';
import type { FlashmartModule, Platform } from '../../platform/module.js';
import type { FlashsaleService } from '../flashsale/index.js';
import type { IdentityService } from '../identity/index.js';
import type { OrdersService } from '../orders/index.js';
import { registerAdminRoutes } from './admin.routes.js';
import { createAdminService, type AdminService } from './admin.service.js';
import { registerAuditTrail } from './audit-trail.js';
import './admin.tables.js';

export type { AdminService, AuditEntry, DailyFigures, Overview } from './admin.service.js';
export { registerAuditTrail, auditActionOf, type AuditLog, type AuditStart } from './audit-trail.js';

export interface AdminDependencies {
  identity: IdentityService;
  orders: OrdersService;
  flashsale: FlashsaleService;
}

/** The operation log's hooks, for the composition root to put on the HTTP server. */
export interface AuditTrail {
  /** Logs every admin mutation registered on `app` from now on: call it before any module registers its routes. */
  register(app: FastifyInstance): void;
}

/**
 * Admin: back-office lists and statistics (asked of the modules that own the data, through
 * their doors) and the operation log of every administrator mutation, which it owns.
 */
export function createAdminModule(platform: Platform, deps: AdminDependencies): FlashmartModule & { service: AdminService; auditTrail: AuditTrail } {
  const service = createAdminService({ db: platform.database.db, ...deps });
  return {
    name: 'admin',
    service,
    auditTrail: { register: (app) => registerAuditTrail(app, service.auditLog) },
    migrations: { module: 'admin', dir: new URL('./migrations/', import.meta.url) },
    registerRoutes(app) {
      registerAdminRoutes(app, service);
    },
  };
}
