import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { createBus, createInProcessTransport, createRabbitTransport, createRelay, deadLetterTable, type Transport } from './platform/bus/index.js';
import type { Config } from './platform/config.js';
import { migrate, openDatabase, platformMigrations, type Database, type MigrationSource } from './platform/db/index.js';
import { openHotStore } from './platform/hot-store/index.js';
import { createHttpServer, purgeIdempotencyRecords } from './platform/http/index.js';
import { createJobRunner } from './platform/jobs/index.js';
import { createMetrics } from './platform/metrics.js';
import type { AuditCheck, FlashmartModule, Platform } from './platform/module.js';
import { platformAudits } from './platform/audit.js';
import { createIdentityModule, type IdentityService } from './modules/identity/index.js';
import { createPaymentsModule, type PaymentsService } from './modules/payments/index.js';
import { createSandboxModule, sandboxMigrations, sandboxProvider, type WebhookSender } from './modules/sandbox/index.js';
import { createWalletModule, type WalletService } from './modules/wallet/index.js';
import { createNotificationsModule } from './modules/notifications/index.js';
import { createInventoryModule, type InventoryService } from './modules/inventory/index.js';
import { createCatalogModule, type CatalogService } from './modules/catalog/index.js';
import { createPromotionsModule, type PromotionsService } from './modules/promotions/index.js';
import { createOrdersModule, type OrdersService, type PlacementSaga } from './modules/orders/index.js';
import { createFlashsaleModule, type FlashsaleService, type Reconciler } from './modules/flashsale/index.js';
import { createAdminModule, type AdminService, type AuditTrail } from './modules/admin/index.js';

export interface Modules {
  identity: IdentityService;
  payments: PaymentsService;
  wallet: WalletService;
  inventory: InventoryService;
  catalog: CatalogService;
  promotions: PromotionsService;
  orders: OrdersService;
  placement: PlacementSaga;
  flashsale: FlashsaleService;
  /** Flash-sale reconciliation (I7): workers run it on a timer; tests and the CLI may call it. */
  flashReconciler: Reconciler;
  admin: AdminService;
  /** The operation log of admin mutations: put on the HTTP server before any route. */
  auditTrail: AuditTrail;
  /** The sandbox provider (a stand-in outside party), unless FLASHMART_SANDBOX=off. */
  sandbox: ReturnType<typeof createSandboxModule> | undefined;
  /** The business modules: their routes on api processes, their consumers and jobs on workers. */
  all: FlashmartModule[];
  /** Where the sandbox delivers webhooks; set once the HTTP server exists. */
  setWebhookTarget(send: WebhookSender): void;
}

export function createLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: { role: config.role, pid: process.pid } });
}

/** Every module, in dependency order, wired to each other through their public doors. */
export function createModules(platform: Platform): Modules {
  const identity = createIdentityModule(platform);
  const payments = createPaymentsModule(platform);
  const wallet = createWalletModule(platform, payments.service);
  identity.service.onUserCreated((tx, user) => wallet.service.openUserAccounts(tx, user.id));
  const inventory = createInventoryModule(platform);
  const catalog = createCatalogModule(platform, inventory.service);
  const promotions = createPromotionsModule(platform);
  const orders = createOrdersModule(platform, { catalog: catalog.service, inventory: inventory.service, promotions: promotions.service, wallet: wallet.service, payments: payments.service });
  const flashsale = createFlashsaleModule(platform, { catalog: catalog.service, inventory: inventory.service, orders: orders.service });
  const notifications = createNotificationsModule(platform);
  const admin = createAdminModule(platform, { identity: identity.service, orders: orders.service, flashsale: flashsale.service });
  let send: WebhookSender = async () => {
    throw new Error('no webhook target yet');
  };
  let sandbox: Modules['sandbox'];
  if (platform.config.sandbox === 'on') {
    sandbox = createSandboxModule(platform, payments.webhookSecret, (path, headers, body) => send(path, headers, body));
    payments.service.registerProvider(sandboxProvider(sandbox.service));
  }
  return {
    identity: identity.service,
    payments: payments.service,
    wallet: wallet.service,
    inventory: inventory.service,
    catalog: catalog.service,
    promotions: promotions.service,
    orders: orders.service,
    placement: orders.saga,
    flashsale: flashsale.service,
    flashReconciler: flashsale.reconciler,
    admin: admin.service,
    auditTrail: admin.auditTrail,
    sandbox,
    all: [identity, payments, wallet, inventory, catalog, promotions, orders, flashsale, notifications, admin],
    setWebhookTarget(target) {
      send = target;
    },
  };
}

/** Migrations of every module, whatever this process runs, so every process agrees on the schema. */
export function migrationSources(modules: FlashmartModule[]): MigrationSource[] {
  return [platformMigrations, ...modules.flatMap((m) => (m.migrations ? [m.migrations] : [])), sandboxMigrations];
}

