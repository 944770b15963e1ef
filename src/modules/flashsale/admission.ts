import { AppError } from '../../platform/http/index.js';
import { createBusyBatcher } from '../../platform/busy-batcher.js';
import { newId } from '../../platform/ids.js';
import type { AdmissionCode, AdmissionRequest, AdmissionResult, HotSales } from './hot-sale.js';

/** Most purchases of one sale sent to the hot store in one script call. */
const MAX_GROUP = 256;
/** How long a process trusts that a sale is sold out before asking the hot store again. */
const SOLD_OUT_FLAG_MS = 500;

/** A token bucket in this process (the global limit is per api process, API.md). */
function localBucket(ratePerSecond: number) {
  let tokens = ratePerSecond;
  let at = Date.now();
  return {
    take(): number {
      const now = Date.now();
      tokens = Math.min(ratePerSecond, tokens + ((now - at) * ratePerSecond) / 1000);
      at = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - tokens) * 1000) / ratePerSecond);
    },
  };
}

const REFUSALS: Partial<Record<AdmissionCode, () => AppError>> = {
  bad_token: () => new AppError('forbidden', 'this sale needs a valid order token (POST …/tokens)'),
  not_started: () => new AppError('sale_not_started', 'the sale has not started yet'),
  ended: () => new AppError('sale_ended', 'the sale has ended'),
  over_limit: () => new AppError('purchase_limit_exceeded', 'this would take you over the per-user limit of the sale'),
  sold_out: () => new AppError('sold_out', 'sold out'),
  own_sale: () => new AppError('cannot_buy_own_product', 'you cannot buy from your own sale'),
};

/**
 * Admission on the api process, touching no SQL: the local sold-out flag, the global rate
 * limit of this process, then one atomic script in the hot store (per-user rate limit, window,
 * order token, per-user limit, quantity taken and purchase enqueued together). Purchases of a
 * sale that arrive while a script call is in flight go together in the next call, so a busy
 * process sends one call per group, not one per purchase.
 */
export function createAdmission(hot: HotSales, options: { globalRate: number }) {
  const soldOutUntil = new Map<string, number>();
  const global = options.globalRate > 0 ? localBucket(options.globalRate) : undefined;
  const batchers = new Map<string, (request: AdmissionRequest) => Promise<AdmissionResult>>();

  /** Purchases of one sale arriving together share one script call. */
  function submit(saleId: string, request: AdmissionRequest): Promise<AdmissionResult> {
    let batcher = batchers.get(saleId);
    if (!batcher) {
      batcher = createBusyBatcher(async (requests: AdmissionRequest[]) => {
        const { results, remaining } = await hot.admit(saleId, requests, Date.now());
        if (remaining === 0) soldOutUntil.set(saleId, Date.now() + SOLD_OUT_FLAG_MS);
        return results;
      }, MAX_GROUP);
      batchers.set(saleId, batcher);
    }
    return batcher(request);
  }

  return {
    /**
     * Admits one purchase: its id when queued; otherwise the refusal as an AppError, or
     * `not_ready` when the hot store holds nothing for the sale (unknown, or being rebuilt).
     */
    async admit(saleId: string, userId: string, quantity: number, token: string | undefined): Promise<{ purchaseId: string } | 'not_ready'> {
      const flag = soldOutUntil.get(saleId);
      if (flag !== undefined) {
        if (flag > Date.now()) throw new AppError('sold_out', 'sold out');
        soldOutUntil.delete(saleId);
      }
      const wait = global?.take() ?? 0;
      if (wait > 0) throw new AppError('rate_limited', 'too many purchase requests right now', { retryAfterSeconds: wait / 1000 });
      const purchaseId = newId();
      const result = await submit(saleId, { userId, quantity, purchaseId, token });
      if (result.code === 'queued') return { purchaseId };
      if (result.code === 'not_ready') return 'not_ready';
      if (result.code === 'rate_limited') throw new AppError('rate_limited', 'too many purchase requests for this sale', { retryAfterSeconds: result.retryAfterMs / 1000 });
      if (result.code === 'sold_out') soldOutUntil.set(saleId, Date.now() + SOLD_OUT_FLAG_MS);
      throw (REFUSALS[result.code] ?? (() => new AppError('sold_out', 'sold out')))();
    },

    /** Quantity came back (or the hot state was rebuilt): ask the hot store again at once. */
    clearSoldOut(saleId: string): void {
      soldOutUntil.delete(saleId);
    },
  };
}

export type Admission = ReturnType<typeof createAdmission>;
