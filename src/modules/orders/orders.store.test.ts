/**
 * The placement steps written as one statement on their own are all or nothing, on the
 * embedded adapters and the real services: stock short for one order, or one saga compensated
 * meanwhile, and the statement writes nothing (the group commit then decides the batch in a
 * transaction, order by order).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { inTransaction } from '../../platform/db/index.js';
import { MODES, useTestApp } from '../../../test/support/harness.js';
import * as store from './orders.store.js';
import type { NewOrder } from './orders.store.js';

for (const mode of MODES) {
  describe(`orders: single-statement placement steps (${mode})`, () => {
    const ctx = useTestApp(mode);
    const db = () => ctx.t.app.platform.database.db;

    it('reserving stock for a batch, and creating its orders, write all or nothing', async () => {
      const seller = await ctx.api.register('once_seller');
      const buyer = await ctx.api.register('once_buyer');
      const product = await ctx.api.post<{ id: string; skus: { id: string }[] }>('/api/v1/products', {
        token: seller.accessToken,
        body: { title: 'Tea bowl', skus: [{ price: { amount: 1500, currency: 'CNY' }, stock: 3 }] },
      });
      assert.equal(product.status, 201, product.text);
      const skuId = product.body.skus[0]?.id ?? '';
      const buyerId = buyer.user.id;
      const { inventory } = ctx.t.app.modules;
      const stock = async () => {
        const row = await db().selectFrom('inventory_stock').select(['available', 'reserved']).where('sku_id', '=', skuId).executeTakeFirstOrThrow();
        return { available: Number(row.available), reserved: Number(row.reserved) };
      };
      const [a, b] = [randomUUID(), randomUUID()];
      const sagas = (ids: string[]) => [store.sagaRecordset(ids.map((id) => ({ id, buyerId })), 'stock_reserved')];
      const wants = (qa: number, qb: number) => [
        { orderId: a, items: [{ skuId, quantity: qa }], actorId: buyerId },
        { orderId: b, items: [{ skuId, quantity: qb }], actorId: buyerId },
      ];

      // 2 + 2 units of a SKU holding 3: nothing reserved, no saga started.
      assert.equal(await inventory.reserveAll(db(), wants(2, 2), sagas([a, b])), false);
      assert.deepEqual(await stock(), { available: 3, reserved: 0 });
      assert.equal((await db().selectFrom('orders_sagas').select('id').where('id', 'in', [a, b]).execute()).length, 0);
      // 1 + 2 fit: both reserved, both sagas running.
      assert.equal(await inventory.reserveAll(db(), wants(1, 2), sagas([a, b])), true);
      assert.deepEqual(await stock(), { available: 0, reserved: 3 });

      // A worker compensated b meanwhile: creating both orders writes nothing; a alone is created.
      await db().updateTable('orders_sagas').set({ status: 'failed', failure: 'abandoned' }).where('id', '=', b).execute();
      const order = (id: string, quantity: number): NewOrder => ({
        id,
        buyerId,
        sellerId: seller.user.id,
        source: 'regular',
        flashSaleId: null,
        currency: 'CNY',
        subtotal: 1500 * quantity,
        discount: 0,
        couponCode: null,
        shippingAddress: null,
        expiresAt: new Date(Date.now() + 600_000),
        items: [{ skuId, productId: product.body.id, title: 'Tea bowl', quantity, unitPrice: 1500 }],
      });
      assert.equal(await store.completeSagasWithOrders(db(), [order(a, 1), order(b, 2)], []), false);
      assert.equal((await db().selectFrom('orders').select('id').where('id', 'in', [a, b]).execute()).length, 0, 'no order written');
      assert.equal((await db().selectFrom('orders_sagas').select('status').where('id', '=', a).executeTakeFirstOrThrow()).status, 'running');
      assert.equal(await store.completeSagasWithOrders(db(), [order(a, 1)], []), true);
      const created = await ctx.api.get<{ status: string; total: { amount: number } }>(`/api/v1/orders/${a}`, { token: buyer.accessToken });
      assert.deepEqual([created.body.status, created.body.total.amount], ['pending_payment', 1500]);
      // b's compensation gives its reservation back; a's stays with its order.
      await inTransaction(db(), (tx) => inventory.release(tx, [b], 'placement_rolled_back'));
      assert.deepEqual(await stock(), { available: 2, reserved: 1 });
    });
  });
}
