/**
 * Flash sales through HTTP (API.md "Flash sales"; ARCHITECTURE.md I1, I2, I6, I7), in every
 * mode: creating, listing, starting, admission with each refusal, tokens, the drain's answers,
 * expiry giving quantity back, settlement at the end, and a clean audit.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import { auditChecks } from '../src/app.js';
import { createHotSales } from '../src/modules/flashsale/index.js';
import { runAudit } from '../src/platform/audit.js';
import { MODES, useTestApp } from './support/harness.js';
import { cny, flashShop, type SaleBody, type User } from './support/flash-helpers.js';
import { assertAuditClean, assertProblem, fund, sleep, waitFor } from './support/wallet-helpers.js';

const ADMIN = { username: 'flash_admin', password: 'flash admin password' };

for (const mode of MODES) {
  describe(`flash sales (${mode})`, () => {
    const ctx = useTestApp(mode, {
      FLASHMART_ADMIN_USERNAME: ADMIN.username,
      FLASHMART_ADMIN_PASSWORD: ADMIN.password,
      FLASHMART_FLASH_PAYMENT_TIMEOUT_SECONDS: '3',
      FLASHMART_FLASH_RECONCILE_SECONDS: '1',
    });
    const shop = flashShop(() => ctx.api);
    let seller: User;
    let adminToken = '';

    const skuStock = async (skuId: string) => Number((await ctx.t.app.platform.database.db.selectFrom('inventory_stock').select('available').where('sku_id', '=', skuId).executeTakeFirstOrThrow()).available);

    it('creates a sale: quantity leaves the SKU stock; bad input, strangers and short stock are refused and change nothing', async () => {
      seller = await shop.register('seller');
      const login = await ctx.api.post<{ accessToken: string }>('/api/v1/auth/login', { body: ADMIN });
      assert.equal(login.status, 200, login.text);
      adminToken = login.body.accessToken;
      const { skuId } = await shop.product(seller, 5000, 50);
      const startsAt = new Date(Date.now() + 60_000).toISOString();
      const endsAt = new Date(Date.now() + 120_000).toISOString();
      const stranger = await shop.register('stranger');
      const base = { skuId, price: cny(1000), quantity: 20, startsAt, endsAt };

      assertProblem(await shop.createSale(stranger, base), 403, 'forbidden');
      assertProblem(await shop.createSale(seller, { ...base, quantity: 51 }), 409, 'insufficient_stock');
      assertProblem(await shop.createSale(seller, { ...base, startsAt: new Date(Date.now() - 60_000).toISOString() }), 400, 'validation_failed');
      assertProblem(await shop.createSale(seller, { ...base, endsAt: startsAt }), 400, 'validation_failed');
      assertProblem(await shop.createSale(seller, { ...base, price: { amount: 1000, currency: 'USD' } }), 400, 'validation_failed');
      assertProblem(await shop.createSale(seller, { ...base, quantity: 0 }), 400, 'validation_failed');
      assertProblem(await shop.createSale(seller, { ...base, price: { amount: 10.5, currency: 'CNY' } }), 400, 'validation_failed');
      assertProblem(await shop.createSale(seller, { ...base, extra: true }), 400, 'validation_failed');
      assertProblem(await shop.createSale(seller, { ...base, skuId: '00000000-0000-4000-8000-000000000000' }), 404, 'not_found');
      assertProblem(await ctx.api.post('/api/v1/flash-sales', { body: base }), 401, 'unauthorized');
      assert.equal(await skuStock(skuId), 50, 'refusals changed nothing');

      const res = await shop.createSale(seller, base);
      assert.equal(res.status, 201, res.text);
      const sale = res.body;
      assert.equal(sale.status, 'scheduled');
      assert.equal(sale.remaining, 20);
      assert.equal(sale.perUserLimit, 1);
      assert.equal(sale.requireToken, false);
      assert.deepEqual(sale.price, cny(1000));
      assert.equal(await skuStock(skuId), 30);

      const got = await shop.sale(sale.id);
      assert.deepEqual(got, sale);
      assertProblem(await ctx.api.get('/api/v1/flash-sales/00000000-0000-4000-8000-000000000000'), 404, 'not_found');
      assertProblem(await ctx.api.get('/api/v1/flash-sales/not-a-uuid'), 400, 'validation_failed');
      const scheduled = await ctx.api.get<{ items: SaleBody[] }>('/api/v1/flash-sales?status=scheduled&limit=100');
      assert.equal(scheduled.status, 200, scheduled.text);
      assert.ok(scheduled.body.items.some((s) => s.id === sale.id));
      const ended = await ctx.api.get<{ items: SaleBody[] }>('/api/v1/flash-sales?status=ended&limit=100');
      assert.ok(!ended.body.items.some((s) => s.id === sale.id));

      const buyer = await shop.register('early');
      assertProblem(await shop.purchase(buyer, sale.id), 409, 'sale_not_started');
      assertProblem(await ctx.api.post(`/api/v1/admin/flash-sales/${sale.id}/start`, { token: seller.accessToken }), 403, 'forbidden');
      const started = await ctx.api.post<SaleBody>(`/api/v1/admin/flash-sales/${sale.id}/start`, { token: adminToken });
      assert.equal(started.status, 200, started.text);
      assert.equal(started.body.status, 'active');
      assertProblem(await ctx.api.post(`/api/v1/admin/flash-sales/${sale.id}/start`, { token: adminToken }), 409, 'invalid_state');

      const queued = await shop.purchase(buyer, sale.id);
      assert.equal(queued.status, 202, queued.text);
      assert.equal(queued.body.status, 'queued');
      const answer = await shop.decided(buyer, sale.id, queued.body.purchaseId);
      assert.equal(answer.status, 'succeeded');
      assert.ok(answer.orderId);
      const order = await ctx.api.get<{ status: string; source: string; flashSaleId: string; total: { amount: number }; items: { quantity: number; unitPrice: { amount: number } }[] }>(`/api/v1/orders/${answer.orderId}`, { token: buyer.accessToken });
      assert.equal(order.status, 200, order.text);
      assert.equal(order.body.status, 'pending_payment');
      assert.equal(order.body.source, 'flash_sale');
      assert.equal(order.body.flashSaleId, sale.id);
      assert.equal(order.body.total.amount, 1000, 'the sale price, not the catalog price');
      assertProblem(await ctx.api.get(`/api/v1/flash-sales/${sale.id}/purchases/${queued.body.purchaseId}`, { token: stranger.accessToken }), 404, 'not_found');
      assertProblem(await shop.purchase(buyer, sale.id), 409, 'purchase_limit_exceeded');
      assertProblem(await shop.purchase(seller, sale.id), 422, 'cannot_buy_own_product');
      assertProblem(await shop.purchase(buyer, '00000000-0000-4000-8000-000000000000'), 404, 'not_found');
      assertProblem(await shop.purchase(buyer, sale.id, { quantity: 0 }), 400, 'validation_failed');
      assert.equal((await shop.sale(sale.id)).remaining, 19);
    });

    it('sells out: the last units go, then 409 sold_out and status sold_out', async () => {
      const { skuId } = await shop.product(seller, 3000, 10);
      const sale = await shop.runningSale(seller, skuId, 2);
      const buyers = await Promise.all([1, 2, 3].map(() => shop.register('buyer')));
      const results = [];
      for (const buyer of buyers) results.push(await shop.purchase(buyer, sale.id));
      assert.deepEqual(results.map((r) => r.status), [202, 202, 409]);
      assertProblem(results[2] ?? (assert.fail('three answers') as never), 409, 'sold_out');
      const after = await shop.sale(sale.id);
      assert.equal(after.remaining, 0);
      assert.equal(after.status, 'sold_out');
      const list = await ctx.api.get<{ items: SaleBody[] }>('/api/v1/flash-sales?status=sold_out&limit=100');
      assert.ok(list.body.items.some((s) => s.id === sale.id));
    });

    it('order tokens: required when the sale says so, one live per user, used up by a purchase', async () => {
      const { skuId } = await shop.product(seller, 3000, 10);
      const sale = await shop.runningSale(seller, skuId, 1, { requireToken: true });
      const buyer = await shop.register('tokened');
      assertProblem(await shop.purchase(buyer, sale.id), 403, 'forbidden');
      const first = await ctx.api.post<{ token: string; expiresAt: string }>(`/api/v1/flash-sales/${sale.id}/tokens`, { token: buyer.accessToken });
      assert.equal(first.status, 201, first.text);
      assert.ok(Date.parse(first.body.expiresAt) > Date.now());
      const again = await ctx.api.post<{ token: string }>(`/api/v1/flash-sales/${sale.id}/tokens`, { token: buyer.accessToken });
      assert.equal(again.body.token, first.body.token, 'one live token per user and sale');
      assertProblem(await shop.purchase(buyer, sale.id, { token: 'wrong-token' }), 403, 'forbidden');
      const ok = await shop.purchase(buyer, sale.id, { token: first.body.token });
      assert.equal(ok.status, 202, ok.text);
      // Tokens are issued up to twice the quantity (1): the second user gets one, the third none.
      const others = await Promise.all([1, 2].map(() => shop.register('late')));
      const second = await ctx.api.post(`/api/v1/flash-sales/${sale.id}/tokens`, { token: others[0]?.accessToken ?? '' });
      assert.equal(second.status, 201, second.text);
      assertProblem(await ctx.api.post(`/api/v1/flash-sales/${sale.id}/tokens`, { token: others[1]?.accessToken ?? '' }), 409, 'sold_out');
      assertProblem(await ctx.api.post('/api/v1/flash-sales/00000000-0000-4000-8000-000000000000/tokens', { token: buyer.accessToken }), 404, 'not_found');
    });

    it('rate limits one user: a burst beyond the per-user rate gets 429 with Retry-After', async () => {
      const { skuId } = await shop.product(seller, 3000, 100);
      const sale = await shop.runningSale(seller, skuId, 100, { perUserLimit: 100 });
      const buyer = await shop.register('hasty');
      const results = await Promise.all(Array.from({ length: 20 }, () => shop.purchase(buyer, sale.id)));
      const limited = results.filter((r) => r.status === 429);
      const queued = results.filter((r) => r.status === 202);
      assert.equal(queued.length, 5, 'the default rate lets a burst of 5 through');
      assert.equal(limited.length, 15);
      for (const r of limited) {
        assertProblem(r, 429, 'rate_limited');
        assert.ok(Number(r.headers['retry-after']) >= 1);
      }
    });

    it('an unpaid order expires: its quantity returns to the sale once and counts no more toward the limit; a paid one stays', async () => {
      const { skuId } = await shop.product(seller, 3000, 10);
      const sale = await shop.runningSale(seller, skuId, 2);
      const [slow, payer] = await Promise.all([shop.register('slow'), shop.register('payer')]);
      await fund(ctx.api, payer.accessToken, cny(10_000));
      const a = await shop.decided(slow, sale.id, (await shop.purchase(slow, sale.id)).body.purchaseId);
      const b = await shop.decided(payer, sale.id, (await shop.purchase(payer, sale.id)).body.purchaseId);
      assert.equal(a.status, 'succeeded');
      assert.equal(b.status, 'succeeded');
      const paid = await ctx.api.post<{ status: string }>(`/api/v1/orders/${b.orderId}/pay`, { token: payer.accessToken, body: { method: 'wallet' } });
      assert.equal(paid.status, 200, paid.text);
      assert.equal(paid.body.status, 'paid');
      assert.equal((await shop.sale(sale.id)).status, 'sold_out');
      // The flash payment deadline here is 3 s.
      const back = await waitFor('the unpaid order expired and its unit returned', async () => ((await shop.sale(sale.id)).remaining === 1 ? true : undefined), 15_000, 100);
      assert.ok(back);
      // The hot counter takes the unit back inside the expiry's transaction (with the sale locked),
      // so it can show a few milliseconds before the order's cancellation commits.
      const expired = await waitFor(
        'the unpaid order cancelled',
        async () => {
          const res = await ctx.api.get<{ status: string; cancelReason: string }>(`/api/v1/orders/${a.orderId}`, { token: slow.accessToken });
          return res.body.status === 'pending_payment' ? undefined : res.body;
        },
        5_000,
        20,
      );
      assert.deepEqual({ status: expired.status, reason: expired.cancelReason }, { status: 'cancelled', reason: 'payment_timeout' });
      const again = await shop.purchase(slow, sale.id);
      assert.equal(again.status, 202, again.text);
      assert.equal((await shop.decided(slow, sale.id, again.body.purchaseId)).status, 'succeeded');
      await sleep(200);
      assert.equal((await shop.sale(sale.id)).remaining, 0, 'returned exactly once');
    });

    it('ends: no more purchases, and the unsold quantity goes back to the SKU once the last purchase is decided', async () => {
      const { skuId } = await shop.product(seller, 3000, 10);
      const buyer = await shop.register('ender');
      await fund(ctx.api, buyer.accessToken, cny(10_000));
      const sale = await shop.runningSale(seller, skuId, 5, { endsInMs: 1500 });
      assert.equal(await skuStock(skuId), 5);
      const res = await shop.purchase(buyer, sale.id);
      assert.equal(res.status, 202, res.text);
      const won = await shop.decided(buyer, sale.id, res.body.purchaseId);
      assert.equal(won.status, 'succeeded');
      // Paid at once, so it does not expire (3 s here) and give its unit back while the sale settles.
      const paid = await ctx.api.post(`/api/v1/orders/${won.orderId}/pay`, { token: buyer.accessToken, body: { method: 'wallet' } });
      assert.equal(paid.status, 200, paid.text);
      await sleep(Math.max(0, Date.parse(sale.endsAt) - Date.now() + 50));
      const late = await shop.register('late');
      assertProblem(await shop.purchase(late, sale.id), 409, 'sale_ended');
      assert.equal((await shop.sale(sale.id)).status, 'ended');
      await waitFor('the unsold 4 back on the SKU', async () => ((await skuStock(skuId)) === 9 ? true : undefined), 15_000, 100);
      const ended = await ctx.api.get<{ items: SaleBody[] }>('/api/v1/flash-sales?status=ended&limit=100');
      assert.ok(ended.body.items.some((s) => s.id === sale.id));
    });

    it('tells the buyer the answer in a notification', async () => {
      const { skuId } = await shop.product(seller, 3000, 10);
      const sale = await shop.runningSale(seller, skuId, 1);
      const buyer = await shop.register('told');
      const res = await shop.purchase(buyer, sale.id);
      await shop.decided(buyer, sale.id, res.body.purchaseId);
      const note = await waitFor(
        'a purchase notification',
        async () => {
          const list = await ctx.api.get<{ items: { type: string; body: string }[] }>('/api/v1/notifications', { token: buyer.accessToken });
          return list.body.items.find((n) => n.type === 'flashsale.purchase.succeeded');
        },
        10_000,
        100,
      );
      assert.match(note.body, /Pay order/);
    });

    it('bad purchase input gets a 4xx problem and takes nothing', async () => {
      const { skuId } = await shop.product(seller, 3000, 10);
      const sale = await shop.runningSale(seller, skuId, 3, { perUserLimit: 3 });
      const buyer = await shop.register('fumbler');
      const url = `/api/v1/flash-sales/${sale.id}/purchases`;
      const bad: [string, Parameters<typeof ctx.api.post>[1]][] = [
        ['a fractional quantity', { body: { quantity: 1.5 } }],
        ['a string quantity', { body: { quantity: '1' } }],
        ['a negative quantity', { body: { quantity: -1 } }],
        ['an unknown field', { body: { quantity: 1, price: 1 } }],
        ['an empty token', { body: { token: '' } }],
        ['malformed JSON', { raw: '{"quantity": ' }],
        ['an array body', { body: [1] }],
      ];
      for (const [what, options] of bad) {
        const res = await ctx.api.post(url, { token: buyer.accessToken, ...options });
        assert.equal(res.status, 400, `${what}: ${res.status} ${res.text}`);
        assert.match(String(res.headers['content-type']), /problem\+json/, what);
      }
      assertProblem(await ctx.api.post(url, { body: {} }), 401, 'unauthorized');
      assertProblem(await ctx.api.post(`/api/v1/flash-sales/${sale.id}/purchases`, { token: buyer.accessToken, body: { quantity: 4 } }), 409, 'purchase_limit_exceeded');
      assertProblem(await ctx.api.get(`/api/v1/flash-sales/${sale.id}/purchases/not-a-uuid`, { token: buyer.accessToken }), 400, 'validation_failed');
      assertProblem(await ctx.api.get(`/api/v1/flash-sales/${sale.id}/purchases/00000000-0000-4000-8000-000000000000`, { token: buyer.accessToken }), 404, 'not_found');
      assertProblem(await ctx.api.get('/api/v1/flash-sales?status=soon'), 400, 'validation_failed');
      assertProblem(await ctx.api.get('/api/v1/flash-sales?cursor=abc'), 400, 'validation_failed');
      const after = await shop.sale(sale.id);
      assert.equal(after.remaining, 3, 'nothing was taken');
    });

    it('the audit sees hot counters off the database stock, and the reconciler repairs them both ways', async () => {
      const { skuId } = await shop.product(seller, 3000, 10);
      const sale = await shop.runningSale(seller, skuId, 10);
      const hot = createHotSales(ctx.t.app.platform.hotStore, { ratePerUser: 0 });
      const audit = () => runAudit(auditChecks(ctx.t.app.platform, ctx.t.app.modules));
      for (const delta of [3, -4]) {
        // The app's own reconciler (every second) may repair the drift before the audit looks: try again then.
        let seen: string | undefined;
        for (let attempt = 0; attempt < 10 && seen === undefined; attempt++) {
          await hot.adjust(sale.id, (await hot.remaining(sale.id)) === 10 ? delta : 0);
          const report = await audit();
          seen = report.lines.find((line) => line.includes(`hot counters are off the database stock by ${-delta}`));
          if (seen) assert.equal(report.ok, false);
        }
        assert.ok(seen, `a drift of ${delta} is seen by the audit`);
        await ctx.t.app.modules.flashReconciler.reconcile(sale.id);
        assert.equal((await shop.sale(sale.id)).remaining, 10, 'repaired to the database stock');
      }
      assert.ok((await audit()).ok);
    });

    it('streams the sale live: a `sale` event now, then as its remaining quantity and status change (real socket)', async () => {
      const { skuId } = await shop.product(seller, 3000, 10);
      const sale = await shop.runningSale(seller, skuId, 2);
      const url = await ctx.t.app.http.listen({ port: 0, host: '127.0.0.1' });
      assertProblem(await ctx.api.get('/api/v1/flash-sales/00000000-0000-4000-8000-000000000000/stream'), 404, 'not_found');
      assertProblem(await ctx.api.get('/api/v1/flash-sales/nope/stream'), 400, 'validation_failed');
      const request = http.get(`${url}/api/v1/flash-sales/${sale.id}/stream`, { agent: false });
      const response = await new Promise<http.IncomingMessage>((resolve, reject) => request.once('response', resolve).once('error', reject));
      assert.equal(response.statusCode, 200);
      assert.match(String(response.headers['content-type']), /^text\/event-stream/);
      const events: SaleBody[] = [];
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const lines = buffer.slice(0, end).split('\n');
          buffer = buffer.slice(end + 2);
          const data = lines.find((line) => line.startsWith('data: '));
          if (lines.includes('event: sale') && data) events.push(JSON.parse(data.slice(6)) as SaleBody);
        }
      });
      try {
        const first = await waitFor('the first sale event', async () => events[0]);
        assert.deepEqual([first.id, first.remaining, first.status], [sale.id, 2, 'active']);
        const buyers = await Promise.all([1, 2].map(() => shop.register('watched')));
        for (const buyer of buyers) assert.equal((await shop.purchase(buyer, sale.id)).status, 202);
        const last = await waitFor('the sold-out event', async () => events.find((e) => e.remaining === 0), 10_000, 20);
        assert.equal(last.status, 'sold_out');
        assert.ok(events.every((e, i) => i === 0 || e.remaining <= (events[i - 1]?.remaining ?? Infinity)), 'remaining only goes down here');
      } finally {
        request.destroy();
      }
    });

    it('audits clean', async () => {
      await assertAuditClean(ctx.t);
    });
  });
}