/** Webhooks to this very process go through inject (no socket needed); others over HTTP. */
function webhookSender(http: FastifyInstance | undefined, publicUrl: string): WebhookSender {
  if (http) {
    return async (path, headers, body) => (await http.inject({ method: 'POST', url: path, headers, payload: body })).statusCode;
  }
  return async (path, headers, body) => {
    const response = await fetch(new URL(path, publicUrl), { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return response.status;
  };
}

async function openTransport(config: Config, database: Database, logger: Logger, metrics: Platform['metrics']): Promise<Transport> {
  if (config.amqpUrl) {
    return createRabbitTransport({ url: config.amqpUrl, namespace: config.namespace, deliveryLimit: config.deliveryLimit }, logger);
  }
  return createInProcessTransport(config.deliveryLimit, deadLetterTable(database.db, metrics), logger);
}

/** Opens every adapter the configuration selects: PGlite or PostgreSQL, memory or Redis, in-process or RabbitMQ. */
export async function openPlatform(config: Config, logger: Logger): Promise<Platform> {
  const metrics = createMetrics();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize, preparedStatements: config.dbPreparedStatements });
  const hotStore = await openHotStore(config.redisUrl, config.namespace);
  const transport = await openTransport(config, database, logger, metrics);
  const bus = createBus(database.db, transport, logger, metrics);
  const relay = createRelay(database.db, transport, logger, metrics);
  const jobs = createJobRunner(database.db, logger, metrics);
  return { config, database, hotStore, transport, bus, relay, jobs, logger, metrics };
}

export async function closePlatform(platform: Platform): Promise<void> {
  await platform.relay.stop();
  await platform.jobs.stop();
  await platform.transport.close();
  await platform.hotStore.close();
  await platform.database.close();
}

export interface RunningApp {
  platform: Platform;
  modules: Modules;
  http: FastifyInstance;
  /** Base URL when listening, e.g. http://127.0.0.1:3000. */
  url: string | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Listen on config.port (false: use http.inject only). */
  listen?: boolean;
}

/** The composition root: platform + modules for the configured role. */
export async function startApp(config: Config, options: StartOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger(config);
  const platform = await openPlatform(config, logger);
  const modules = createModules(platform);
  const serveApi = config.role === 'all' || config.role === 'api';
  const runWorker = config.role === 'all' || config.role === 'worker';
  const runSandbox = (config.role === 'all' || config.role === 'sandbox') && modules.sandbox !== undefined;
  let purgeTimer: NodeJS.Timeout | undefined;
  try {
    const applied = await migrate(platform.database, migrationSources(modules.all));
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    for (const module of modules.all) await module.bootstrap?.();
    await modules.sandbox?.bootstrap?.();
    if (!config.amqpUrl && config.role !== 'all') {
      logger.warn('without AMQP_URL events are delivered in-process: run --role all, or set AMQP_URL for separate roles');
    }
    if (runWorker) {
      for (const module of modules.all) await module.registerWorker?.();
      // New outbox rows and jobs notify at commit: the relay and the runner wake at once.
      await platform.database.listen('platform_outbox', () => platform.relay.nudge());
      await platform.database.listen('platform_jobs', () => platform.jobs.nudge());
      platform.relay.start();
      platform.jobs.start();
      purgeTimer = setInterval(() => {
        purgeIdempotencyRecords(platform.database.db).catch((error: unknown) => logger.warn({ err: error }, 'idempotency purge failed'));
      }, 3_600_000);
      purgeTimer.unref();
    }
    const http = await createHttpServer({
      logger,
      metrics: platform.metrics,
      db: platform.database.db,
      serveApi,
      authenticator: serveApi ? modules.identity : undefined,
      trustProxy: config.trustProxy,
      readiness: [
        { name: 'database', check: () => platform.database.ping() },
        { name: 'hotStore', check: () => platform.hotStore.ping() },
        { name: 'broker', check: () => platform.transport.ping() },
      ],
    });
    if (serveApi) {
      // Before any route, so that every admin mutation of every module is logged.
      modules.auditTrail.register(http);
      for (const module of modules.all) await module.registerRoutes?.(http);
    }
    if (runSandbox && modules.sandbox) {
      await modules.sandbox.registerRoutes?.(http);
      modules.setWebhookTarget(webhookSender(serveApi ? http : undefined, config.publicUrl));
      await modules.sandbox.startDelivering();
    }
    let url: string | undefined;
    if (options.listen !== false) url = await http.listen({ port: config.port, host: config.host });
    else await http.ready();
    return {
      platform,
      modules,
      http,
      url,
      async close() {
        if (purgeTimer) clearInterval(purgeTimer);
        for (const module of [...modules.all, ...(modules.sandbox ? [modules.sandbox] : [])]) await module.stop?.();
        await http.close();
        await closePlatform(platform);
      },
    };
  } catch (error) {
    if (purgeTimer) clearInterval(purgeTimer);
    await closePlatform(platform).catch(() => undefined);
    throw error;
  }
}

/** Every invariant check: the platform's and each module's. */
export function auditChecks(platform: Platform, modules: Modules): AuditCheck[] {
  return [...platformAudits(platform, migrationSources(modules.all)), ...modules.all.flatMap((m) => m.audits ?? [])];
}
