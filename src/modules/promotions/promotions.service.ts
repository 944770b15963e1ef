import { randomBytes } from 'node:crypto';
import { inTransaction, isUniqueViolation, type Db, type Executor } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import type { Money } from '../../platform/money/index.js';
import { newId } from '../../platform/ids.js';
import * as store from './promotions.store.js';
import type { CouponRow } from './promotions.store.js';

export interface Coupon {
  id: string;
  code: string;
  sellerId: string;
  discount: Money;
  minSpend: Money;
  quantity: number;
  remaining: number;
  validFrom: string;
  validUntil: string | null;
}

export interface ClaimedCoupon {
  id: string;
  couponId: string;
  code: string;
  sellerId: string;
  discount: Money;
  minSpend: Money;
  validFrom: string;
  validUntil: string | null;
  status: 'available' | 'used' | 'expired';
  orderId: string | null;
}

export interface CouponInput {
  discount: Money;
  minSpend?: Money;
  quantity: number;
  validFrom?: string;
  validUntil?: string;
}

// No 0/O, 1/I/L: a code people can read aloud and type.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function newCode(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
}

function toCoupon(row: CouponRow): Coupon {
  return {
    id: row.id,
    code: row.code,
    sellerId: row.seller_id,
    discount: { amount: row.discount, currency: row.currency },
    minSpend: { amount: row.min_spend, currency: row.currency },
    quantity: row.quantity,
    remaining: row.remaining,
    validFrom: row.valid_from.toISOString(),
    validUntil: row.valid_until?.toISOString() ?? null,
  };
}

const unavailable = (why: string) => new AppError('coupon_unavailable', why);

/** Coupons: a seller issues, a user claims once, an order redeems once and gives it back if cancelled. */
export function createPromotionsService(db: Db, currencies: string[]) {
  return {
    async issue(sellerId: string, input: CouponInput): Promise<Coupon> {
      const currency = input.discount.currency;
      if (!currencies.includes(currency)) throw new AppError('validation_failed', `currency ${currency} is not enabled`, { errors: [{ path: '/discount/currency', message: `must be one of ${currencies.join(', ')}` }] });
      if (input.minSpend && input.minSpend.currency !== currency) throw new AppError('validation_failed', 'minSpend is in the currency of the discount', { errors: [{ path: '/minSpend/currency', message: `must be ${currency}` }] });
      const validFrom = input.validFrom ? new Date(input.validFrom) : new Date();
      const validUntil = input.validUntil ? new Date(input.validUntil) : null;
      if (validUntil && (validUntil <= validFrom || validUntil <= new Date())) throw new AppError('validation_failed', 'validUntil must be later than validFrom and now', { errors: [{ path: '/validUntil', message: 'already over' }] });
      for (;;) {
        try {
          const row = await store.insertCoupon(db, {
            id: newId(),
            code: newCode(),
            seller_id: sellerId,
            currency,
            discount: input.discount.amount,
            min_spend: input.minSpend?.amount ?? 0,
            quantity: input.quantity,
            valid_from: validFrom,
            valid_until: validUntil,
          });
          return toCoupon(row);
        } catch (error) {
          if (!isUniqueViolation(error)) throw error; // a code drawn twice (31^10 codes): draw again
        }
      }
    },

    /** One claim per user; none left or ended → 409 coupon_unavailable; unknown code → 404. */
    async claim(userId: string, code: string): Promise<{ id: string; code: string; status: 'available' }> {
      return inTransaction(db, async (tx) => {
        const coupon = await store.findCouponByCode(tx, code);
        if (!coupon) throw new AppError('not_found', 'no such coupon');
        if (!(await store.takeOne(tx, coupon.id))) throw unavailable('none of this coupon is left, or it has ended');
        const id = newId();
        if (!(await store.insertClaim(tx, { id, couponId: coupon.id, userId }))) throw unavailable('you have claimed this coupon already');
        return { id, code, status: 'available' as const };
      });
    },

    /** Redeems the caller's claimed coupon for one order (the saga step); 409 coupon_unavailable when it cannot be used. */
    async redeem(tx: Executor, use: { userId: string; code: string; orderId: string; sellerId: string; subtotal: Money }): Promise<Money> {
      const discount = await store.redeem(tx, { ...use, currency: use.subtotal.currency, subtotal: use.subtotal.amount });
      if (discount === undefined) throw unavailable('the coupon is not claimed, used, expired, for another seller, or the order is below its minimum spend');
      return { amount: discount, currency: use.subtotal.currency };
    },

    /** The order was cancelled or expired (or its placement rolled back): its coupon can be used again. Safe to repeat. */
    giveBack: (tx: Executor, orderId: string): Promise<number> => store.giveBack(tx, orderId),

    async myCoupons(userId: string, limit: number, offset: number): Promise<ClaimedCoupon[]> {
      const now = Date.now();
      const rows = await store.claimsOf(db, userId, limit, offset);
      return rows.map((row) => ({
        id: row.id,
        couponId: row.coupon_id,
        code: row.code,
        sellerId: row.seller_id,
        discount: { amount: row.discount, currency: row.currency },
        minSpend: { amount: row.min_spend, currency: row.currency },
        validFrom: row.valid_from.toISOString(),
        validUntil: row.valid_until?.toISOString() ?? null,
        status: row.status === 'used' ? 'used' : row.valid_until && row.valid_until.getTime() <= now ? 'expired' : 'available',
        orderId: row.order_id,
      }));
    },

    async sellerCoupons(sellerId: string, onlyClaimable: boolean): Promise<Coupon[]> {
      return (await store.couponsOf(db, sellerId, onlyClaimable)).map(toCoupon);
    },
  };
}

export type PromotionsService = ReturnType<typeof createPromotionsService>;
