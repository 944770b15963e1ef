import type { Money } from '../../platform/money/index.js';
import type { HotSaleDefinition } from './hot-sale.js';
import type { SaleRow } from './flashsale.store.js';

export type SaleStatus = 'scheduled' | 'active' | 'sold_out' | 'ended';

/** API.md `FlashSale`. */
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
  status: SaleStatus;
}

export function isOver(row: SaleRow, now: number): boolean {
  return row.state === 'ended' || row.ends_at.getTime() <= now;
}

/** `hotRemaining` is what the hot store can still admit (undefined when it holds nothing for the sale). */
export function toFlashSale(row: SaleRow, hotRemaining: number | undefined, now = Date.now()): FlashSale {
  const over = isOver(row, now);
  const remaining = over ? 0 : (hotRemaining ?? row.stock);
  const status: SaleStatus = over ? 'ended' : row.starts_at.getTime() > now ? 'scheduled' : remaining > 0 ? 'active' : 'sold_out';
  return {
    id: row.id,
    skuId: row.sku_id,
    productId: row.product_id,
    sellerId: row.seller_id,
    title: row.title,
    price: { amount: row.price, currency: row.currency },
    quantity: row.quantity,
    remaining,
    perUserLimit: row.per_user_limit,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    requireToken: row.require_token,
    status,
  };
}

export function hotDefinition(row: SaleRow): HotSaleDefinition {
  return {
    id: row.id,
    quantity: row.quantity,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    perUserLimit: row.per_user_limit,
    ended: row.state === 'ended',
    requireToken: row.require_token,
    sellerId: row.seller_id,
  };
}
