/**
 * Orders under real concurrency (API.md "Orders", "Coupons"; ARCHITECTURE.md I1, I3, I5):
 * many HTTP requests fired at once through the inject client, in every mode, and then the
 * database, the wallets and `flashmart audit` must show that exactly the right things won.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { Client, Response } from './support/client.js';
import { MODES, useTestApp, type TestApp } from './support/harness.js';
import { assertAuditClean, assertProblem, available, fund, shuffle, sleep, waitFor, type Money } from './support/wallet-helpers.js';

type OrderBody = {
  id: string;
  buyerId: string;
  sellerId: string;
  status: 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'cancelled' | 'refunded';
  items: { skuId: string; productId: string; title: string; quantity: number; unitPrice: Money }[];
  subtotal: Money;
  discount: Money;
  total: Money;
  couponCode?: string;
  expiresAt: string;
  createdAt: string;
  paidAt?: string;
  cancelledAt?: string;
  cancelReason?: string;
};

type ProductBody = {
  id: string;
  sellerId: string;
  skus: { id: string; stock: number; price: Money }[];
};

type CouponBody = {
  id: string;
  code: string;
  sellerId: string;
  discount: Money;
  quantity: number;
  remaining: number;
};

type ClaimedCouponBody = {
  id: string;
  code: string;
  status: 'available' | 'used' | 'expired';
  orderId: string | null;
};

type SandboxPayBody = {
  order: OrderBody;
  payment: { id: string; payUrl: string };
};

type User = {
  user: { id: string; username: string };
  accessToken: string;
};

const CNY = 'CNY';
const cny = (amount: number): Money => ({ amount, currency: CNY });

/** The shop-side steps every scenario needs, over HTTP, plus read-only looks at the database. */
function commerce(ctx: { readonly t: TestApp; readonly api: Client }) {
  let serial = 0;
  const api = () => ctx.api;
  const db = () => ctx.t.app.platform.database.db;

  async function register(prefix: string): Promise<User> {
    serial += 1;
    return api().register(`${prefix}_${serial}`);
  }

  /** `count` users registered at once, each funded with `funded` CNY minor units (when > 0). */
  async function buyers(count: number, funded: number, prefix = 'buyer'): Promise<User[]> {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const buyer = await register(prefix);
        if (funded > 0) await fund(api(), buyer.accessToken, cny(funded));
        return buyer;
      }),
    );
  }

  /** A listed product with one SKU at `price` with `stock` units. */
  async function product(seller: User, price: number, stock: number): Promise<{ productId: string; skuId: string }> {
    const res = await api().post<ProductBody>('/api/v1/products', {
      token: seller.accessToken,
      body: { title: `Goods ${serial}`, skus: [{ name: 'one', price: cny(price), stock }] },
    });
    assert.equal(res.status, 201, res.text);
    const [sku] = res.body.skus;
    assert.ok(sku);
    assert.equal(sku.stock, stock);
    return { productId: res.body.id, skuId: sku.id };
  }

  async function publicStock(productId: string): Promise<number> {
    const res = await api().get<ProductBody>(`/api/v1/products/${productId}`);
    assert.equal(res.status, 200, res.text);
    const [sku] = res.body.skus;
    assert.ok(sku);
    return sku.stock;
  }

  async function stockRow(skuId: string): Promise<{ available: number; reserved: number }> {
    const row = await db().selectFrom('inventory_stock').select(['available', 'reserved']).where('sku_id', '=', skuId).executeTakeFirstOrThrow();
    return { available: Number(row.available), reserved: Number(row.reserved) };
  }

  function placeOrder(buyer: User, skuId: string, quantity: number, couponCode?: string): Promise<Response<OrderBody>> {
    return api().post<OrderBody>('/api/v1/orders', { token: buyer.accessToken, body: { items: [{ skuId, quantity }], ...(couponCode === undefined ? {} : { couponCode }) } });
  }

  async function mustPlace(buyer: User, skuId: string, quantity: number, couponCode?: string): Promise<OrderBody> {
    const res = await placeOrder(buyer, skuId, quantity, couponCode);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.status, 'pending_payment');
    return res.body;
  }

  async function getOrder(buyer: User, id: string): Promise<OrderBody> {
    const res = await api().get<OrderBody>(`/api/v1/orders/${id}`, { token: buyer.accessToken });
    assert.equal(res.status, 200, res.text);
    return res.body;
  }

  const payWithWallet = (buyer: User, id: string) => api().post<OrderBody>(`/api/v1/orders/${id}/pay`, { token: buyer.accessToken, body: { method: 'wallet' } });
  const payWithSandbox = (buyer: User, id: string) => api().post<SandboxPayBody>(`/api/v1/orders/${id}/pay`, { token: buyer.accessToken, body: { method: 'sandbox' } });
  const cancel = (buyer: User, id: string) => api().post<OrderBody>(`/api/v1/orders/${id}/cancel`, { token: buyer.accessToken });

  async function issueCoupon(seller: User, discount: number, quantity: number): Promise<CouponBody> {
    const res = await api().post<CouponBody>('/api/v1/coupons', { token: seller.accessToken, body: { discount: cny(discount), quantity } });
    assert.equal(res.status, 201, res.text);
    return res.body;
  }

  const claim = (buyer: User, code: string) => api().post<{ id: string; code: string; status: string }>(`/api/v1/coupons/${code}/claim`, { token: buyer.accessToken });

  async function myCoupons(buyer: User): Promise<ClaimedCouponBody[]> {
    const res = await api().get<{ items: ClaimedCouponBody[] }>('/api/v1/me/coupons?limit=100', { token: buyer.accessToken });
    assert.equal(res.status, 200, res.text);
    return res.body.items;
  }

  async function issuedCoupon(seller: User, id: string): Promise<CouponBody> {
    const res = await api().get<{ items: CouponBody[] }>('/api/v1/me/issued-coupons', { token: seller.accessToken });
    assert.equal(res.status, 200, res.text);
    const coupon = res.body.items.find((c) => c.id === id);
    assert.ok(coupon, `coupon ${id} among the issued ones`);
    return coupon;
  }

  /** Payment intents of these orders, by order id. */
  async function intentsOf(orderIds: string[]): Promise<Map<string, { id: string; status: string; provider: string }[]>> {
    const byOrder = new Map<string, { id: string; status: string; provider: string }[]>(orderIds.map((id) => [id, []]));
    if (orderIds.length === 0) return byOrder;
    const rows = await db().selectFrom('payments_intents').select(['id', 'reference', 'status', 'provider']).where('purpose', '=', 'order').where('reference', 'in', orderIds).execute();
    for (const row of rows) byOrder.get(row.reference)?.push({ id: row.id, status: row.status, provider: row.provider });
    return byOrder;
  }

  /** Ledger transactions per order, keyed by the reference prefix (`payment`, `order-payment`, …). */
  async function bookingsOf(orderIds: string[]): Promise<Map<string, Map<string, number>>> {
    const intents = await intentsOf(orderIds);
    const orderOfIntent = new Map<string, string>();
    for (const [orderId, list] of intents) for (const intent of list) orderOfIntent.set(intent.id, orderId);
    const prefixes = ['payment', 'order-payment', 'payment-refund', 'order-late-payment-refund'];
    const references = [...orderOfIntent.keys()].flatMap((id) => prefixes.map((p) => `${p}:${id}`));
    // Bookings named after the order itself (release, refund) too.
    references.push(...orderIds.flatMap((id) => [`order-release:${id}`, `order-refund:${id}`]));
    const byOrder = new Map<string, Map<string, number>>(orderIds.map((id) => [id, new Map()]));
    if (references.length === 0) return byOrder;
    const rows = await db().selectFrom('wallet_transactions').select(['reference']).where('reference', 'in', references).execute();
    for (const { reference } of rows) {
      const cut = reference.lastIndexOf(':');
      const prefix = reference.slice(0, cut);
      const key = reference.slice(cut + 1);
      const orderId = orderOfIntent.get(key) ?? key;
      const counts = byOrder.get(orderId);
      assert.ok(counts, `booking ${reference} belongs to one of the orders`);
      counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
    }
    return byOrder;
  }

  /** What each order's own escrow holds now (0 when it never held anything). */
  async function escrowHeld(orderIds: string[]): Promise<Map<string, number>> {
    const held = new Map<string, number>(orderIds.map((id) => [id, 0]));
    if (orderIds.length === 0) return held;
    const rows = await db().selectFrom('wallet_escrow_holds').select(['escrow_key', 'held']).where('escrow_key', 'in', orderIds).execute();
    for (const row of rows) held.set(row.escrow_key, (held.get(row.escrow_key) ?? 0) + Number(row.held));
    return held;
  }

  return {
    db,
    register,
    buyers,
    product,
    publicStock,
    stockRow,
    placeOrder,
    mustPlace,
    getOrder,
    payWithWallet,
    payWithSandbox,
    cancel,
    issueCoupon,
    claim,
    myCoupons,
    issuedCoupon,
    intentsOf,
    bookingsOf,
    escrowHeld,
  };
}

