import type { Money } from '../../platform/money/index.js';
import type { OrderStatus } from './order-state.js';
import type { ItemRow, OrderRow } from './orders.store.js';
import type { ShippingAddress } from './orders.tables.js';

/** API.md `Order` (optional fields are absent, not null, when they do not apply). */
export interface Order {
  id: string;
  buyerId: string;
  sellerId: string;
  status: OrderStatus;
  source: 'regular' | 'flash_sale';
  flashSaleId?: string;
  items: { skuId: string; productId: string; title: string; quantity: number; unitPrice: Money }[];
  subtotal: Money;
  discount: Money;
  total: Money;
  couponCode?: string;
  shippingAddress?: ShippingAddress;
  paymentMethod?: 'wallet' | 'sandbox';
  carrier?: string;
  trackingNumber?: string;
  expiresAt: string;
  createdAt: string;
  paidAt?: string;
  shippedAt?: string;
  completedAt?: string;
  cancelledAt?: string;
  cancelReason?: string;
  refundedAt?: string;
  refundReason?: string;
}

const optional = <K extends string, V>(key: K, value: V | null): { [P in K]?: V } => (value === null ? {} : ({ [key]: value } as { [P in K]?: V }));
const time = <K extends string>(key: K, value: Date | null) => optional(key, value ? value.toISOString() : null);

export function toOrder(row: OrderRow, items: ItemRow[]): Order {
  const money = (amount: number): Money => ({ amount, currency: row.currency });
  return {
    id: row.id,
    buyerId: row.buyer_id,
    sellerId: row.seller_id,
    status: row.status,
    source: row.source,
    ...optional('flashSaleId', row.flash_sale_id),
    items: items.map((item) => ({ skuId: item.sku_id, productId: item.product_id, title: item.title, quantity: item.quantity, unitPrice: money(item.unit_price) })),
    subtotal: money(row.subtotal),
    discount: money(row.discount),
    total: money(row.total),
    ...optional('couponCode', row.coupon_code),
    ...optional('shippingAddress', row.shipping_address),
    ...optional('paymentMethod', row.payment_method),
    ...optional('carrier', row.carrier),
    ...optional('trackingNumber', row.tracking_number),
    expiresAt: row.expires_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    ...time('paidAt', row.paid_at),
    ...time('shippedAt', row.shipped_at),
    ...time('completedAt', row.completed_at),
    ...time('cancelledAt', row.cancelled_at),
    ...optional('cancelReason', row.cancel_reason),
    ...time('refundedAt', row.refunded_at),
    ...optional('refundReason', row.refund_reason),
  };
}
