import { Redis } from 'ioredis';
import type { HotScript, HotStore, TokenBucketLimit, TokenBucketResult } from './hot-store.js';
import { tokenBucketScript } from './scripts.js';
import { createBusyBatcher } from '../busy-batcher.js';

/** Most revocation lookups in one MGET. */
const MAX_BATCH = 1000;

/** The distributed hot store on Redis. Keys are prefixed with the deployment's namespace. */
export async function createRedisHotStore(url: string, namespace: string): Promise<HotStore> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  await redis.connect();
  const prefix = `${namespace}:`;
  const k = (key: string) => prefix + key;
  const shas = new Map<string, string>();

  async function load(script: HotScript<unknown>): Promise<string> {
    const sha = (await redis.script('LOAD', script.lua)) as string;
    shas.set(script.name, sha);
    return sha;
  }

  async function run<R>(script: HotScript<R>, keys: string[], args: (string | number)[]): Promise<R> {
    const sha = shas.get(script.name) ?? (await load(script as HotScript<unknown>));
    const fullKeys = keys.map(k);
    try {
      return script.parseRedis(await redis.evalsha(sha, fullKeys.length, ...fullKeys, ...args));
    } catch (error) {
      // After a Redis restart or SCRIPT FLUSH the cache is empty: load once more and retry.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      const fresh = await load(script as HotScript<unknown>);
      return script.parseRedis(await redis.evalsha(fresh, fullKeys.length, ...fullKeys, ...args));
    }
  }

  await load(tokenBucketScript as HotScript<unknown>);
  // `exists` runs on every authenticated request (the session revocation check): lookups that
  // arrive together share one MGET, each still as fresh as a lookup of its own (a logout
  // acknowledged before the request is always seen).
  const exists = createBusyBatcher(async (keys: string[]) => (await redis.mget(keys.map(k))).map((value) => value !== null && value !== undefined), MAX_BATCH);

  return {
    kind: 'redis',
    async get(key) {
      return redis.get(k(key));
    },
    async set(key, value, ttlMs) {
      if (ttlMs === undefined) await redis.set(k(key), value);
      else await redis.set(k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)));
    },
    async setIfAbsent(key, value, ttlMs) {
      return (await redis.set(k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
    },
    exists,
    async del(key) {
      await redis.del(k(key));
    },
    async incrBy(key, delta, ttlMs) {
      if (ttlMs === undefined) return redis.incrby(k(key), delta);
      const results = await redis.multi().incrby(k(key), delta).pexpire(k(key), Math.ceil(ttlMs), 'NX').exec();
      const [error, value] = results?.[0] ?? [new Error('INCRBY got no reply'), null];
      if (error) throw error;
      return Number(value);
    },
    async takeToken(key: string, limit: TokenBucketLimit, cost = 1): Promise<TokenBucketResult> {
      return run(tokenBucketScript, [key], [limit.ratePerSecond, limit.burst, cost]);
    },
    run,
    async ping() {
      await redis.ping();
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
