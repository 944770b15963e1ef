import assert from 'node:assert/strict';
import type { Client, Response } from './client.js';
import { waitFor, type Money } from './wallet-helpers.js';

export type SaleBody = {
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
  status: 'scheduled' | 'active' | 'sold_out' | 'ended';
};

export type PurchaseBody = { purchaseId: string; status: 'queued' | 'succeeded' | 'failed'; orderId?: string; reason?: string };

export type User = { user: { id: string; username: string }; accessToken: string };

export const cny = (amount: number): Money => ({ amount, currency: 'CNY' });

/** The shop-side steps of flash-sale scenarios, over HTTP. */
export function flashShop(api: () => Client) {
  let serial = 0;
  return {
    async register(prefix: string): Promise<User> {
      serial += 1;
      return api().register(`${prefix}_${serial}_${Math.random().toString(36).slice(2, 6)}`);
    },

    /** A listed product with one SKU at `price` with `stock` units. */
    async product(seller: User, price: number, stock: number): Promise<{ productId: string; skuId: string }> {
      const res = await api().post<{ id: string; skus: { id: string }[] }>('/api/v1/products', {
        token: seller.accessToken,
        body: { title: `Flash goods ${serial}`, skus: [{ name: 'one', price: cny(price), stock }] },
      });
      assert.equal(res.status, 201, res.text);
      const sku = res.body.skus[0];
      assert.ok(sku);
      return { productId: res.body.id, skuId: sku.id };
    },

    createSale(seller: User, body: Record<string, unknown>): Promise<Response<SaleBody>> {
      return api().post<SaleBody>('/api/v1/flash-sales', { token: seller.accessToken, body });
    },

    /** A sale that is running now: created a moment ahead, then started by waiting out the second. */
    async runningSale(seller: User, skuId: string, quantity: number, options: { price?: number; perUserLimit?: number; requireToken?: boolean; endsInMs?: number } = {}): Promise<SaleBody> {
      const startsAt = new Date(Date.now() + 300);
      const res = await api().post<SaleBody>('/api/v1/flash-sales', {
        token: seller.accessToken,
        body: {
          skuId,
          price: cny(options.price ?? 100),
          quantity,
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + (options.endsInMs ?? 600_000)).toISOString(),
          ...(options.perUserLimit !== undefined && { perUserLimit: options.perUserLimit }),
          ...(options.requireToken !== undefined && { requireToken: options.requireToken }),
        },
      });
      assert.equal(res.status, 201, res.text);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, startsAt.getTime() - Date.now() + 20)));
      return res.body;
    },

    purchase(buyer: User, saleId: string, body: { quantity?: number; token?: string } = {}): Promise<Response<PurchaseBody>> {
      return api().post<PurchaseBody>(`/api/v1/flash-sales/${saleId}/purchases`, { token: buyer.accessToken, body });
    },

    /** Waits until the purchase is decided and returns its answer. */
    async decided(buyer: User, saleId: string, purchaseId: string, timeoutMs = 15_000): Promise<PurchaseBody> {
      return waitFor(
        `purchase ${purchaseId} decided`,
        async () => {
          const res = await api().get<PurchaseBody>(`/api/v1/flash-sales/${saleId}/purchases/${purchaseId}`, { token: buyer.accessToken });
          assert.equal(res.status, 200, res.text);
          return res.body.status === 'queued' ? undefined : res.body;
        },
        timeoutMs,
        20,
      );
    },

    async sale(saleId: string): Promise<SaleBody> {
      const res = await api().get<SaleBody>(`/api/v1/flash-sales/${saleId}`);
      assert.equal(res.status, 200, res.text);
      return res.body;
    },
  };
}
