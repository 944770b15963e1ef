import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { after, before } from 'node:test';
import pg from 'pg';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { client, type Client } from './client.js';
import { SERVICE_URLS, deleteRedisNamespace, servicesEnabled } from './services.js';

export type Mode = 'embedded' | 'services';

/** Consumer groups the app itself subscribes: their RabbitMQ queues are removed with a namespace. */
export const APP_CONSUMER_GROUPS: readonly string[] = ['wallet-points', 'notifications'];

/** The modes this run covers: embedded always, the real services when they answer. */
export const MODES: Mode[] = servicesEnabled ? ['embedded', 'services'] : ['embedded'];

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** A fresh PostgreSQL database on the local server; returns its URL and a dropper. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = uniqueName('fm_test');
  const admin = new pg.Client({ connectionString: SERVICE_URLS.database });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(SERVICE_URLS.database);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: SERVICE_URLS.database });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

/** Deletes every Redis key and RabbitMQ queue/exchange a test namespace created. */
export async function cleanUpNamespace(namespace: string, groups: readonly string[] = []): Promise<void> {
  await deleteRedisNamespace(namespace);
  const connection = await amqp.connect(SERVICE_URLS.amqp);
  const channel = await connection.createChannel();
  for (const group of groups) {
    await channel.deleteQueue(`${namespace}.${group}`);
    await channel.deleteQueue(`${namespace}.${group}.dlq`);
  }
  await channel.deleteExchange(`${namespace}.events`);
  await channel.deleteExchange(`${namespace}.dead-letters`);
  await connection.close();
}

export interface TestEnvironment {
  mode: Mode;
  env: Record<string, string>;
  config: Config;
  /** Consumer groups whose RabbitMQ queues must be removed afterwards. */
  groups: string[];
  dispose(): Promise<void>;
}

/**
 * The environment variables of one isolated deployment: embedded (PGlite in memory) or
 * the real services with a fresh database and a namespace of its own.
 */
export async function createTestEnvironment(mode: Mode, overrides: Record<string, string> = {}): Promise<TestEnvironment> {
  const namespace = uniqueName('fmtest').replaceAll('_', '-');
  const env: Record<string, string> = {
    LOG_LEVEL: 'silent',
    FLASHMART_REGISTER_RATE_PER_IP: '0',
    FLASHMART_NAMESPACE: namespace,
    FLASHMART_DATA_DIR: 'memory://',
    PORT: '0',
  };
  let dropDatabase: (() => Promise<void>) | undefined;
  if (mode === 'services') {
    const database = await createTestDatabase();
    dropDatabase = database.drop;
    env.DATABASE_URL = database.url;
    env.REDIS_URL = SERVICE_URLS.redis;
    env.AMQP_URL = SERVICE_URLS.amqp;
  }
  Object.assign(env, overrides);
  // Consumer groups the app itself subscribes (their RabbitMQ queues are removed afterwards).
  const groups: string[] = [...APP_CONSUMER_GROUPS];
  return {
    mode,
    env,
    config: loadConfig(env),
    groups,
    async dispose() {
      if (mode === 'services') {
        await cleanUpNamespace(namespace, groups);
        await dropDatabase?.();
      }
    },
  };
}

export interface TestApp {
  mode: Mode;
  app: RunningApp;
  environment: TestEnvironment;
  close(): Promise<void>;
}

/** Starts the whole platform (role all) in-process for `inject` tests. */
export async function startTestApp(mode: Mode, overrides: Record<string, string> = {}): Promise<TestApp> {
  const environment = await createTestEnvironment(mode, overrides);
  const app = await startApp(environment.config, { listen: false });
  return {
    mode,
    app,
    environment,
    async close() {
      await app.close();
      await environment.dispose();
    },
  };
}

/** One app for the enclosing describe block: started before its tests, closed after them. */
export function useTestApp(mode: Mode, overrides: Record<string, string> = {}): { readonly t: TestApp; readonly api: Client } {
  let app: TestApp | undefined;
  let api: Client | undefined;
  before(async () => {
    app = await startTestApp(mode, overrides);
    api = client(app.app.http);
  });
  after(async () => app?.close());
  return {
    get t() {
      if (!app) throw new Error('the test app is not started yet');
      return app;
    },
    get api() {
      if (!api) throw new Error('the test app is not started yet');
      return api;
    },
  };
}
