import type { HotStore } from '../../platform/hot-store/index.js';
import * as scripts from './hot-sale.scripts.js';
import type { HotSnapshot } from './hot-sale.scripts.js';

export type { HotSnapshot } from './hot-sale.scripts.js';

/** What the hot store must know of a sale to admit purchases without the database. */
export interface HotSaleDefinition {
  id: string;
  quantity: number;
  startsAt: Date;
  endsAt: Date;
  perUserLimit: number;
  ended: boolean;
  requireToken: boolean;
  sellerId: string;
}

export interface AdmissionRequest {
  userId: string;
  quantity: number;
  purchaseId: string;
  token: string | undefined;
}

export const ADMISSION_CODES = ['queued', 'not_ready', 'rate_limited', 'bad_token', 'not_started', 'ended', 'over_limit', 'sold_out', 'own_sale'] as const;
export type AdmissionCode = (typeof ADMISSION_CODES)[number];

export interface AdmissionResult {
  code: AdmissionCode;
  retryAfterMs: number;
}

/** A purchase as a drain worker took it from the sale's stream. */
export interface TakenPurchase {
  entryId: string;
  purchaseId: string;
  userId: string;
  quantity: number;
  acceptedAt: Date;
}

/** Keys of one sale: one hash tag, so a Redis Cluster keeps them in one slot (scripts need that). */
function keysOf(saleId: string) {
  const base = `fs:{${saleId}}:`;
  return {
    state: `${base}s`,
    users: `${base}u`,
    queue: `${base}q`,
    queued: `${base}p`,
    returned: `${base}r`,
    bucket: (userId: string) => `${base}b:${userId}`,
    token: (userId: string) => `${base}t:${userId}`,
  };
}

const FILL_CHUNK = 1000;

/**
 * A sale's hot state: remaining quantity, quantity in flight, per-user counts and the durable
 * stream of accepted purchases, changed only by atomic scripts.
 */
export function createHotSales(hot: HotStore, options: { ratePerUser: number }) {
  const burst = Math.max(1, options.ratePerUser);
  return {
    async admit(saleId: string, requests: AdmissionRequest[], now: number): Promise<{ results: AdmissionResult[]; remaining: number }> {
      const k = keysOf(saleId);
      const keys = [k.state, k.users, k.queue, k.queued, ...requests.flatMap((r) => [k.bucket(r.userId), k.token(r.userId)])];
      const args = [now, options.ratePerUser, burst, ...requests.flatMap((r) => [r.userId, r.quantity, r.purchaseId, r.token ?? ''])];
      const reply = await hot.run(scripts.admitScript, keys, args);
      const results = requests.map((_, i) => ({ code: ADMISSION_CODES[reply[2 * i] ?? 1] ?? 'not_ready', retryAfterMs: reply[2 * i + 1] ?? 0 }));
      return { results, remaining: reply[reply.length - 1] ?? -1 };
    },

    async take(saleId: string, consumer: string, count: number, claimIdleMs: number): Promise<TakenPurchase[]> {
      const flat = await hot.run(scripts.takeScript, [keysOf(saleId).queue], [consumer, count, claimIdleMs]);
      const taken: TakenPurchase[] = [];
      for (let i = 0; i + 4 < flat.length; i += 5) {
        taken.push({ entryId: flat[i] ?? '', purchaseId: flat[i + 1] ?? '', userId: flat[i + 2] ?? '', quantity: Number(flat[i + 3]), acceptedAt: new Date(Number(flat[i + 4])) });
      }
      return taken;
    },

    /** After the commit: the purchases leave the stream; failed ones give their quantity back. */
    async ack(saleId: string, decided: { purchase: TakenPurchase; failed: boolean }[]): Promise<void> {
      if (decided.length === 0) return;
      const k = keysOf(saleId);
      const args = decided.flatMap(({ purchase: p, failed }) => [p.entryId, p.purchaseId, p.userId, p.quantity, failed ? 1 : 0]);
      await hot.run(scripts.ackScript, [k.state, k.users, k.queue, k.queued], args);
    },

    /** Quantity of ended orders back on sale, once per order. */
    async giveBack(saleId: string, orders: { orderId: string; userId: string; quantity: number }[]): Promise<number> {
      if (orders.length === 0) return 0;
      const k = keysOf(saleId);
      return hot.run(scripts.giveBackScript, [k.state, k.users, k.returned], orders.flatMap((o) => [o.orderId, o.userId, o.quantity]));
    },

    /**
     * Creates the hot state when it is absent: per-user counts and given-back orders first,
     * then the state itself (which opens admission). Returns false when it already existed.
     */
    async warm(sale: HotSaleDefinition, remaining: number, users: Map<string, number>, returned: string[]): Promise<boolean> {
      const k = keysOf(sale.id);
      const fill = async (hash: string, pairs: string[]) => {
        for (let i = 0; i < pairs.length; i += FILL_CHUNK * 2) {
          if ((await hot.run(scripts.warmFillScript, [k.state, hash], pairs.slice(i, i + FILL_CHUNK * 2))) === 0) return false;
        }
        return true;
      };
      if (!(await fill(k.users, [...users].flatMap(([user, qty]) => [user, String(qty)])))) return false;
      if (!(await fill(k.returned, returned.flatMap((id) => [id, '1'])))) return false;
      const args = [remaining, sale.quantity, sale.startsAt.getTime(), sale.endsAt.getTime(), sale.perUserLimit, sale.ended ? 1 : 0, sale.requireToken ? 1 : 0, sale.sellerId];
      return (await hot.run(scripts.warmCreateScript, [k.state, k.queue], args)) === 1;
    },

    async update(sale: Pick<HotSaleDefinition, 'id' | 'startsAt' | 'endsAt' | 'ended'>): Promise<void> {
      await hot.run(scripts.updateSaleScript, [keysOf(sale.id).state], [sale.startsAt.getTime(), sale.endsAt.getTime(), sale.ended ? 1 : 0]);
    },

    adjust(saleId: string, delta: number): Promise<number> {
      return hot.run(scripts.adjustScript, [keysOf(saleId).state], [delta]);
    },

    snapshot(saleId: string): Promise<HotSnapshot> {
      const k = keysOf(saleId);
      return hot.run(scripts.snapshotScript, [k.state, k.queue], []);
    },

    /** The remaining quantity, or undefined when the hot state is absent. */
    async remaining(saleId: string): Promise<number | undefined> {
      const value = await hot.run(scripts.remainingScript, [keysOf(saleId).state], []);
      return value < 0 ? undefined : value;
    },

    /** Whether the queued purchase is still waiting in the stream, and for whom. */
    async queuedBuyer(saleId: string, purchaseId: string): Promise<string | undefined> {
      return (await hot.run(scripts.queuedScript, [keysOf(saleId).queued], [purchaseId])) ?? undefined;
    },

    issueToken(saleId: string, userId: string, token: string, ttlMs: number, multiple: number, now: number) {
      const k = keysOf(saleId);
      return hot.run(scripts.issueTokenScript, [k.state, k.token(userId)], [token, ttlMs, multiple, now]);
    },

    /** A settled sale's keys live on a while, then go. */
    async expire(saleId: string, ttlMs: number): Promise<void> {
      const k = keysOf(saleId);
      await hot.run(scripts.expireSaleScript, [k.state, k.users, k.queue, k.queued, k.returned], [ttlMs]);
    },
  };
}

export type HotSales = ReturnType<typeof createHotSales>;
