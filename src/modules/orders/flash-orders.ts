import { jobRecordset } from '../../platform/jobs/index.js';
import { insertRecordsets, type Recordset, type Tx } from '../../platform/db/index.js';
import * as cartStore from './cart.store.js';
import { shippingPart, toAddress } from './cart.service.js';
import * as store from './orders.store.js';

/** A flash-sale order a drain batch writes: one SKU at the sale price. */
export interface FlashOrderInput {
  id: string;
  buyerId: string;
  sellerId: string;
  flashSaleId: string;
  skuId: string;
  productId: string;
  title: string;
  quantity: number;
  unitPrice: number;
  currency: string;
}

/**
 * Flash-sale orders decided by a drain batch, in its transaction: `pending_payment` at the
 * sale price, shipped to the buyer's default address, with one expiry job for the batch.
 * (They are announced by the sale's purchase events, not one `order.placed` each.) The
 * batch's `alongside` rows (its purchase results, its event) go in the same statement.
 */
export async function createFlashOrders(tx: Tx, orders: FlashOrderInput[], expiresAt: Date, alongside: Recordset[] = []): Promise<void> {
  if (orders.length === 0) return insertRecordsets(tx, alongside);
  const first = orders[0]?.id ?? '';
  const defaults = new Map((await cartStore.defaultAddresses(tx, [...new Set(orders.map((o) => o.buyerId))])).map((row) => [row.user_id, shippingPart(toAddress(row))]));
  await store.insertOrders(
    tx,
    orders.map((o) => ({
      id: o.id,
      buyerId: o.buyerId,
      sellerId: o.sellerId,
      source: 'flash_sale' as const,
      flashSaleId: o.flashSaleId,
      currency: o.currency,
      subtotal: o.unitPrice * o.quantity,
      discount: 0,
      couponCode: null,
      shippingAddress: defaults.get(o.buyerId) ?? null,
      expiresAt,
      items: [{ skuId: o.skuId, productId: o.productId, title: o.title, quantity: o.quantity, unitPrice: o.unitPrice }],
    })),
    [jobRecordset('orders.expire-many', [{ payload: { orderIds: orders.map((o) => o.id) }, runAt: expiresAt, key: `orders.expire-many:${first}` }]), ...alongside],
  );
}
