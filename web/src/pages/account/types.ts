import type { Money, Order } from '../../api/types';

/** An address as the server's ShippingAddressSchema has it (orders.schemas.ts). */
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

/** An Order with the optional fields the server sends beyond web/src/api/types.ts. */
export interface AccountOrder extends Omit<Order, 'shippingAddress'> {
  shippingAddress?: ShippingAddress;
  paymentMethod?: 'wallet' | 'sandbox';
  carrier?: string;
  trackingNumber?: string;
  refundedAt?: string;
  refundReason?: string;
}

/** The answer of `POST /orders/{id}/pay` with method `sandbox`. */
export interface SandboxPayResult {
  order: AccountOrder;
  payment: { id: string; payUrl: string };
}

/** One of the caller's claimed coupons (`GET /me/coupons`, promotions.routes.ts). */
export interface MyCoupon {
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

/** The answer of `POST /wallet/recharges`. */
export interface RechargeCreated {
  id: string;
  status: 'pending' | 'succeeded' | 'failed';
  amount: Money;
  paymentId: string;
  payUrl: string;
}

/** The answer of `POST /wallet/withdrawals`. */
export interface Withdrawal {
  id: string;
  status: string;
  amount: Money;
}

export const ORDER_STATUSES = ['pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'refunded'] as const;
