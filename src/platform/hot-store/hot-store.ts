/**
 * The hot store: fast shared state off the SQL path (admission counters, rate limits,
 * session revocations, short-lived keys). Two implementations with the same semantics:
 * memory (embedded mode, one process) and Redis (distributed mode).
 */
export interface HotStore {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets the key only if it does not exist; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  del(key: string): Promise<void>;
  /** Adds `delta` to an integer counter (created at 0); `ttlMs` is applied when the key is new. */
  incrBy(key: string, delta: number, ttlMs?: number): Promise<number>;
  /** Token bucket: takes `cost` tokens if present (cost 0 only checks that one is there). */
  takeToken(key: string, limit: TokenBucketLimit, cost?: number): Promise<TokenBucketResult>;
  /** Runs an atomic script: EVALSHA of its Lua file on Redis, its JS twin in memory. */
  run<R>(script: HotScript<R>, keys: string[], args: (string | number)[]): Promise<R>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface TokenBucketLimit {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: the burst allowed after a quiet period. */
  burst: number;
}

export interface TokenBucketResult {
  allowed: boolean;
  /** When not allowed: milliseconds until enough tokens are back. */
  retryAfterMs: number;
}

/**
 * The memory side of a script: it runs with exclusive access to the data (no await inside),
 * which gives it the same atomicity as a Lua script on Redis.
 */
export type MemoryScript<R> = (data: MemoryData, keys: string[], args: string[], nowMs: number) => R;

/** The data a memory script sees: Redis-like values with optional expiry. */
export interface MemoryData {
  get(key: string): string | null;
  set(key: string, value: string, ttlMs?: number): void;
  del(key: string): void;
  incrBy(key: string, delta: number): number;
  hget(key: string, field: string): string | null;
  hset(key: string, field: string, value: string): void;
  hdel(key: string, field: string): void;
  hgetall(key: string): Record<string, string>;
  pexpire(key: string, ttlMs: number): void;
  pttl(key: string): number;
  /** Any structured value a memory script keeps (lists, streams): never visible to Redis. */
  object<T>(key: string, create: () => T): T;
}

export interface HotScript<R> {
  readonly name: string;
  /** The Lua source, loaded once per connection and called with EVALSHA. */
  readonly lua: string;
  readonly memory: MemoryScript<R>;
  /** Turns the raw Redis reply into the same value the memory script returns. */
  readonly parseRedis: (reply: unknown) => R;
}
