import type { ColumnType } from 'kysely';

export type ClaimStatus = 'available' | 'used';

export interface PromotionsTables {
  promotions_coupons: {
    id: string;
    code: string;
    seller_id: string;
    currency: string;
    discount: number;
    min_spend: number;
    quantity: number;
    remaining: number;
    valid_from: Date;
    valid_until: Date | null;
    created_at: ColumnType<Date, never, never>;
  };
  promotions_claims: {
    id: string;
    coupon_id: string;
    user_id: string;
    status: ColumnType<ClaimStatus, ClaimStatus | undefined, ClaimStatus>;
    order_id: string | null;
    claimed_at: ColumnType<Date, never, never>;
    used_at: ColumnType<Date | null, never, Date | null>;
  };
}

declare module '../../platform/db/tables.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tables extends PromotionsTables {}
}