function statusCounts(responses: Response[]): string {
  const counts = new Map<string, number>();
  for (const res of responses) {
    const key = res.status >= 400 ? `${res.status} ${(res.body as { code?: string } | undefined)?.code ?? '?'}` : String(res.status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => `${n} × ${k}`).join(', ');
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

for (const mode of MODES) {
  describe(`orders under concurrency (${mode})`, () => {
    const ctx = useTestApp(mode);
    const shop = commerce(ctx);

    it('25 buyers racing for the last 3 units → exactly 3 orders, stock exactly 0', async () => {
      const seller = await shop.register('seller');
      const { productId, skuId } = await shop.product(seller, 1000, 3);
      const buyers = await shop.buyers(25, 5000);

      const results = await Promise.all(buyers.map((buyer) => shop.placeOrder(buyer, skuId, 1)));
      const won = results.filter((r) => r.status === 201);
      assert.equal(won.length, 3, statusCounts(results));
      for (const res of results) if (res.status !== 201) assertProblem(res, 409, 'insufficient_stock', 'a buyer too late');
      assert.equal(new Set(won.map((r) => r.body.buyerId)).size, 3, 'three different buyers');

      assert.equal(await shop.publicStock(productId), 0, 'the product shows no stock left');
      assert.deepEqual(await shop.stockRow(skuId), { available: 0, reserved: 3 });
      const live = await shop.db().selectFrom('orders').select(['id']).where('seller_id', '=', seller.user.id).execute();
      assert.equal(live.length, 3, 'exactly three orders exist');

      const winners = won.map((r) => ({ order: r.body, buyer: buyers.find((b) => b.user.id === r.body.buyerId) }));
      const paid = await Promise.all(
        winners.map(({ order, buyer }) => {
          assert.ok(buyer);
          return shop.payWithWallet(buyer, order.id);
        }),
      );
      for (const res of paid) {
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body.status, 'paid');
      }
      assert.equal(await shop.publicStock(productId), 0);
      // Paid, not yet shipped: the units stay reserved for these orders until they leave the warehouse.
      assert.deepEqual(await shop.stockRow(skuId), { available: 0, reserved: 3 }, 'paid: still reserved until shipped, nothing back on sale');
      for (const buyer of buyers) {
        const isWinner = winners.some((w) => w.buyer === buyer);
        assert.equal(await available(ctx.api, buyer.accessToken, CNY), isWinner ? 4000 : 5000, `wallet of ${buyer.user.username}`);
      }
      await assertAuditClean(ctx.t);
    });

    it('buyers racing with quantities 1–2 on 5 units never oversell and never undersell', async () => {
      const seller = await shop.register('seller');
      const { productId, skuId } = await shop.product(seller, 300, 5);
      const buyers = await shop.buyers(25, 0);
      const quantities = shuffle(buyers.map((_, i) => (i % 2) + 1));

      const results = await Promise.all(buyers.map((buyer, i) => shop.placeOrder(buyer, skuId, quantities[i] ?? 1)));
      for (const res of results) if (res.status !== 201) assertProblem(res, 409, 'insufficient_stock', 'refused for stock');
      const ordered = sum(results.map((res, i) => (res.status === 201 ? (quantities[i] ?? 0) : 0)));
      for (const [i, res] of results.entries()) if (res.status === 201) assert.equal(res.body.items[0]?.quantity, quantities[i]);

      const level = await shop.stockRow(skuId);
      assert.ok(ordered <= 5, `ordered ${ordered} of 5 (${statusCounts(results)})`);
      assert.equal(ordered, 5 - level.available, 'every ordered unit left the available stock');
      assert.equal(level.reserved, ordered, 'and is reserved');
      assert.equal(await shop.publicStock(productId), level.available);
      // Available stock only falls during the race, so a refusal means it was short for good.
      const refused = (q: number) => results.some((res, i) => res.status !== 201 && quantities[i] === q);
      assert.ok(level.available <= 1, `25 buyers asked for more than 5 units; ${level.available} left unsold`);
      if (refused(1)) assert.equal(level.available, 0, 'a single unit was refused, so none can be left');
      await assertAuditClean(ctx.t);
    });

    it('pay and cancel fired together on 20 orders → each ends paid xor cancelled; money matches', async (t: TestContext) => {
      const seller = await shop.register('seller');
      const initialStock = 100;
      const price = 700;
      const { skuId } = await shop.product(seller, price, initialStock);
      const funded = 10_000;
      const buyers = await shop.buyers(5, funded);
      const placed = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const buyer = buyers[i % buyers.length];
          assert.ok(buyer);
          return { buyer, order: await shop.mustPlace(buyer, skuId, (i % 3) + 1) };
        }),
      );
      const placedUnits = sum(placed.map((p) => p.order.items[0]?.quantity ?? 0));
      assert.deepEqual(await shop.stockRow(skuId), { available: initialStock - placedUnits, reserved: placedUnits });

      // All 40 requests are in flight together. A wallet payment goes through a group commit and
      // so reaches the order a little after a cancel sent at the same instant: some orders get
      // both at once, the others one side held back (up to 0.5 s, either way) so that each side
      // wins some of the races.
      const skews = shuffle([0, 0, 0, 0, 30, -30, 60, -60, 100, -100, 150, -150, 200, -200, 300, -300, 400, -400, 500, -500]);
      const shots = shuffle(
        placed.flatMap(({ buyer, order }, i) => {
          const skew = skews[i] ?? 0;
          return [
            { order, kind: 'pay' as const, buyer, delayMs: Math.max(0, -skew) },
            { order, kind: 'cancel' as const, buyer, delayMs: Math.max(0, skew) },
          ];
        }),
      );
      const answers = await Promise.all(
        shots.map(async (shot) => {
          if (shot.delayMs > 0) await sleep(shot.delayMs);
          return { ...shot, res: shot.kind === 'pay' ? await shop.payWithWallet(shot.buyer, shot.order.id) : await shop.cancel(shot.buyer, shot.order.id) };
        }),
      );

      const finals = new Map<string, OrderBody>();
      for (const { buyer, order } of placed) {
        const mine = answers.filter((a) => a.order.id === order.id);
        const pay = mine.find((a) => a.kind === 'pay')?.res;
        const cancelled = mine.find((a) => a.kind === 'cancel')?.res;
        assert.ok(pay && cancelled);
        const winners = [pay, cancelled].filter((r) => r.status === 200);
        assert.equal(winners.length, 1, `order ${order.id}: exactly one of pay (${pay.status}) and cancel (${cancelled.status}) wins`);
        const loser = pay.status === 200 ? cancelled : pay;
        assertProblem(loser, 409, 'invalid_state', `order ${order.id}: the loser`);
        const final = await shop.getOrder(buyer, order.id);
        assert.equal(final.status, pay.status === 200 ? 'paid' : 'cancelled', `order ${order.id} ends as its winner said`);
        assert.equal(winners[0]?.body.status, final.status);
        if (final.status === 'cancelled') assert.equal(final.cancelReason, 'buyer_cancelled');
        finals.set(order.id, final);
      }
      const paidOrders = [...finals.values()].filter((o) => o.status === 'paid');
      const cancelledOrders = [...finals.values()].filter((o) => o.status === 'cancelled');
      t.diagnostic(`${paidOrders.length} paid, ${cancelledOrders.length} cancelled`);

      for (const buyer of buyers) {
        const spent = sum(paidOrders.filter((o) => o.buyerId === buyer.user.id).map((o) => o.total.amount));
        assert.equal(await available(ctx.api, buyer.accessToken, CNY), funded - spent, `wallet of ${buyer.user.username}`);
      }
      assert.equal(await available(ctx.api, seller.accessToken, CNY), 0, 'the seller is paid only on receipt');
      const held = await shop.escrowHeld([...finals.keys()]);
      for (const order of finals.values()) assert.equal(held.get(order.id), order.status === 'paid' ? order.total.amount : 0, `escrow of order ${order.id}`);

      const paidUnits = sum(paidOrders.map((o) => o.items[0]?.quantity ?? 0));
      assert.deepEqual(await shop.stockRow(skuId), { available: initialStock - paidUnits, reserved: paidUnits }, 'paid units reserved until shipped, cancelled units back');

      const bookings = await shop.bookingsOf([...finals.keys()]);
      const intents = await shop.intentsOf([...finals.keys()]);
      for (const order of finals.values()) {
        const counts = bookings.get(order.id);
        assert.ok(counts);
        if (order.status === 'paid') {
          assert.deepEqual(Object.fromEntries(counts), { payment: 1 }, `order ${order.id}: one payment booking`);
          assert.deepEqual(intents.get(order.id)?.map((i) => i.status), ['succeeded']);
        } else {
          assert.deepEqual(Object.fromEntries(counts), {}, `order ${order.id}: no booking for a cancelled order`);
          assert.deepEqual(intents.get(order.id), [], `order ${order.id}: the losing payment left no intent`);
        }
      }
      await assertAuditClean(ctx.t);
    });

    it('one order paid 10× and cancelled 10× at once → one request wins; money and stock move once', async () => {
      const seller = await shop.register('seller');
      const initialStock = 20;
      const { skuId } = await shop.product(seller, 700, initialStock);
      const funded = 10_000;
      for (let round = 0; round < 3; round++) {
        const [buyer] = await shop.buyers(1, funded);
        assert.ok(buyer);
        const order = await shop.mustPlace(buyer, skuId, 2);
        const kinds = shuffle([...Array.from({ length: 10 }, () => 'pay' as const), ...Array.from({ length: 10 }, () => 'cancel' as const)]);
        const answers = await Promise.all(kinds.map(async (kind) => ({ kind, res: kind === 'pay' ? await shop.payWithWallet(buyer, order.id) : await shop.cancel(buyer, order.id) })));
        const winners = answers.filter((a) => a.res.status === 200);
        assert.equal(winners.length, 1, statusCounts(answers.map((a) => a.res)));
        for (const a of answers) if (a.res.status !== 200) assertProblem(a.res, 409, 'invalid_state', `a losing ${a.kind}`);
        const winner = winners[0];
        assert.ok(winner);
        const final = await shop.getOrder(buyer, order.id);
        assert.equal(final.status, winner.kind === 'pay' ? 'paid' : 'cancelled');
        const paid = final.status === 'paid';
        assert.equal(await available(ctx.api, buyer.accessToken, CNY), paid ? funded - 1400 : funded, 'charged at most once');
        assert.deepEqual(Object.fromEntries((await shop.bookingsOf([order.id])).get(order.id) ?? []), paid ? { payment: 1 } : {});
        assert.equal((await shop.intentsOf([order.id])).get(order.id)?.length, paid ? 1 : 0, 'one settled intent per paid order');
        assert.equal((await shop.escrowHeld([order.id])).get(order.id), paid ? 1400 : 0);
        const released = await shop.db().selectFrom('inventory_reservations').select(['status']).where('order_id', '=', order.id).execute();
        assert.deepEqual(
          released.map((r) => r.status),
          [paid ? 'held' : 'released'],
        );
      }
      const kept = await shop.db().selectFrom('inventory_reservations').select(['quantity']).where('sku_id', '=', skuId).where('status', '=', 'held').execute();
      const keptUnits = sum(kept.map((r) => r.quantity));
      assert.deepEqual(await shop.stockRow(skuId), { available: initialStock - keptUnits, reserved: keptUnits });
      await assertAuditClean(ctx.t);
    });

    it('wallet payments at once where some buyers are short of funds → only they get insufficient_funds; their orders are untouched', async () => {
      const seller = await shop.register('seller');
      const initialStock = 50;
      const { skuId } = await shop.product(seller, 1000, initialStock);
      const rich = await shop.buyers(8, 5000, 'rich');
      const poor = await shop.buyers(4, 900, 'poor');
      const everyone = shuffle([...rich, ...poor]);
      const orders = await Promise.all(everyone.map(async (buyer) => ({ buyer, order: await shop.mustPlace(buyer, skuId, 1) })));
      const answers = await Promise.all(orders.map(async (o) => ({ ...o, res: await shop.payWithWallet(o.buyer, o.order.id) })));
      for (const { buyer, order, res } of answers) {
        const isPoor = poor.includes(buyer);
        if (isPoor) assertProblem(res, 409, 'insufficient_funds', `${buyer.user.username} cannot afford it`);
        else {
          assert.equal(res.status, 200, `${buyer.user.username}: ${res.text}`);
          assert.equal(res.body.status, 'paid');
        }
        const final = await shop.getOrder(buyer, order.id);
        assert.equal(final.status, isPoor ? 'pending_payment' : 'paid', `order of ${buyer.user.username}`);
        assert.equal(await available(ctx.api, buyer.accessToken, CNY), isPoor ? 900 : 4000);
        assert.equal((await shop.intentsOf([order.id])).get(order.id)?.length, isPoor ? 0 : 1, 'a refused payment leaves no intent');
      }
      assert.deepEqual(await shop.stockRow(skuId), { available: initialStock - everyone.length, reserved: everyone.length }, 'paid and unpaid units alike reserved until shipped');
      const bookings = await shop.bookingsOf(answers.map((a) => a.order.id));
      for (const { buyer, order } of answers) assert.deepEqual(Object.fromEntries(bookings.get(order.id) ?? []), poor.includes(buyer) ? {} : { payment: 1 });
      await assertAuditClean(ctx.t);

      // Topped up, the short buyers pay (again all at once) and the rest goes as before.
      await Promise.all(poor.map((buyer) => fund(ctx.api, buyer.accessToken, cny(500))));
      const second = await Promise.all(answers.filter((a) => poor.includes(a.buyer)).map((a) => shop.payWithWallet(a.buyer, a.order.id)));
      for (const res of second) assert.equal(res.status, 200, res.text);
      for (const buyer of poor) assert.equal(await available(ctx.api, buyer.accessToken, CNY), 400);
      assert.deepEqual(await shop.stockRow(skuId), { available: initialStock - everyone.length, reserved: everyone.length });
      await assertAuditClean(ctx.t);
    });

    it('sandbox success and cancel racing on 20 orders → paid xor cancelled; a late success is refunded', async (t: TestContext) => {
      const seller = await shop.register('seller');
      const initialStock = 100;
      const { skuId } = await shop.product(seller, 450, initialStock);
      const buyers = await shop.buyers(4, 0);
      const placed = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const buyer = buyers[i % buyers.length];
          assert.ok(buyer);
          const order = await shop.mustPlace(buyer, skuId, (i % 2) + 1);
          const res = await shop.payWithSandbox(buyer, order.id);
          assert.equal(res.status, 200, res.text);
          assert.equal(res.body.order.status, 'pending_payment');
          return { buyer, order, paymentId: res.body.payment.id };
        }),
      );

      // The payer presses Pay and the buyer cancels at the same moment; the cancels are spread
      // over the time a webhook takes to land, so both sides get to win some of the races.
      const shots = shuffle(
        placed.flatMap((p, i) => [
          { ...p, kind: 'succeed' as const, delayMs: 0 },
          { ...p, kind: 'cancel' as const, delayMs: (i % 10) * 60 },
        ]),
      );
      const answers = await Promise.all(
        shots.map(async (shot) => {
          if (shot.delayMs > 0) await sleep(shot.delayMs);
          const res = shot.kind === 'succeed' ? await ctx.api.post(`/sandbox/api/payments/${shot.paymentId}/succeed`) : await shop.cancel(shot.buyer, shot.order.id);
          return { ...shot, res };
        }),
      );
      for (const a of answers.filter((x) => x.kind === 'succeed')) assert.equal(a.res.status, 200, `the payer's Pay: ${a.res.text}`);
      for (const a of answers.filter((x) => x.kind === 'cancel')) if (a.res.status !== 200) assertProblem(a.res, 409, 'invalid_state', 'a cancel that lost');

      // Every webhook lands and is applied.
      const paymentIds = placed.map((p) => p.paymentId);
      await waitFor(
        'every sandbox webhook to be applied',
        async () => {
          const rows = await shop.db().selectFrom('payments_webhook_events').select(['payment_id', 'processed_at']).where('payment_id', 'in', paymentIds).execute();
          return rows.length === paymentIds.length && rows.every((r) => r.processed_at !== null) ? true : undefined;
        },
        15_000,
      );

      const orderIds = placed.map((p) => p.order.id);
      const intents = await shop.intentsOf(orderIds);
      const bookings = await shop.bookingsOf(orderIds);
      const held = await shop.escrowHeld(orderIds);
      const sandboxRows = await shop.db().selectFrom('sandbox_payments').select(['id', 'status']).where('id', 'in', paymentIds).execute();
      const sandboxStatus = new Map(sandboxRows.map((r) => [r.id, r.status]));
      const walletRefunds = new Map<string, number>();
      let paidUnits = 0;
      let paidCount = 0;
      for (const { buyer, order, paymentId } of placed) {
        const final = await shop.getOrder(buyer, order.id);
        const cancelAnswer = answers.find((a) => a.kind === 'cancel' && a.order.id === order.id)?.res;
        assert.ok(cancelAnswer);
        const intent = intents.get(order.id)?.find((i) => i.id === paymentId);
        assert.ok(intent, `order ${order.id} has its intent`);
        const counts = Object.fromEntries(bookings.get(order.id) ?? []);
        if (final.status === 'paid') {
          paidCount++;
          paidUnits += final.items[0]?.quantity ?? 0;
          assertProblem(cancelAnswer, 409, 'invalid_state', `order ${order.id}: cancel after it was paid`);
          assert.equal(intent.status, 'succeeded');
          assert.equal(sandboxStatus.get(paymentId), 'succeeded');
          assert.deepEqual(counts, { 'order-payment': 1 }, `order ${order.id}: the payment booked once`);
          assert.equal(held.get(order.id), final.total.amount, `order ${order.id}: escrow holds its total`);
        } else {
          assert.equal(final.status, 'cancelled', `order ${order.id} ends paid or cancelled`);
          assert.equal(final.cancelReason, 'buyer_cancelled');
          assert.equal(cancelAnswer.status, 200, `order ${order.id}: the cancel won: ${cancelAnswer.text}`);
          assert.equal(held.get(order.id), 0, `order ${order.id}: escrow keeps nothing of a cancelled order`);
          if (intent.status === 'refunded') {
            // The success landed on a cancelled intent: the provider handed the money back.
            assert.equal(sandboxStatus.get(paymentId), 'refunded', `order ${order.id}: the sandbox payment was refunded`);
            assert.deepEqual(counts, {}, `order ${order.id}: nothing booked`);
          } else {
            // The success reached the order after it was cancelled: paid into escrow, then back to the wallet.
            assert.equal(intent.status, 'succeeded', `order ${order.id}: intent ${intent.status}`);
            assert.deepEqual(counts, { 'order-payment': 1, 'order-late-payment-refund': 1 }, `order ${order.id}: paid and refunded once`);
            walletRefunds.set(buyer.user.id, (walletRefunds.get(buyer.user.id) ?? 0) + final.total.amount);
          }
        }
      }
      t.diagnostic(`${paidCount} paid, ${placed.length - paidCount} cancelled, ${walletRefunds.size} buyers refunded to their wallets`);
      for (const buyer of buyers) {
        assert.equal(await available(ctx.api, buyer.accessToken, CNY), walletRefunds.get(buyer.user.id) ?? 0, `wallet of ${buyer.user.username}: charged nothing outside the provider`);
      }
      assert.equal(await available(ctx.api, seller.accessToken, CNY), 0);
      assert.deepEqual(await shop.stockRow(skuId), { available: initialStock - paidUnits, reserved: paidUnits });
      await assertAuditClean(ctx.t);
    });

    it('50 parallel orders using one claimed coupon → exactly one uses it', async () => {
      const seller = await shop.register('seller');
      const initialStock = 1000;
      const { skuId } = await shop.product(seller, 5000, initialStock);
      const coupon = await shop.issueCoupon(seller, 800, 5);
      const [buyer] = await shop.buyers(1, 0);
      assert.ok(buyer);
      const claimed = await shop.claim(buyer, coupon.code);
      assert.equal(claimed.status, 201, claimed.text);

      const results = await Promise.all(Array.from({ length: 50 }, () => shop.placeOrder(buyer, skuId, 1, coupon.code)));
      const won = results.filter((r) => r.status === 201);
      assert.equal(won.length, 1, statusCounts(results));
      for (const res of results) if (res.status !== 201) assertProblem(res, 409, 'coupon_unavailable', 'the coupon was used already');
      const [winner] = won;
      assert.ok(winner);
      const order = winner.body;
      assert.deepEqual(order.discount, cny(800));
      assert.deepEqual(order.subtotal, cny(5000));
      assert.deepEqual(order.total, cny(4200));
      assert.equal(order.couponCode, coupon.code);

      assert.deepEqual(await shop.stockRow(skuId), { available: initialStock - 1, reserved: 1 }, 'the 49 failed placements gave their unit back');
      const reservations = await shop.db().selectFrom('inventory_reservations').select(['order_id', 'status']).where('sku_id', '=', skuId).execute();
      assert.equal(reservations.length, 50, 'every placement reserved first');
      assert.deepEqual(
        reservations.filter((r) => r.status === 'held').map((r) => r.order_id),
        [order.id],
        'only the winner still holds stock',
      );
      const mine = (await shop.myCoupons(buyer)).filter((c) => c.code === coupon.code);
      assert.equal(mine.length, 1);
      assert.equal(mine[0]?.status, 'used');
      assert.equal(mine[0]?.orderId, order.id);

      const sagas = await shop.db().selectFrom('orders_sagas').select(['id', 'status', 'failure']).where('buyer_id', '=', buyer.user.id).execute();
      assert.equal(sagas.length, 50);
      assert.deepEqual(
        sagas.filter((s) => s.status === 'completed').map((s) => s.id),
        [order.id],
      );
      const failed = sagas.filter((s) => s.status === 'failed');
      assert.equal(failed.length, 49);
      assert.ok(
        failed.every((s) => s.failure === 'coupon_unavailable'),
        JSON.stringify(failed.map((s) => s.failure)),
      );
      const orders = await shop.db().selectFrom('orders').select(['id']).where('buyer_id', '=', buyer.user.id).execute();
      assert.deepEqual(
        orders.map((o) => o.id),
        [order.id],
        'no order row for a failed placement',
      );
      await assertAuditClean(ctx.t);

      const cancelled = await shop.cancel(buyer, order.id);
      assert.equal(cancelled.status, 200, cancelled.text);
      assert.equal(cancelled.body.status, 'cancelled');
      const again = (await shop.myCoupons(buyer)).find((c) => c.code === coupon.code);
      assert.equal(again?.status, 'available', 'the cancelled order gave the coupon back');
      assert.equal(again?.orderId, null);
      assert.deepEqual(await shop.stockRow(skuId), { available: initialStock, reserved: 0 });

      const next = await shop.mustPlace(buyer, skuId, 1, coupon.code);
      assert.deepEqual(next.discount, cny(800), 'usable again by a new order');
      const used = (await shop.myCoupons(buyer)).find((c) => c.code === coupon.code);
      assert.equal(used?.status, 'used');
      assert.equal(used?.orderId, next.id);
      await assertAuditClean(ctx.t);
    });

    it('claim race: 30 users on a coupon of 10, and one user claiming 10× at once', async () => {
      const seller = await shop.register('seller');
      const coupon = await shop.issueCoupon(seller, 100, 10);
      const claimers = await shop.buyers(30, 0, 'claimer');
      const results = await Promise.all(claimers.map((u) => shop.claim(u, coupon.code)));
      assert.equal(results.filter((r) => r.status === 201).length, 10, statusCounts(results));
      for (const res of results) if (res.status !== 201) assertProblem(res, 409, 'coupon_unavailable', 'none left');
      assert.equal((await shop.issuedCoupon(seller, coupon.id)).remaining, 0);
      const claims = await shop.db().selectFrom('promotions_claims').select(['user_id']).where('coupon_id', '=', coupon.id).execute();
      assert.equal(claims.length, 10);
      const winnerIds = new Set(claimers.filter((_, i) => results[i]?.status === 201).map((u) => u.user.id));
      assert.deepEqual(new Set(claims.map((c) => c.user_id)), winnerIds, 'the claims belong to those answered 201');
      for (const [i, claimer] of claimers.entries()) {
        const held = (await shop.myCoupons(claimer)).filter((c) => c.code === coupon.code);
        assert.equal(held.length, results[i]?.status === 201 ? 1 : 0);
      }

      const plenty = await shop.issueCoupon(seller, 100, 100);
      const [greedy] = await shop.buyers(1, 0, 'greedy');
      assert.ok(greedy);
      const mine = await Promise.all(Array.from({ length: 10 }, () => shop.claim(greedy, plenty.code)));
      assert.equal(mine.filter((r) => r.status === 201).length, 1, statusCounts(mine));
      for (const res of mine) if (res.status !== 201) assertProblem(res, 409, 'coupon_unavailable', 'claimed already');
      assert.equal((await shop.issuedCoupon(seller, plenty.id)).remaining, 99, 'the refused claims took nothing');
      assert.equal((await shop.myCoupons(greedy)).filter((c) => c.code === plenty.code).length, 1);
    });
  });

  describe(`order expiry racing payment (${mode})`, () => {
    const ctx = useTestApp(mode, { FLASHMART_PAYMENT_TIMEOUT_SECONDS: '2' });
    const shop = commerce(ctx);

    it('wallet payments fired around the deadline: each order ends paid xor cancelled (payment_timeout), money and stock match', async (t: TestContext) => {
      const seller = await shop.register('seller');
      const initialStock = 50;
      const { skuId } = await shop.product(seller, 650, initialStock);
      const funded = 10_000;
      const buyers = await shop.buyers(5, funded);
      // Placed one after another a little apart, so the deadlines straddle the moment of payment.
      const placed: { buyer: User; order: OrderBody }[] = [];
      for (let i = 0; i < 10; i++) {
        const buyer = buyers[i % buyers.length];
        assert.ok(buyer);
        placed.push({ buyer, order: await shop.mustPlace(buyer, skuId, (i % 2) + 1) });
        await sleep(30);
      }
      const deadlines = placed.map((p) => Date.parse(p.order.expiresAt));
      const fireAt = (Math.min(...deadlines) + Math.max(...deadlines)) / 2;
      await sleep(Math.max(0, fireAt - Date.now()));
      const answers = await Promise.all(placed.map(async (p) => ({ ...p, res: await shop.payWithWallet(p.buyer, p.order.id) })));
      for (const a of answers) if (a.res.status !== 200) assertProblem(a.res, 409, 'invalid_state', `order ${a.order.id}: paid too late`);

      const finals = await waitFor(
        'every order to be paid or expired',
        async () => {
          const orders = await Promise.all(placed.map((p) => shop.getOrder(p.buyer, p.order.id)));
          return orders.every((o) => o.status !== 'pending_payment') ? orders : undefined;
        },
        10_000,
        100,
      );
      const paid = finals.filter((o) => o.status === 'paid');
      t.diagnostic(`${paid.length} paid in time, ${finals.length - paid.length} expired`);
      for (const [i, final] of finals.entries()) {
        const answer = answers[i]?.res;
        assert.ok(answer);
        if (answer.status === 200) {
          assert.equal(answer.body.status, 'paid');
          assert.equal(final.status, 'paid', `order ${final.id}: a 200 payment stays paid`);
          assert.ok(final.paidAt && Date.parse(final.paidAt) <= Date.parse(final.expiresAt), `order ${final.id}: paid at ${final.paidAt}, deadline ${final.expiresAt}`);
        } else {
          assert.equal(final.status, 'cancelled', `order ${final.id}: a refused payment leaves it to expire`);
          assert.equal(final.cancelReason, 'payment_timeout');
        }
      }
      for (const buyer of buyers) {
        const spent = sum(paid.filter((o) => o.buyerId === buyer.user.id).map((o) => o.total.amount));
        assert.equal(await available(ctx.api, buyer.accessToken, CNY), funded - spent, `wallet of ${buyer.user.username}: charged for paid orders only`);
      }
      const ids = finals.map((o) => o.id);
      const bookings = await shop.bookingsOf(ids);
      const held = await shop.escrowHeld(ids);
      for (const order of finals) {
        assert.deepEqual(Object.fromEntries(bookings.get(order.id) ?? []), order.status === 'paid' ? { payment: 1 } : {}, `order ${order.id}: bookings`);
        assert.equal(held.get(order.id), order.status === 'paid' ? order.total.amount : 0);
      }
      const paidUnits = sum(paid.map((o) => o.items[0]?.quantity ?? 0));
      assert.deepEqual(await shop.stockRow(skuId), { available: initialStock - paidUnits, reserved: paidUnits }, 'expired units back on sale, paid ones reserved until shipped');
      await assertAuditClean(ctx.t);
    });
  });
}
