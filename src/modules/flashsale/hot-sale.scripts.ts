import { MemoryStream, defineScript, type MemoryData } from '../../platform/hot-store/index.js';

/**
 * The atomic scripts of a sale's hot state: each a Lua file (Redis) and its twin over the
 * memory store (embedded mode), which must behave the same. Comments on semantics live in the
 * Lua files; the twins follow them line by line.
 */

const lua = (name: string) => new URL(`./scripts/${name}.lua`, import.meta.url);
const stream = (data: MemoryData, key: string) => data.object(key, () => new MemoryStream());
const exists = (data: MemoryData, key: string) => data.pttl(key) !== -2;
const num = (value: string | null | undefined, fallback = 0) => (value === null || value === undefined ? fallback : Number(value));

function hincrby(data: MemoryData, key: string, field: string, delta: number): number {
  const next = num(data.hget(key, field)) + delta;
  data.hset(key, field, String(next));
  return next;
}

function numbers(reply: unknown): number[] {
  if (!Array.isArray(reply)) throw new TypeError('script reply is not an array');
  return reply.map((value) => Number(value));
}

/** Per purchase [code, extra], then the remaining quantity. */
export const admitScript = defineScript('flash-admit', lua('admit'), (data, keys, args) => {
  const [state = '', users = '', queue = '', queued = ''] = keys;
  const now = Number(args[0]);
  const rate = Number(args[1]);
  const burst = Number(args[2]);
  const count = (args.length - 3) / 4;
  const out: number[] = [];
  if (!exists(data, state)) {
    for (let i = 0; i < count; i++) out.push(1, 0);
    return [...out, -1];
  }
  let remaining = num(data.hget(state, 'remaining'));
  const startsAt = num(data.hget(state, 'startsAt'));
  const endsAt = num(data.hget(state, 'endsAt'));
  const limit = num(data.hget(state, 'limit'));
  const ended = data.hget(state, 'ended') === '1';
  const needToken = data.hget(state, 'token') === '1';
  const seller = data.hget(state, 'seller');
  let taken = 0;
  for (let i = 0; i < count; i++) {
    const [user = '', qtyText = '0', pid = '', token = ''] = args.slice(3 + i * 4, 7 + i * 4);
    const qty = Number(qtyText);
    const bucket = keys[4 + 2 * i] ?? '';
    const tokenKey = keys[5 + 2 * i] ?? '';
    let code = 0;
    let extra = 0;
    if (rate > 0) {
      let tokens = num(data.hget(bucket, 'tokens'), burst);
      const ts = num(data.hget(bucket, 'ts'), now);
      tokens = Math.min(burst, tokens + (Math.max(0, now - ts) * rate) / 1000);
      if (tokens >= 1) tokens -= 1;
      else {
        code = 2;
        extra = Math.ceil(((1 - tokens) * 1000) / rate);
      }
      data.hset(bucket, 'tokens', String(tokens));
      data.hset(bucket, 'ts', String(now));
      data.pexpire(bucket, Math.ceil((burst * 1000) / rate) + 1000);
    }
    if (code === 0) {
      if (ended || now >= endsAt) code = 5;
      else if (now < startsAt) code = 4;
      else if (user === seller) code = 8;
      else if (needToken && (token === '' || data.get(tokenKey) !== token)) code = 3;
      else if (num(data.hget(users, user)) + qty > limit) code = 6;
      else if (remaining < qty) code = 7;
      else {
        remaining -= qty;
        taken += qty;
        hincrby(data, users, user, qty);
        stream(data, queue).add({ p: pid, u: user, q: String(qty), t: String(now) });
        data.hset(queued, pid, user);
        if (needToken) data.del(tokenKey);
      }
    }
    out.push(code, extra);
  }
  if (taken > 0) {
    hincrby(data, state, 'remaining', -taken);
    hincrby(data, state, 'inflight', taken);
  }
  return [...out, remaining];
}, numbers);

