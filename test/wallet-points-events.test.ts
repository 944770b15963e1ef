import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { publishEvent } from '../src/platform/bus/index.js';
import { inTransaction } from '../src/platform/db/index.js';
import { MODES, useTestApp } from './support/harness.js';
import { waitFor } from './support/wallet-helpers.js';

for (const mode of MODES) {
  describe(`points are credited when an order is paid, through the bus (${mode})`, () => {
    const ctx = useTestApp(mode);

    it('order.paid credits 1 point per whole unit, once even when the event comes again', async () => {
      const buyer = await ctx.api.register('points_buyer');
      const db = ctx.t.app.platform.database.db;
      const event = { orderId: 'order-points-1', buyerId: buyer.user.id, sellerId: buyer.user.id, total: { amount: 12_345, currency: 'CNY' }, source: 'regular' as const, flashSaleId: null, method: 'wallet' as const };
      await inTransaction(db, (tx) => publishEvent(tx, 'order.paid', event));
      await inTransaction(db, (tx) => publishEvent(tx, 'order.paid', event)); // a second delivery of the same payment
      const points = async () => (await ctx.api.get<{ points: number }>('/api/v1/wallet', { token: buyer.accessToken })).body.points;
      await waitFor('points credited', async () => ((await points()) > 0 ? true : undefined), 10_000);
      // Let the second event be handled too before looking again.
      await waitFor('outbox drained', async () => ((await db.selectFrom('platform_outbox').select('id').execute()).length === 0 ? true : undefined), 10_000);
      assert.equal(await points(), 123);
      const bookings = await db.selectFrom('wallet_transactions').select('id').where('reference', '=', 'points:order:order-points-1').execute();
      assert.equal(bookings.length, 1);
    });
  });
}
