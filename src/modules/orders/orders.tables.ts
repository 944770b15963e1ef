import type { ColumnType, Generated } from 'kysely';
import type { OrderStatus } from './order-state.js';

export interface ShippingAddress {
  recipient: string;
  phone: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode?: string;
  country: string;
}

export interface OrdersTables {
  orders: {
    id: string;
    seq: Generated<number>;
    buyer_id: string;
    seller_id: string;
    status: OrderStatus;
    source: 'regular' | 'flash_sale';
    flash_sale_id: string | null;
    currency: string;
    subtotal: number;
    discount: number;
    total: number;
    coupon_code: string | null;
    shipping_address: ColumnType<ShippingAddress | null, string | null, string | null>;
    payment_method: 'wallet' | 'sandbox' | null;
    carrier: string | null;
    tracking_number: string | null;
    cancel_reason: string | null;
    refund_reason: string | null;
    expires_at: Date;
    created_at: ColumnType<Date, never, never>;
    paid_at: Date | null;
    shipped_at: Date | null;
    completed_at: Date | null;
    cancelled_at: Date | null;
    refunded_at: Date | null;
  };
  orders_items: {
    order_id: string;
    position: number;
    sku_id: string;
    product_id: string;
    title: string;
    quantity: number;
    unit_price: number;
  };
  orders_status_log: {
    id: Generated<number>;
    order_id: string;
    from_status: OrderStatus | null;
    to_status: OrderStatus;
    actor_id: string | null;
    note: string | null;
    created_at: ColumnType<Date, never, never>;
  };
  orders_sagas: {
    id: string;
    buyer_id: string;
    step: string;
    status: ColumnType<'running' | 'completed' | 'failed', 'running' | undefined, 'running' | 'completed' | 'failed'>;
    failure: string | null;
    created_at: ColumnType<Date, never, never>;
    updated_at: ColumnType<Date, never, Date>;
  };
  orders_cart_items: {
    user_id: string;
    sku_id: string;
    quantity: number;
    added_at: ColumnType<Date, never, never>;
  };
  orders_addresses: {
    id: string;
    user_id: string;
    recipient: string;
    phone: string;
    line1: string;
    line2: string | null;
    city: string;
    region: string | null;
    postal_code: string | null;
    country: string;
    is_default: boolean;
    created_at: ColumnType<Date, never, never>;
  };
}

declare module '../../platform/db/tables.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tables extends OrdersTables {}
}
