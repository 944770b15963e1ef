// Setup for bench/wallet.bench.ts: the platform on a fresh PostgreSQL database with a pool of
// the bench's chosen size, the schema, 1,000 funded users and 1,000 paid orders in escrow. Everything
// goes through the modules' doors (the wallet and payments services), like production code.
import { randomUUID } from 'node:crypto';
import { createLogger, createModules, migrationSources, openPlatform, type Modules } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { inTransaction, migrate } from '../src/platform/db/index.js';
import type { Platform } from '../src/platform/module.js';
import { uniqueName } from '../test/support/harness.js';

export const CURRENCY = 'CNY';
/** What each user is recharged with, in minor units: far more than 10 s of transfers can drain. */
export const USER_FUNDS = 1_000_000_000;

/** The platform as `flashmart start` opens it, on the bench's database and pool size, nothing started. */
export async function openBenchPlatform(databaseUrl: string, poolSize: number): Promise<Platform> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    FLASHMART_DB_POOL_SIZE: String(poolSize),
    FLASHMART_DATA_DIR: 'memory://',
    LOG_LEVEL: 'warn',
    FLASHMART_NAMESPACE: uniqueName('fmbench'),
  });
  return openPlatform(config, createLogger(config));
}

/** Runs `work` for every item with at most `limit` in flight. */
export async function forEachLimited<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) await work(items[index] as T, index);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A credit through the real recharge path: an intent with the sandbox provider, then its success. */
export async function recharge(modules: Modules, db: Platform['database']['db'], userId: string, amount: number): Promise<void> {
  const { paymentId } = await modules.wallet.createRecharge(userId, { amount, currency: CURRENCY });
  const intent = await modules.payments.getIntent(db, paymentId);
  if (!intent) throw new Error(`payment intent ${paymentId} not found`);
  await inTransaction(db, (tx) => modules.wallet.completeRecharge(tx, intent));
}

export interface BenchData {
  modules: Modules;
  users: string[];
  seller: string;
  /** Orders whose escrow holds funds to release (one per user, spread over every escrow shard). */
  escrowKeys: string[];
}

/**
 * Schema, platform accounts, `userCount` users (plus one seller) each recharged with
 * USER_FUNDS, and half of it paid into the escrow of one order per user (the orders' keys
 * cover every escrow shard), so the hot scenario's releases draw on funded escrow.
 */
export async function prepareLedger(platform: Platform, userCount: number, concurrency: number): Promise<BenchData> {
  const modules = createModules(platform);
  const { database } = platform;
  const db = database.db;
  await migrate(database, migrationSources(modules.all));
  await modules.wallet.openPlatformAccounts(db);
  const users = Array.from({ length: userCount }, () => randomUUID());
  const seller = randomUUID();
  await inTransaction(db, async (tx) => {
    for (const userId of [...users, seller]) await modules.wallet.openUserAccounts(tx, userId);
  });
  await forEachLimited(users, concurrency, (userId) => recharge(modules, db, userId, USER_FUNDS));
  const escrowKeys = users.map((_, index) => `bench-order:${index}`);
  await forEachLimited(users, concurrency, async (userId, index) => {
    await modules.wallet.payToEscrow(db, userId, { amount: USER_FUNDS / 2, currency: CURRENCY }, `bench-escrow-fund:${userId}`, escrowKeys[index] ?? '');
  });
  return { modules, users, seller, escrowKeys };
}
