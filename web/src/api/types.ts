/** The shapes of API.md, as the web app reads them. */

export interface Money {
  amount: number;
  currency: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface User {
  id: string;
  username: string;
  roles: string[];
  createdAt: string;
}

export interface AuthResult {
  user: User;
  accessToken: string;
  refreshToken: string;
}

export interface Sku {
  id: string;
  name: string;
  attributes: Record<string, string>;
  price: Money;
  stock: number;
}

export interface Product {
  id: string;
  sellerId: string;
  title: string;
  description: string;
  categoryId: string | null;
  brandId: string | null;
  images: string[];
  status: 'listed' | 'delisted';
  skus: Sku[];
  createdAt: string;
}

/** The answer of `POST /skus/{id}/stock-adjustments`. */
export interface StockAdjustment {
  skuId: string;
  stock: number;
}

export interface Category {
  id: string;
  parentId: string | null;
  name: string;
  position: number;
  children: Category[];
}

export interface Brand {
  id: string;
  name: string;
  logoUrl: string | null;
}

export const ORDER_STATUSES = ['pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface ShippingAddress {
  recipient: string;
  phone: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2, e.g. CN. */
  country: string;
}

export interface Address extends ShippingAddress {
  id: string;
  isDefault: boolean;
}

export interface CartLine {
  skuId: string;
  productId: string;
  sellerId: string;
  title: string;
  quantity: number;
  unitPrice: Money;
  stock: number;
  purchasable: boolean;
}

export interface Cart {
  items: CartLine[];
  totals: Money[];
}

export interface OrderItem {
  skuId: string;
  productId: string;
  title: string;
  quantity: number;
  unitPrice: Money;
}

export interface Order {
  id: string;
  buyerId: string;
  sellerId: string;
  status: OrderStatus;
  source: 'regular' | 'flash_sale';
  flashSaleId?: string;
  items: OrderItem[];
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

/** The answer of `POST /orders/{id}/pay` with method `sandbox`: pay on the provider's page. */
export interface SandboxPayResult {
  order: Order;
  payment: { id: string; payUrl: string };
}

export const FLASH_SALE_STATUSES = ['scheduled', 'active', 'sold_out', 'ended'] as const;

export type FlashSaleStatus = (typeof FLASH_SALE_STATUSES)[number];

export interface FlashSale {
  id: string;
  skuId: string;
  productId: string;
  sellerId: string;
  title: string;
  price: Money;
  quantity: number;
  remaining: number;
  perUserLimit: number;
  startsAt: string;
  endsAt: string;
  requireToken: boolean;
  status: FlashSaleStatus;
}

export interface Purchase {
  purchaseId: string;
  status: 'queued' | 'succeeded' | 'failed';
  orderId?: string;
  reason?: string;
}

export interface WalletAccount {
  currency: string;
  available: number;
  frozen: number;
}

export interface Wallet {
  accounts: WalletAccount[];
  points: number;
}

export interface LedgerEntry {
  id: string;
  type: string;
  amount: Money;
  balanceAfter: number;
  reference: string;
  createdAt: string;
}

export interface Recharge {
  id: string;
  status: 'pending' | 'succeeded' | 'failed';
  amount: Money;
  paymentId: string;
  /** Only in the answer of `POST /wallet/recharges`. */
  payUrl?: string;
}

/** The answer of `POST /wallet/recharges`: the provider's page to pay on. */
export interface RechargeCreated extends Recharge {
  payUrl: string;
}

/** The answer of `POST /wallet/withdrawals`. */
export interface Withdrawal {
  id: string;
  status: 'succeeded';
  amount: Money;
}

export interface Coupon {
  id: string;
  code: string;
  sellerId: string;
  discount: Money;
  /** Zero when the coupon has no minimum. */
  minSpend: Money;
  quantity: number;
  remaining: number;
  validFrom: string;
  validUntil: string | null;
}

/** One of the caller's claimed coupons (`GET /me/coupons`). */
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

export interface Notification {
  id: string;
  type: string;
  title: string;
  body: string;
  read: boolean;
  createdAt: string;
}
