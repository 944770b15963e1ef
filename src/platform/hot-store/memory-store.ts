import type { HotScript, HotStore, MemoryData, TokenBucketLimit, TokenBucketResult } from './hot-store.js';
import { tokenBucketScript } from './scripts.js';

interface Entry {
  value: unknown;
  expiresAt: number | undefined;
}

/** Redis-like data held in one process; every operation is synchronous, hence atomic. */
class MemoryDataImpl implements MemoryData {
  private readonly entries = new Map<string, Entry>();

  private entry(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  get(key: string): string | null {
    const value = this.entry(key)?.value;
    return typeof value === 'string' ? value : null;
  }

  set(key: string, value: string, ttlMs?: number): void {
    this.entries.set(key, { value, expiresAt: ttlMs === undefined ? undefined : Date.now() + ttlMs });
  }

  del(key: string): void {
    this.entries.delete(key);
  }

  incrBy(key: string, delta: number): number {
    const entry = this.entry(key);
    const next = (entry ? Number(entry.value) : 0) + delta;
    if (entry) entry.value = String(next);
    else this.entries.set(key, { value: String(next), expiresAt: undefined });
    return next;
  }

  private hash(key: string): Map<string, string> {
    const entry = this.entry(key);
    if (entry?.value instanceof Map) return entry.value as Map<string, string>;
    const created = new Map<string, string>();
    this.entries.set(key, { value: created, expiresAt: undefined });
    return created;
  }

  hget(key: string, field: string): string | null {
    const value = this.entry(key)?.value;
    return value instanceof Map ? ((value as Map<string, string>).get(field) ?? null) : null;
  }

  hset(key: string, field: string, value: string): void {
    this.hash(key).set(field, value);
  }

  hdel(key: string, field: string): void {
    const value = this.entry(key)?.value;
    if (value instanceof Map) (value as Map<string, string>).delete(field);
  }

  hgetall(key: string): Record<string, string> {
    const value = this.entry(key)?.value;
    return value instanceof Map ? Object.fromEntries(value as Map<string, string>) : {};
  }

  pexpire(key: string, ttlMs: number): void {
    const entry = this.entry(key);
    if (entry) entry.expiresAt = Date.now() + ttlMs;
  }

  pttl(key: string): number {
    const entry = this.entry(key);
    if (!entry) return -2;
    return entry.expiresAt === undefined ? -1 : entry.expiresAt - Date.now();
  }

  object<T>(key: string, create: () => T): T {
    const entry = this.entry(key);
    if (entry) return entry.value as T;
    const value = create();
    this.entries.set(key, { value, expiresAt: undefined });
    return value;
  }

  sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}

/** The embedded hot store: one process, no server. */
export function createMemoryHotStore(): HotStore {
  const data = new MemoryDataImpl();
  const sweeper = setInterval(() => data.sweep(), 30_000);
  sweeper.unref();
  return {
    kind: 'memory',
    async get(key) {
      return data.get(key);
    },
    async set(key, value, ttlMs) {
      data.set(key, value, ttlMs);
    },
    async setIfAbsent(key, value, ttlMs) {
      if (data.pttl(key) !== -2) return false;
      data.set(key, value, ttlMs);
      return true;
    },
    async exists(key) {
      return data.pttl(key) !== -2;
    },
    async del(key) {
      data.del(key);
    },
    async incrBy(key, delta, ttlMs) {
      const isNew = data.pttl(key) === -2;
      const value = data.incrBy(key, delta);
      if (isNew && ttlMs !== undefined) data.pexpire(key, ttlMs);
      return value;
    },
    async takeToken(key: string, limit: TokenBucketLimit, cost = 1): Promise<TokenBucketResult> {
      return tokenBucketScript.memory(data, [key], [String(limit.ratePerSecond), String(limit.burst), String(cost)], Date.now());
    },
    async run<R>(script: HotScript<R>, keys: string[], args: (string | number)[]): Promise<R> {
      return script.memory(data, keys, args.map(String), Date.now());
    },
    async ping() {},
    async close() {
      clearInterval(sweeper);
    },
  };
}
