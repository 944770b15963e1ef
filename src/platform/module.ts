import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Bus, Relay, Transport } from './bus/index.js';
import type { Config } from './config.js';
import type { Database, MigrationSource } from './db/index.js';
import type { HotStore } from './hot-store/index.js';
import type { JobRunner } from './jobs/index.js';
import type { Metrics } from './metrics.js';

/** The shared infrastructure every module is built on. */
export interface Platform {
  config: Config;
  database: Database;
  hotStore: HotStore;
  transport: Transport;
  bus: Bus;
  relay: Relay;
  jobs: JobRunner;
  logger: Logger;
  metrics: Metrics;
}

/** One invariant check of `flashmart audit`: returns the violations it found (empty when clean). */
export interface AuditCheck {
  name: string;
  run(): Promise<string[]>;
}

/** How a module plugs into the composition root. */
export interface FlashmartModule {
  name: string;
  migrations?: MigrationSource;
  /** Public HTTP routes (api role). */
  registerRoutes?(app: FastifyInstance): void | Promise<void>;
  /** Consumers and job handlers (worker role); called before the relay and job runner start. */
  registerWorker?(): void | Promise<void>;
  /** One-time start-up work any role may do, idempotently (e.g. the first admin). */
  bootstrap?(): Promise<void>;
  audits?: AuditCheck[];
  /** Stops the module's own background work (before the platform closes). */
  stop?(): Promise<void>;
}
