/**
 * Shapes the seller centre reads that web/src/api/types.ts describes loosely or not at all
 * (what the server's route schemas actually answer).
 */
import type { Money, Order, Product } from '../../api/types';

/** A product as the server answers it: description is always a string, images always a list. */
export interface SellerProduct extends Omit<Product, 'description' | 'images' | 'categoryId'> {
  description: string;
  categoryId: string | null;
  brandId: string | null;
  images: string[];
}

/** A SKU as sent to POST /products and POST /products/:id/skus. */
export interface SkuInput {
  name?: string;
  attributes?: Record<string, string>;
  price: Money;
  stock: number;
}

export interface StockAdjustment {
  skuId: string;
  stock: number;
}

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

/** An order as the seller sees it, with the shipping fields the server adds. */
export interface SellerOrder extends Omit<Order, 'shippingAddress'> {
  shippingAddress?: ShippingAddress;
  carrier?: string;
  trackingNumber?: string;
}

/** A coupon the seller issued (minSpend is always present, 0 when there is none). */
export interface IssuedCoupon {
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

/** A SKU that can be put on flash sale (its product is listed). */
export interface SaleableSku {
  skuId: string;
  label: string;
  price: Money;
  stock: number;
}

/** The currencies the server enables by default (API.md "Conventions"). */
export const CURRENCIES = ['CNY', 'USD', 'JPY'] as const;
