import type { Money } from '../../platform/money/index.js';

/** What every order event carries: enough for a consumer to act without reading the order. */
export interface OrderEventBase {
  orderId: string;
  buyerId: string;
  sellerId: string;
  total: Money;
  source: 'regular' | 'flash_sale';
  flashSaleId: string | null;
}

/** Events the orders module emits (through the outbox, in the transaction of the change). */
export interface OrderEvents {
  'order.placed': OrderEventBase;
  'order.paid': OrderEventBase & { method: 'wallet' | 'sandbox' };
  'order.shipped': OrderEventBase & { carrier: string | null; trackingNumber: string | null };
  'order.completed': OrderEventBase & { automatic: boolean };
  'order.cancelled': OrderEventBase & { reason: string };
  'order.refunded': OrderEventBase & { reason: string | null };
}

declare module '../../platform/bus/events.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventMap extends OrderEvents {}
}

declare module '../../platform/jobs/jobs.js' {
  interface JobMap {
    /** Cancels an order still unpaid at its deadline. */
    'orders.expire': { orderId: string };
    /** Cancels the orders of one flash-sale drain batch still unpaid at their deadline. */
    'orders.expire-many': { orderIds: string[] };
    /** Completes an order still unconfirmed FLASHMART_AUTO_CONFIRM_DAYS after shipping. */
    'orders.auto-confirm': { orderId: string };
  }
}
