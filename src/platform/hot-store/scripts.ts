import fs from 'node:fs';
import type { HotScript, MemoryScript } from './hot-store.js';

/** Declares an atomic script from a Lua file next to this one and its in-memory twin. */
export function defineScript<R>(
  name: string,
  luaFile: URL,
  memory: MemoryScript<R>,
  parseRedis: (reply: unknown) => R,
): HotScript<R> {
  return { name, lua: fs.readFileSync(luaFile, 'utf8'), memory, parseRedis };
}

function numberAt(reply: unknown, index: number): number {
  if (!Array.isArray(reply)) throw new TypeError('script reply is not an array');
  const value = Number(reply[index]);
  if (!Number.isFinite(value)) throw new TypeError(`script reply[${index}] is not a number`);
  return value;
}

/** Token bucket: KEYS[1] bucket; ARGV rate/s, burst, cost. Returns [allowed 0|1, retryAfterMs]. */
export const tokenBucketScript = defineScript(
  'token-bucket',
  new URL('./scripts/token-bucket.lua', import.meta.url),
  (data, keys, args, now) => {
    const key = keys[0] ?? '';
    const rate = Number(args[0]);
    const burst = Number(args[1]);
    const cost = Number(args[2]);
    const storedTokens = data.hget(key, 'tokens');
    const storedTs = data.hget(key, 'ts');
    let tokens = storedTokens === null ? burst : Number(storedTokens);
    const ts = storedTs === null ? now : Number(storedTs);
    tokens = Math.min(burst, tokens + ((now - ts) * rate) / 1000);
    const need = Math.max(cost, 1);
    let allowed = 0;
    let retry = 0;
    if (tokens >= need) {
      allowed = 1;
      tokens -= cost;
    } else {
      retry = Math.ceil(((need - tokens) * 1000) / rate);
    }
    data.hset(key, 'tokens', String(tokens));
    data.hset(key, 'ts', String(now));
    data.pexpire(key, Math.ceil((burst * 1000) / rate) + 1000);
    return { allowed: allowed === 1, retryAfterMs: retry };
  },
  (reply) => ({ allowed: numberAt(reply, 0) === 1, retryAfterMs: numberAt(reply, 1) }),
);
