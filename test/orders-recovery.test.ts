/**
 * What workers do for orders without anyone asking, on the embedded adapters and the real
 * services: a placement whose process died between saga steps is compensated (stock and coupon
 * given back, exactly once), and a shipped order nobody confirms completes by the calendar.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../src/platform/db/index.js';
import { MODES, useTestApp } from './support/harness.js';
import { assertAuditClean, available, fund, waitFor, type Money } from './support/wallet-helpers.js';

const cny = (amount: number): Money => ({ amount, currency: 'CNY' });
type Product = { id: string; skus: { id: string; stock: number }[] };
type Order = { id: string; status: string; total: Money; completedAt?: string };

for (const mode of MODES) {
  describe(`orders: workers finish what nobody finishes (${mode})`, () => {
    const ctx = useTestApp(mode, { FLASHMART_SAGA_TIMEOUT_SECONDS: '1' });
    let counter = 0;
    const user = async (prefix: string) => {
      const res = await ctx.api.register(`${prefix}_${++counter}`);
      return { id: res.user.id, token: res.accessToken };
    };
    const db = () => ctx.t.app.platform.database.db;

    async function publish(token: string, stock: number): Promise<Product> {
      const res = await ctx.api.post<Product>('/api/v1/products', { token, body: { title: 'Tea bowl', skus: [{ price: cny(1500), stock }] } });
      assert.equal(res.status, 201, res.text);
      return res.body;
    }

    const stockOf = async (skuId: string) => {
      const row = await db().selectFrom('inventory_stock').select(['available', 'reserved']).where('sku_id', '=', skuId).executeTakeFirstOrThrow();
      return { available: Number(row.available), reserved: Number(row.reserved) };
    };

    it('a placement abandoned after reserving stock (and after redeeming a coupon) is compensated once; the stock and coupon can be used again', async () => {
      const seller = await user('rec_seller');
      const buyer = await user('rec_buyer');
      const product = await publish(seller.token, 5);
      const skuId = product.skus[0]?.id ?? '';
      const coupon = await ctx.api.post<{ code: string }>('/api/v1/coupons', { token: seller.token, body: { discount: cny(100), quantity: 5 } });
      assert.equal(coupon.status, 201, coupon.text);
      assert.equal((await ctx.api.post(`/api/v1/coupons/${coupon.body.code}/claim`, { token: buyer.token })).status, 201);

      // Two placements as a process leaves them when it dies between steps: the saga's record and
      // its reservation (step 1), and for the second also its coupon (step 2), but no order (step 3).
      const { inventory, promotions } = ctx.t.app.modules;
      const abandoned = [randomUUID(), randomUUID()];
      await inTransaction(db(), async (tx) => {
        for (const [i, id] of abandoned.entries()) {
          await tx.insertInto('orders_sagas').values({ id, buyer_id: buyer.id, step: i === 0 ? 'stock_reserved' : 'coupon_redeemed', failure: null }).execute();
          await inventory.reserve(tx, id, [{ skuId, quantity: 2 }], buyer.id);
        }
        await promotions.redeem(tx, { userId: buyer.id, code: coupon.body.code, orderId: abandoned[1] ?? '', sellerId: seller.id, subtotal: cny(3000) });
      });
      assert.deepEqual(await stockOf(skuId), { available: 1, reserved: 4 });

      // The worker's recovery finds them once they have been still for FLASHMART_SAGA_TIMEOUT_SECONDS.
      const sagas = () => db().selectFrom('orders_sagas').select(['id', 'status', 'failure']).where('id', 'in', abandoned).orderBy('id').execute();
      await waitFor('the abandoned sagas to be compensated', async () => ((await sagas()).every((s) => s.status === 'failed') ? true : undefined), 15_000);
      assert.ok((await sagas()).every((s) => s.failure === 'abandoned'));
      assert.deepEqual(await stockOf(skuId), { available: 5, reserved: 0 }, 'both reservations released');
      const claim = await db().selectFrom('promotions_claims').select(['status', 'order_id']).where('user_id', '=', buyer.id).executeTakeFirstOrThrow();
      assert.deepEqual(claim, { status: 'available', order_id: null }, 'the coupon given back');
      // Compensating again (a second worker, a retry) changes nothing.
      assert.equal(await ctx.t.app.modules.placement.recoverStale(0), 0);
      assert.deepEqual(await stockOf(skuId), { available: 5, reserved: 0 });
      const releases = await db().selectFrom('inventory_log').select('order_id').where('reason', '=', 'placement_rolled_back').where('order_id', 'in', abandoned).execute();
      assert.equal(releases.length, 2, 'one release per abandoned placement');

      // The buyer can now buy all 5 with the coupon.
      await fund(ctx.api, buyer.token, cny(10_000));
      const order = await ctx.api.post<Order>('/api/v1/orders', { token: buyer.token, body: { items: [{ skuId, quantity: 5 }], couponCode: coupon.body.code } });
      assert.equal(order.status, 201, order.text);
      assert.deepEqual(order.body.total, cny(7400));
      await assertAuditClean(ctx.t);
    });

    it('a shipped order nobody confirms completes when its auto-confirm job comes due; the seller is paid once', async () => {
      const seller = await user('auto_seller');
      const buyer = await user('auto_buyer');
      const product = await publish(seller.token, 3);
      await fund(ctx.api, buyer.token, cny(10_000));
      const placed = await ctx.api.post<Order>('/api/v1/orders', { token: buyer.token, body: { items: [{ skuId: product.skus[0]?.id, quantity: 2 }] } });
      assert.equal(placed.status, 201, placed.text);
      const id = placed.body.id;
      assert.equal((await ctx.api.post(`/api/v1/orders/${id}/pay`, { token: buyer.token, body: { method: 'wallet' } })).status, 200);
      const shipped = await ctx.api.post<Order>(`/api/v1/orders/${id}/ship`, { token: seller.token, body: { carrier: 'EMS' } });
      assert.equal(shipped.body.status, 'shipped');

      // Due FLASHMART_AUTO_CONFIRM_DAYS (10) after shipping.
      const job = await db().selectFrom('platform_jobs').select(['run_at']).where('dedupe_key', '=', `orders.auto-confirm:${id}`).executeTakeFirstOrThrow();
      const days = (new Date(job.run_at).getTime() - Date.now()) / 86_400_000;
      assert.ok(days > 9.99 && days <= 10, `auto-confirm due in ${days} days`);
      assert.equal(await available(ctx.api, seller.token, 'CNY'), 0);

      // Ten days pass.
      await db().updateTable('platform_jobs').set({ run_at: sql<Date>`now()` }).where('dedupe_key', '=', `orders.auto-confirm:${id}`).execute();
      ctx.t.app.platform.jobs.nudge();
      const completed = await waitFor('the order to complete by itself', async () => {
        const res = await ctx.api.get<Order>(`/api/v1/orders/${id}`, { token: buyer.token });
        return res.body.status === 'completed' ? res.body : undefined;
      }, 10_000);
      assert.ok(completed.completedAt);
      assert.equal(await available(ctx.api, seller.token, 'CNY'), 3000, 'the seller is paid from escrow');
      // The buyer confirming now is too late, and pays nothing twice.
      const late = await ctx.api.post(`/api/v1/orders/${id}/confirm-receipt`, { token: buyer.token });
      assert.equal(late.status, 409, late.text);
      assert.equal(await available(ctx.api, seller.token, 'CNY'), 3000);
      await assertAuditClean(ctx.t);
    });

    it('an order the buyer confirmed is left alone when its auto-confirm job runs later', async () => {
      const seller = await user('conf_seller');
      const buyer = await user('conf_buyer');
      const product = await publish(seller.token, 3);
      await fund(ctx.api, buyer.token, cny(10_000));
      const placed = await ctx.api.post<Order>('/api/v1/orders', { token: buyer.token, body: { items: [{ skuId: product.skus[0]?.id, quantity: 1 }] } });
      const id = placed.body.id;
      assert.equal((await ctx.api.post(`/api/v1/orders/${id}/pay`, { token: buyer.token, body: { method: 'wallet' } })).status, 200);
      assert.equal((await ctx.api.post(`/api/v1/orders/${id}/ship`, { token: seller.token })).status, 200);
      assert.equal((await ctx.api.post(`/api/v1/orders/${id}/confirm-receipt`, { token: buyer.token })).status, 200);
      await db().updateTable('platform_jobs').set({ run_at: sql<Date>`now()` }).where('dedupe_key', '=', `orders.auto-confirm:${id}`).execute();
      ctx.t.app.platform.jobs.nudge();
      await waitFor('the job to run', async () => ((await db().selectFrom('platform_jobs').select('id').where('dedupe_key', '=', `orders.auto-confirm:${id}`).execute()).length === 0 ? true : undefined), 10_000);
      assert.equal(await available(ctx.api, seller.token, 'CNY'), 1500, 'paid once');
      await assertAuditClean(ctx.t);
    });
  });
}
