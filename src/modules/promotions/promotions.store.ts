import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/index.js';
import type { PromotionsTables } from './promotions.tables.js';

export type CouponRow = Selectable<PromotionsTables['promotions_coupons']>;

export async function insertCoupon(db: Executor, coupon: Omit<CouponRow, 'created_at' | 'remaining'>): Promise<CouponRow> {
  return db
    .insertInto('promotions_coupons')
    .values({ ...coupon, remaining: coupon.quantity })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findCouponByCode(db: Executor, code: string): Promise<CouponRow | undefined> {
  return db.selectFrom('promotions_coupons').selectAll().where('code', '=', code).executeTakeFirst();
}

/** Takes one from a coupon's remaining count while it is still claimable; false when none is left or it ended. */
export async function takeOne(db: Executor, couponId: string): Promise<boolean> {
  const row = await db
    .updateTable('promotions_coupons')
    .set((eb) => ({ remaining: eb('remaining', '-', 1) }))
    .where('id', '=', couponId)
    .where('remaining', '>', 0)
    .where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', sql<Date>`now()`)]))
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertClaim(db: Executor, claim: { id: string; couponId: string; userId: string }): Promise<boolean> {
  const row = await db
    .insertInto('promotions_claims')
    .values({ id: claim.id, coupon_id: claim.couponId, user_id: claim.userId })
    .onConflict((oc) => oc.columns(['coupon_id', 'user_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Marks the user's claim of `code` used by the order when every rule holds (claimed and
 * available, the order's seller and currency, inside the validity window, minimum spend met,
 * discount below the subtotal); returns the discount, or undefined when it cannot be used.
 */
export async function redeem(db: Executor, use: { userId: string; code: string; orderId: string; sellerId: string; currency: string; subtotal: number }): Promise<number | undefined> {
  const result = await sql<{ discount: number }>`
    update promotions_claims c set status = 'used', order_id = ${use.orderId}, used_at = now()
    from promotions_coupons k
    where c.coupon_id = k.id and k.code = ${use.code} and c.user_id = ${use.userId} and c.status = 'available'
      and k.seller_id = ${use.sellerId} and k.currency = ${use.currency}
      and k.min_spend <= ${use.subtotal} and k.discount < ${use.subtotal}
      and k.valid_from <= now() and (k.valid_until is null or k.valid_until > now())
    returning k.discount`.execute(db);
  return result.rows[0]?.discount;
}

/** The order's coupon becomes available again (at most one row, at most once). */
export async function giveBack(db: Executor, orderId: string): Promise<number> {
  const rows = await db
    .updateTable('promotions_claims')
    .set({ status: 'available', order_id: null, used_at: null })
    .where('order_id', '=', orderId)
    .where('status', '=', 'used')
    .returning('id')
    .execute();
  return rows.length;
}

export async function claimsOf(db: Executor, userId: string, limit: number, offset: number) {
  return db
    .selectFrom('promotions_claims as c')
    .innerJoin('promotions_coupons as k', 'k.id', 'c.coupon_id')
    .select(['c.id', 'c.status', 'c.order_id', 'c.claimed_at', 'k.id as coupon_id', 'k.code', 'k.seller_id', 'k.currency', 'k.discount', 'k.min_spend', 'k.valid_from', 'k.valid_until'])
    .where('c.user_id', '=', userId)
    .orderBy('c.claimed_at', 'desc')
    .orderBy('c.id', 'desc')
    .offset(offset)
    .limit(limit)
    .execute();
}

export async function couponsOf(db: Executor, sellerId: string, onlyClaimable: boolean): Promise<CouponRow[]> {
  let query = db.selectFrom('promotions_coupons').selectAll().where('seller_id', '=', sellerId);
  if (onlyClaimable) query = query.where('remaining', '>', 0).where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>', sql<Date>`now()`)]));
  return query.orderBy('created_at', 'desc').limit(100).execute();
}