/** Flat [entry id, purchase id, user id, quantity, accepted at] per entry. */
export const takeScript = defineScript(
  'flash-take',
  lua('take'),
  (data, keys, args, now) => {
    const key = keys[0] ?? '';
    if (!exists(data, key)) return [];
    const s = stream(data, key);
    const consumer = args[0] ?? '';
    const count = Number(args[1]);
    const minIdle = Number(args[2]);
    const entries = minIdle > 0 ? s.claimIdle(consumer, minIdle, count, now) : [];
    if (entries.length < count) entries.push(...s.readNew(consumer, count - entries.length, now));
    return entries.flatMap((e) => [e.id, e.fields.p ?? '', e.fields.u ?? '', e.fields.q ?? '0', e.fields.t ?? '0']);
  },
  (reply) => (Array.isArray(reply) ? reply.map(String) : []),
);

/** [quantity acknowledged, quantity given back]. */
export const ackScript = defineScript('flash-ack', lua('ack'), (data, keys, args) => {
  const [state = '', users = '', queue = '', queued = ''] = keys;
  let done = 0;
  let back = 0;
  const s = exists(data, queue) ? stream(data, queue) : undefined;
  for (let a = 0; a < args.length; a += 5) {
    const [id = '', pid = '', user = '', qty = '0', failed = '0'] = args.slice(a, a + 5);
    if (s?.ack(id)) {
      done += Number(qty);
      if (failed === '1') {
        back += Number(qty);
        hincrby(data, users, user, -Number(qty));
      }
    }
    s?.delete(id);
    data.hdel(queued, pid);
  }
  if (done > 0) hincrby(data, state, 'inflight', -done);
  if (back > 0) hincrby(data, state, 'remaining', back);
  return [done, back];
}, numbers);

export const giveBackScript = defineScript('flash-give-back', lua('give-back'), (data, keys, args) => {
  const [state = '', users = '', returned = ''] = keys;
  if (!exists(data, state)) return 0;
  let back = 0;
  for (let a = 0; a < args.length; a += 3) {
    const [orderId = '', user = '', qty = '0'] = args.slice(a, a + 3);
    if (data.hget(returned, orderId) !== null) continue;
    data.hset(returned, orderId, '1');
    back += Number(qty);
    hincrby(data, users, user, -Number(qty));
  }
  if (back > 0) hincrby(data, state, 'remaining', back);
  return back;
}, Number);

export const warmFillScript = defineScript('flash-warm-fill', lua('warm-fill'), (data, keys, args) => {
  const [state = '', hash = ''] = keys;
  if (exists(data, state)) return 0;
  for (let a = 0; a < args.length; a += 2) data.hset(hash, args[a] ?? '', args[a + 1] ?? '');
  return 1;
}, Number);

export const warmCreateScript = defineScript('flash-warm-create', lua('warm-create'), (data, keys, args) => {
  const [state = '', queue = ''] = keys;
  if (exists(data, state)) return 0;
  const s = stream(data, queue);
  const inflight = s.allEntries().reduce((sum, e) => sum + Number(e.fields.q ?? 0), 0);
  const [remaining = '0', quantity = '0', startsAt = '0', endsAt = '0', limit = '1', ended = '0', token = '0', seller = ''] = args;
  const fields: [string, string][] = [
    ['remaining', String(Math.max(0, Number(remaining) - inflight))],
    ['inflight', String(inflight)],
    ['quantity', quantity],
    ['startsAt', startsAt],
    ['endsAt', endsAt],
    ['limit', limit],
    ['ended', ended],
    ['token', token],
    ['seller', seller],
    ['tokens', '0'],
  ];
  for (const [field, value] of fields) data.hset(state, field, value);
  return 1;
}, Number);

