import type { HotStore } from './hot-store.js';
import { createMemoryHotStore } from './memory-store.js';
import { createRedisHotStore } from './redis-store.js';

export type { HotStore, HotScript, MemoryData, MemoryScript, TokenBucketLimit, TokenBucketResult } from './hot-store.js';
export { defineScript } from './scripts.js';
export { MemoryStream, type StreamEntry, type StreamFields } from './memory-stream.js';

/** Redis when a URL is given, otherwise the in-process store. */
export async function openHotStore(redisUrl: string | undefined, namespace: string): Promise<HotStore> {
  return redisUrl ? createRedisHotStore(redisUrl, namespace) : createMemoryHotStore();
}
