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

export type OrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'cancelled' | 'refunded';

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
  shippingAddress?: ShippingAddress | null;
  expiresAt: string;
  createdAt: string;
  paidAt?: string;
  shippedAt?: string;
  completedAt?: string;
  cancelledAt?: string;
  cancelReason?: string;
}

export type FlashSaleStatus = 'scheduled' | 'active' | 'sold_out' | 'ended';

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
  reference: string | null;
  createdAt: string;
}

export interface Recharge {
  id: string;
  status: 'pending' | 'succeeded' | 'failed';
  amount: Money;
  paymentId: string;
  payUrl?: string;
}

export interface Coupon {
  id: string;
  code: string;
  sellerId: string;
  discount: Money;
  minSpend: Money | null;
  quantity: number;
  remaining: number;
  validFrom: string;
  validUntil: string | null;
}

export interface ClaimedCoupon {
  id: string;
  code: string;
  status: 'available' | 'used' | 'expired';
  discount?: Money;
  minSpend?: Money | null;
  sellerId?: string;
  validUntil?: string | null;
}

export interface Notification {
  id: string;
  type: string;
  title: string;
  body: string;
  read: boolean;
  createdAt: string;
}