export const updateSaleScript = defineScript('flash-update-sale', lua('update-sale'), (data, keys, args) => {
  const state = keys[0] ?? '';
  if (!exists(data, state)) return 0;
  data.hset(state, 'startsAt', args[0] ?? '0');
  data.hset(state, 'endsAt', args[1] ?? '0');
  data.hset(state, 'ended', args[2] ?? '0');
  return 1;
}, Number);

export const adjustScript = defineScript('flash-adjust', lua('adjust'), (data, keys, args) => {
  const state = keys[0] ?? '';
  const current = data.hget(state, 'remaining');
  if (current === null) return 0;
  const next = Math.max(0, Number(current) + Number(args[0]));
  data.hset(state, 'remaining', String(next));
  return next - Number(current);
}, Number);

export interface HotSnapshot {
  exists: boolean;
  remaining: number;
  inflight: number;
  /** Purchases a worker holds unacknowledged: purchase id → quantity. */
  pending: Map<string, number>;
}

export const snapshotScript = defineScript(
  'flash-snapshot',
  lua('snapshot'),
  (data, keys): HotSnapshot => {
    const [state = '', queue = ''] = keys;
    const pending = new Map<string, number>();
    if (!exists(data, state)) return { exists: false, remaining: 0, inflight: 0, pending };
    if (exists(data, queue)) for (const e of stream(data, queue).pendingEntries()) pending.set(e.fields.p ?? '', Number(e.fields.q));
    return { exists: true, remaining: num(data.hget(state, 'remaining')), inflight: num(data.hget(state, 'inflight')), pending };
  },
  (reply): HotSnapshot => {
    if (!Array.isArray(reply)) throw new TypeError('snapshot reply is not an array');
    const pending = new Map<string, number>();
    for (let i = 3; i < reply.length; i += 2) pending.set(String(reply[i]), Number(reply[i + 1]));
    return { exists: Number(reply[0]) === 1, remaining: Number(reply[1]), inflight: Number(reply[2]), pending };
  },
);

/** code 0 issued (or the live one), 1 no hot state, 5 ended, 7 none left. */
export interface IssuedToken {
  code: number;
  token: string;
  ttlMs: number;
}

export const issueTokenScript = defineScript(
  'flash-issue-token',
  lua('issue-token'),
  (data, keys, args): IssuedToken => {
    const [state = '', tokenKey = ''] = keys;
    const [token = '', ttl = '0', multiple = '1', now = '0'] = args;
    if (!exists(data, state)) return { code: 1, token: '', ttlMs: 0 };
    if (data.hget(state, 'ended') === '1' || Number(now) >= num(data.hget(state, 'endsAt'))) return { code: 5, token: '', ttlMs: 0 };
    const existing = data.get(tokenKey);
    if (existing !== null) return { code: 0, token: existing, ttlMs: data.pttl(tokenKey) };
    if (num(data.hget(state, 'tokens')) >= num(data.hget(state, 'quantity')) * Number(multiple)) return { code: 7, token: '', ttlMs: 0 };
    hincrby(data, state, 'tokens', 1);
    data.set(tokenKey, token, Number(ttl));
    return { code: 0, token, ttlMs: Number(ttl) };
  },
  (reply): IssuedToken => {
    if (!Array.isArray(reply)) throw new TypeError('token reply is not an array');
    return { code: Number(reply[0]), token: String(reply[1]), ttlMs: Number(reply[2]) };
  },
);

export const expireSaleScript = defineScript('flash-expire-sale', lua('expire-sale'), (data, keys, args) => {
  for (const key of keys) data.pexpire(key, Number(args[0]));
  return 1;
}, Number);

export const remainingScript = defineScript('flash-remaining', lua('remaining'), (data, keys) => {
  const value = data.hget(keys[0] ?? '', 'remaining');
  return value === null ? -1 : Number(value);
}, Number);

export const queuedScript = defineScript('flash-queued', lua('queued'), (data, keys, args) => data.hget(keys[0] ?? '', args[0] ?? ''), (reply) =>
  typeof reply === 'string' ? reply : null,
);
