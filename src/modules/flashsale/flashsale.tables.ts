import type { ColumnType, Generated } from 'kysely';

export type SaleState = 'scheduled' | 'active' | 'ended';

export interface FlashsaleTables {
  flash_sales: {
    id: string;
    seq: Generated<number>;
    sku_id: string;
    product_id: string;
    seller_id: string;
    title: string;
    currency: string;
    price: number;
    quantity: number;
    stock: number;
    returned_to_sku: Generated<number>;
    per_user_limit: number;
    require_token: boolean;
    starts_at: Date;
    ends_at: Date;
    state: Generated<SaleState>;
    settled_at: Date | null;
    created_by: string;
    created_at: ColumnType<Date, never, never>;
  };
  flash_purchases: {
    id: string;
    sale_id: string;
    buyer_id: string;
    quantity: number;
    status: 'succeeded' | 'failed';
    order_id: string | null;
    reason: string | null;
    accepted_at: Date;
    decided_at: ColumnType<Date, never, never>;
  };
  flash_buyers: {
    sale_id: string;
    user_id: string;
    quantity: number;
    max_quantity: number;
  };
  flash_returns: {
    order_id: string;
    sale_id: string;
    buyer_id: string;
    quantity: number;
    destination: 'sale' | 'sku';
    created_at: ColumnType<Date, never, never>;
  };
}

declare module '../../platform/db/tables.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tables extends FlashsaleTables {}
}
