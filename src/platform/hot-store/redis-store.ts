import { Redis } from 'ioredis';
import type { HotScript, HotStore, TokenBucketLimit, TokenBucketResult } from './hot-store.js';
import { tokenBucketScript } from './scripts.js';

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
  const existence = createExistenceBatcher(redis, k);

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
    exists: existence.exists,
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

interface PendingLookup {
  key: string;
  resolve(found: boolean): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 1000;

/**
 * `exists` runs on every authenticated request (the session revocation check). Lookups that
 * arrive while one MGET is in flight wait for the next MGET, which starts after they arrived,
 * so each answer is as fresh as a lookup of its own (a logout acknowledged before the request
 * is always seen), while a busy process sends one command per batch instead of one per request.
 */
function createExistenceBatcher(redis: Redis, fullKey: (key: string) => string) {
  let pending: PendingLookup[] = [];
  let flushing = false;

  async function flush(): Promise<void> {
    flushing = true;
    while (pending.length > 0) {
      const batch = pending.slice(0, MAX_BATCH);
      pending = pending.slice(batch.length);
      try {
        const values = await redis.mget(batch.map((lookup) => fullKey(lookup.key)));
        batch.forEach((lookup, i) => lookup.resolve(values[i] !== null && values[i] !== undefined));
      } catch (error) {
        for (const lookup of batch) lookup.reject(error);
      }
    }
    flushing = false;
  }

  return {
    exists(key: string): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        pending.push({ key, resolve, reject });
        if (!flushing) void flush();
      });
    },
  };
}
