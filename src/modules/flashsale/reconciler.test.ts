/**
 * The I7 audit of a sale's books reads them in one snapshot, on the real services: an order
 * expiring (its unit given back) between the audit's two reads is not reported as a violation.
 * (PGlite has one session: a second transaction cannot commit while the audit's is open.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODES, useTestApp } from '../../../test/support/harness.js';
import { flashShop } from '../../../test/support/flash-helpers.js';
import { saleBooksProblems } from './reconciler.js';

for (const mode of MODES.filter((m) => m === 'services')) {
  describe(`flash sales: the I7 audit reads one snapshot (${mode})`, () => {
    const ctx = useTestApp(mode);
    const shop = flashShop(() => ctx.api);

    it('an order cancelled between the audit reads of the books and of the live orders leaves it clean', async () => {
      const seller = await shop.register('books_seller');
      const buyer = await shop.register('books_buyer');
      const { skuId } = await shop.product(seller, 3000, 5);
      const sale = await shop.runningSale(seller, skuId, 2);
      const decided = await shop.decided(buyer, sale.id, (await shop.purchase(buyer, sale.id)).body.purchaseId);
      assert.equal(decided.status, 'succeeded');
      const { orders } = ctx.t.app.modules;
      const db = ctx.t.app.platform.database.db;

      let cancelledBetween = false;
      const problems = await saleBooksProblems(db, async (executor, saleIds) => {
        // The audit has read the books; now the buyer cancels, committed on another connection.
        const cancelled = await ctx.api.post<{ status: string }>(`/api/v1/orders/${decided.orderId}/cancel`, { token: buyer.accessToken });
        assert.equal(cancelled.status, 200, cancelled.text);
        cancelledBetween = cancelled.body.status === 'cancelled';
        return orders.flashSaleQuantities(executor, saleIds);
      });
      assert.ok(cancelledBetween);
      assert.deepEqual(problems, []);
      // Read afresh, the books agree with the cancellation too.
      assert.deepEqual(await saleBooksProblems(db, orders.flashSaleQuantities), []);
      assert.equal((await shop.sale(sale.id)).remaining, 2, 'the unit went back to the sale');
    });
  });
}
