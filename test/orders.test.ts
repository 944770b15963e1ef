/**
 * Orders end to end through HTTP (API.md "Orders", "Coupons", cart and address book), on the
 * embedded adapters and on the real services: placement, the state machine, payments by
 * wallet and sandbox, cancellation, refund, expiry, coupons, carts and checkout.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Client, Response } from './support/client.js';
import { MODES, useTestApp, type TestApp } from './support/harness.js';
import { assertAuditClean, assertProblem, available, fund, getWallet, waitFor, type Money, type Page } from './support/wallet-helpers.js';

type Sku = { id: string; name: string; attributes: Record<string, string>; price: Money; stock: number };
type Product = { id: string; sellerId: string; title: string; description: string; status: 'listed' | 'delisted'; skus: Sku[]; createdAt: string };
type ShippingAddress = { recipient: string; phone: string; line1: string; line2?: string; city: string; region?: string; postalCode?: string; country: string };
type Address = ShippingAddress & { id: string; isDefault: boolean };
type OrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'cancelled' | 'refunded';
type Order = {
  id: string;
  buyerId: string;
  sellerId: string;
  status: OrderStatus;
  source: 'regular' | 'flash_sale';
  items: { skuId: string; productId: string; title: string; quantity: number; unitPrice: Money }[];
  subtotal: Money;
  discount: Money;
  total: Money;
  couponCode?: string;
  shippingAddress?: ShippingAddress;
  paymentMethod?: 'wallet' | 'sandbox';
  carrier?: string;
  trackingNumber?: string;
  expiresAt: string;
  createdAt: string;
  paidAt?: string;
  shippedAt?: string;
  completedAt?: string;
  cancelledAt?: string;
  cancelReason?: string;
  refundedAt?: string;
  refundReason?: string;
};
type SandboxPay = { order: Order; payment: { id: string; payUrl: string } };
type CartLine = { skuId: string; productId: string; sellerId: string; title: string; quantity: number; unitPrice: Money; stock: number; purchasable: boolean };
type Cart = { items: CartLine[]; totals: Money[] };
type Coupon = { id: string; code: string; sellerId: string; discount: Money; minSpend: Money; quantity: number; remaining: number; validFrom: string; validUntil: string | null };
type ClaimedCoupon = { id: string; couponId: string; code: string; sellerId: string; status: 'available' | 'used' | 'expired'; orderId: string | null };
type User = { id: string; token: string; username: string };
type Action = 'pay' | 'cancel' | 'ship' | 'confirm-receipt' | 'refund';

const cny = (amount: number): Money => ({ amount, currency: 'CNY' });
const ADMIN = { username: 'orders_admin', password: 'orders admin password' };
const HOME: ShippingAddress = { recipient: 'Li Lei', phone: '+86 138 0000 0000', line1: '1 Nanjing Road', city: 'Shanghai', postalCode: '200000', country: 'CN' };
const OFFICE: ShippingAddress = { recipient: 'Han Meimei', phone: '010-1234567', line1: '9 Chang An Ave', line2: 'Floor 3', city: 'Beijing', region: 'Dongcheng', country: 'CN' };

function at<T>(items: T[], index: number): T {
  const item = items[index];
  assert.ok(item !== undefined, `an item at index ${index} of ${items.length}`);
  return item;
}

/** The shopping vocabulary of these tests, over one running app. */
function shop(ctx: { readonly t: TestApp; readonly api: Client }) {
  let counter = 0;
  const api = () => ctx.api;

  async function user(prefix: string): Promise<User> {
    const username = `${prefix.slice(0, 20)}_${++counter}`;
    const res = await api().register(username);
    return { id: res.user.id, token: res.accessToken, username };
  }

  async function publish(seller: User, skus: { name?: string; price: number; stock: number }[] = [{ name: 'red', price: 1999, stock: 10 }, { name: 'blue', price: 500, stock: 3 }], title = 'Clay teapot'): Promise<Product> {
    const res = await api().post<Product>('/api/v1/products', {
      token: seller.token,
      body: { title, description: 'Hand made', skus: skus.map((s) => ({ ...(s.name !== undefined && { name: s.name }), attributes: { colour: s.name ?? 'plain' }, price: cny(s.price), stock: s.stock })) },
    });
    assert.equal(res.status, 201, res.text);
    return res.body;
  }

  /** The `stock` of each SKU of the product, in order. */
  async function stocks(productId: string): Promise<number[]> {
    const res = await api().get<Product>(`/api/v1/products/${productId}`);
    assert.equal(res.status, 200, res.text);
    return res.body.skus.map((s) => s.stock);
  }

  async function place(buyer: User, body: Record<string, unknown>): Promise<Order> {
    const res = await api().post<Order>('/api/v1/orders', { token: buyer.token, body });
    assert.equal(res.status, 201, res.text);
    return res.body;
  }

  const tryPlace = (buyer: User, body: unknown) => api().post('/api/v1/orders', { token: buyer.token, body });

  function act(who: User, id: string, action: Action, body?: unknown): Promise<Response<Order>> {
    const needed = action === 'pay' ? (body ?? { method: 'wallet' }) : body;
    return api().post<Order>(`/api/v1/orders/${id}/${action}`, { token: who.token, ...(needed !== undefined && { body: needed }) });
  }

  async function ok(who: User, id: string, action: Action, status: OrderStatus, body?: unknown): Promise<Order> {
    const res = await act(who, id, action, body);
    assert.equal(res.status, 200, `${action}: ${res.text}`);
    assert.equal(res.body.status, status, `${action} → ${status}`);
    return res.body;
  }

  async function order(who: User, id: string): Promise<Order> {
    const res = await api().get<Order>(`/api/v1/orders/${id}`, { token: who.token });
    assert.equal(res.status, 200, res.text);
    return res.body;
  }

  function waitForStatus(who: User, id: string, status: OrderStatus, timeoutMs = 10_000): Promise<Order> {
    return waitFor(`order ${id} to be ${status}`, async () => {
      const current = await order(who, id);
      return current.status === status ? current : undefined;
    }, timeoutMs);
  }

  async function list(who: User, query = ''): Promise<Page<Order>> {
    const res = await api().get<Page<Order>>(`/api/v1/orders${query}`, { token: who.token });
    assert.equal(res.status, 200, res.text);
    return res.body;
  }

  async function paySandbox(buyer: User, id: string): Promise<SandboxPay> {
    const res = await api().post<SandboxPay>(`/api/v1/orders/${id}/pay`, { token: buyer.token, body: { method: 'sandbox' } });
    assert.equal(res.status, 200, res.text);
    return res.body;
  }

  async function sandboxDecides(paymentId: string, outcome: 'succeed' | 'fail'): Promise<void> {
    const res = await api().post(`/sandbox/api/payments/${paymentId}/${outcome}`);
    assert.equal(res.status, 200, res.text);
  }

  /** The platform's side of a payment (the provider's webhook is applied by a job). */
  async function intentStatus(paymentId: string): Promise<string | undefined> {
    return (await ctx.t.app.modules.payments.getIntent(ctx.t.app.platform.database.db, paymentId))?.status;
  }

  function waitForIntent(paymentId: string, status: string, timeoutMs = 10_000): Promise<true> {
    return waitFor(`payment ${paymentId} to be ${status}`, async () => ((await intentStatus(paymentId)) === status ? true : undefined), timeoutMs);
  }

  async function issue(seller: User, body: Record<string, unknown>): Promise<Coupon> {
    const res = await api().post<Coupon>('/api/v1/coupons', { token: seller.token, body });
    assert.equal(res.status, 201, res.text);
    return res.body;
  }

  async function claim(who: User, code: string): Promise<void> {
    const res = await api().post(`/api/v1/coupons/${code}/claim`, { token: who.token });
    assert.equal(res.status, 201, res.text);
  }

  async function myCoupons(who: User): Promise<ClaimedCoupon[]> {
    const res = await api().get<Page<ClaimedCoupon>>('/api/v1/me/coupons', { token: who.token });
    assert.equal(res.status, 200, res.text);
    return res.body.items;
  }

  async function couponStatus(who: User, code: string): Promise<ClaimedCoupon['status'] | undefined> {
    return (await myCoupons(who)).find((c) => c.code === code)?.status;
  }

  async function cart(who: User): Promise<Cart> {
    const res = await api().get<Cart>('/api/v1/cart', { token: who.token });
    assert.equal(res.status, 200, res.text);
    return res.body;
  }

  async function addToCart(who: User, skuId: string, quantity: number): Promise<Cart> {
    const res = await api().post<Cart>('/api/v1/cart/items', { token: who.token, body: { skuId, quantity } });
    assert.equal(res.status, 200, res.text);
    return res.body;
  }

  async function addAddress(who: User, body: Record<string, unknown>): Promise<Address> {
    const res = await api().post<Address>('/api/v1/addresses', { token: who.token, body });
    assert.equal(res.status, 201, res.text);
    return res.body;
  }

  async function addresses(who: User): Promise<Address[]> {
    const res = await api().get<Page<Address>>('/api/v1/addresses', { token: who.token });
    assert.equal(res.status, 200, res.text);
    return res.body.items;
  }

  /** How many orders the user has as buyer (every status). */
  async function orderCount(who: User): Promise<number> {
    return (await list(who, '?limit=100')).items.length;
  }

  return { user, publish, stocks, place, tryPlace, act, ok, order, waitForStatus, list, paySandbox, sandboxDecides, intentStatus, waitForIntent, issue, claim, myCoupons, couponStatus, cart, addToCart, addAddress, addresses, orderCount };
}

function assertAround(iso: string, expectedMs: number, slackMs: number, what: string): void {
  const actual = Date.parse(iso);
  assert.ok(Math.abs(actual - expectedMs) <= slackMs, `${what}: ${iso} is not within ${slackMs} ms of ${new Date(expectedMs).toISOString()}`);
}

for (const mode of MODES) {
  describe(`orders (${mode})`, () => {
    const ctx = useTestApp(mode, { FLASHMART_ADMIN_USERNAME: ADMIN.username, FLASHMART_ADMIN_PASSWORD: ADMIN.password });
    const s = shop(ctx);

    it('happy path: publish, place (catalog prices, stock reserved), pay by wallet, points, ship, confirm → seller paid', async () => {
      const { api } = ctx;
      const seller = await s.user('hp_seller');
      const buyer = await s.user('hp_buyer');
      const product = await s.publish(seller);
      assert.equal(product.sellerId, seller.id);
      assert.equal(product.status, 'listed');
      assert.deepEqual(
        product.skus.map((k) => [k.name, k.price, k.stock]),
        [
          ['red', cny(1999), 10],
          ['blue', cny(500), 3],
        ],
        'SKUs keep their order',
      );
      const [red, blue] = [at(product.skus, 0), at(product.skus, 1)];
      await fund(api, buyer.token, cny(100_000));

      const before = Date.now();
      const placed = await s.place(buyer, { items: [{ skuId: red.id, quantity: 2 }, { skuId: blue.id, quantity: 1 }] });
      const after = Date.now();
      assert.equal(placed.status, 'pending_payment');
      assert.equal(placed.source, 'regular');
      assert.equal(placed.buyerId, buyer.id);
      assert.equal(placed.sellerId, seller.id);
      assert.deepEqual(placed.items, [
        { skuId: red.id, productId: product.id, title: 'Clay teapot (red)', quantity: 2, unitPrice: cny(1999) },
        { skuId: blue.id, productId: product.id, title: 'Clay teapot (blue)', quantity: 1, unitPrice: cny(500) },
      ]);
      assert.deepEqual(placed.subtotal, cny(4498));
      assert.deepEqual(placed.discount, cny(0));
      assert.deepEqual(placed.total, cny(4498));
      assert.equal(placed.paidAt, undefined);
      assert.equal(placed.couponCode, undefined);
      assert.equal(placed.shippingAddress, undefined);
      const timeoutMs = ctx.t.environment.config.paymentTimeoutSeconds * 1000;
      assert.equal(timeoutMs, 1_800_000, 'the default payment timeout');
      assertAround(placed.expiresAt, (before + after) / 2 + timeoutMs, (after - before) / 2 + 2000, 'expiresAt');
      assert.deepEqual(await s.stocks(product.id), [8, 2], 'stock reserved');
      assert.deepEqual(await s.order(buyer, placed.id), placed, 'GET shows the same order');

      const paid = await s.ok(buyer, placed.id, 'pay', 'paid', { method: 'wallet' });
      assert.equal(paid.paymentMethod, 'wallet');
      assert.ok(paid.paidAt);
      assert.equal(await available(api, buyer.token, 'CNY'), 100_000 - 4498, 'the buyer paid the total');
      assert.deepEqual(await s.stocks(product.id), [8, 2], 'the reservation is kept, not returned');
      const reservation = async () =>
        (await ctx.t.app.platform.database.db.selectFrom('inventory_reservations').select(['status']).where('order_id', '=', placed.id).execute()).map((r) => r.status);
      const reserved = async () =>
        (await ctx.t.app.platform.database.db.selectFrom('inventory_stock').select(['reserved']).where('sku_id', 'in', product.skus.map((k) => k.id)).execute()).reduce((n, r) => n + Number(r.reserved), 0);
      assert.deepEqual(await reservation(), ['held', 'held'], 'paid: the units stay reserved until they ship');
      assert.equal(await reserved(), 3);
      await waitFor('points for the paid order', async () => ((await getWallet(api, buyer.token)).points === 44 ? true : undefined), 10_000);

      const shipped = await s.ok(seller, placed.id, 'ship', 'shipped', { carrier: 'SF Express', trackingNumber: 'SF1234567890' });
      assert.equal(shipped.carrier, 'SF Express');
      assert.equal(shipped.trackingNumber, 'SF1234567890');
      assert.ok(shipped.shippedAt);
      assert.equal(await available(api, seller.token, 'CNY'), 0, 'the seller is not paid before receipt');
      assert.deepEqual(await reservation(), ['consumed', 'consumed'], 'shipped: the reservations are consumed');
      assert.equal(await reserved(), 0);
      assert.deepEqual(await s.stocks(product.id), [8, 2], 'and nothing comes back on sale');

      const completed = await s.ok(buyer, placed.id, 'confirm-receipt', 'completed');
      assert.ok(completed.completedAt);
      assert.equal(await available(api, seller.token, 'CNY'), 4498, 'the seller is paid the total from escrow');
      assert.equal(await available(api, buyer.token, 'CNY'), 100_000 - 4498);
      assert.equal((await getWallet(api, buyer.token)).points, 44, 'points credited once');
      await assertAuditClean(ctx.t);
    });

    it('sandbox payment: paid once the webhook lands; a failed payment leaves the order payable again', async () => {
      const { api } = ctx;
      const seller = await s.user('sb_seller');
      const buyer = await s.user('sb_buyer');
      const product = await s.publish(seller);
      const red = at(product.skus, 0);

      const first = await s.place(buyer, { items: [{ skuId: red.id, quantity: 1 }] });
      const started = await s.paySandbox(buyer, first.id);
      assert.equal(started.order.id, first.id);
      assert.equal(started.order.status, 'pending_payment', 'not paid before the provider says so');
      assert.ok(started.payment.payUrl.endsWith(`/sandbox/pay/${started.payment.id}`), started.payment.payUrl);
      await s.sandboxDecides(started.payment.id, 'succeed');
      const paid = await s.waitForStatus(buyer, first.id, 'paid');
      assert.equal(paid.paymentMethod, 'sandbox');
      assert.equal(await available(api, buyer.token, 'CNY'), 0, 'the money came from outside the wallet');
      assert.deepEqual(await s.stocks(product.id), [9, 3]);

      const second = await s.place(buyer, { items: [{ skuId: red.id, quantity: 2 }] });
      const failing = await s.paySandbox(buyer, second.id);
      await s.sandboxDecides(failing.payment.id, 'fail');
      await s.waitForIntent(failing.payment.id, 'failed');
      const waiting = await s.order(buyer, second.id);
      assert.equal(waiting.status, 'pending_payment', 'a failed payment leaves the order waiting');
      assert.equal(waiting.paidAt, undefined);
      assert.deepEqual(await s.stocks(product.id), [7, 3], 'its stock stays reserved');

      const retry = await s.paySandbox(buyer, second.id);
      assert.notEqual(retry.payment.id, failing.payment.id, 'a new payment');
      await s.sandboxDecides(retry.payment.id, 'succeed');
      await s.waitForStatus(buyer, second.id, 'paid');
      assert.deepEqual(await s.stocks(product.id), [7, 3]);
      await assertAuditClean(ctx.t);
    });

    it('cancel from pending_payment: stock and coupon back, pending payment cancelled; then pay/cancel → 409 invalid_state', async () => {
      const seller = await s.user('cx_seller');
      const buyer = await s.user('cx_buyer');
      const product = await s.publish(seller);
      const red = at(product.skus, 0);
      const coupon = await s.issue(seller, { discount: cny(300), minSpend: cny(1000), quantity: 10 });
      await s.claim(buyer, coupon.code);

      const placed = await s.place(buyer, { items: [{ skuId: red.id, quantity: 2 }], couponCode: coupon.code });
      assert.equal(placed.couponCode, coupon.code);
      assert.deepEqual(placed.subtotal, cny(3998));
      assert.deepEqual(placed.discount, cny(300));
      assert.deepEqual(placed.total, cny(3698));
      assert.equal(await s.couponStatus(buyer, coupon.code), 'used');
      assert.deepEqual(await s.stocks(product.id), [8, 3]);
      const { payment } = await s.paySandbox(buyer, placed.id);
      assert.equal(await s.intentStatus(payment.id), 'pending');

      const cancelled = await s.ok(buyer, placed.id, 'cancel', 'cancelled');
      assert.equal(cancelled.cancelReason, 'buyer_cancelled');
      assert.ok(cancelled.cancelledAt);
      assert.deepEqual(await s.stocks(product.id), [10, 3], 'stock given back');
      const mine = (await s.myCoupons(buyer)).find((c) => c.code === coupon.code);
      assert.equal(mine?.status, 'available', 'coupon given back');
      assert.equal(mine?.orderId, null);
      assert.equal(await s.intentStatus(payment.id), 'cancelled', 'the pending sandbox payment is cancelled');

      assertProblem(await s.act(buyer, placed.id, 'pay', { method: 'wallet' }), 409, 'invalid_state', 'wallet pay after cancel');
      assertProblem(await s.act(buyer, placed.id, 'pay', { method: 'sandbox' }), 409, 'invalid_state', 'sandbox pay after cancel');
      assertProblem(await s.act(buyer, placed.id, 'cancel'), 409, 'invalid_state', 'second cancel');
      assert.equal((await s.order(buyer, placed.id)).status, 'cancelled');
      assert.deepEqual(await s.stocks(product.id), [10, 3], 'stock given back once');

      // The coupon given back works again.
      const again = await s.place(buyer, { items: [{ skuId: red.id, quantity: 1 }], couponCode: coupon.code });
      assert.deepEqual(again.total, cny(1699));
      await assertAuditClean(ctx.t);
    });

    it('refund from paid: money and stock back; refund from shipped → 409 invalid_state', async () => {
      const { api } = ctx;
      const seller = await s.user('rf_seller');
      const buyer = await s.user('rf_buyer');
      const product = await s.publish(seller);
      const [red, blue] = [at(product.skus, 0), at(product.skus, 1)];
      await fund(api, buyer.token, cny(20_000));

      const placed = await s.place(buyer, { items: [{ skuId: red.id, quantity: 3 }, { skuId: blue.id, quantity: 2 }] });
      await s.ok(buyer, placed.id, 'pay', 'paid');
      assert.equal(await available(api, buyer.token, 'CNY'), 20_000 - 6997);
      assert.deepEqual(await s.stocks(product.id), [7, 1]);
      const refunded = await s.ok(buyer, placed.id, 'refund', 'refunded', { reason: 'changed my mind' });
      assert.ok(refunded.refundedAt);
      assert.equal(refunded.refundReason, 'changed my mind');
      assert.equal(await available(api, buyer.token, 'CNY'), 20_000, 'money back in the wallet');
      assert.deepEqual(await s.stocks(product.id), [10, 3], 'stock back on sale');
      assertProblem(await s.act(buyer, placed.id, 'refund'), 409, 'invalid_state', 'second refund');
      assert.equal(await available(api, buyer.token, 'CNY'), 20_000, 'refunded once');

      const shipped = await s.place(buyer, { items: [{ skuId: red.id, quantity: 1 }] });
      await s.ok(buyer, shipped.id, 'pay', 'paid');
      await s.ok(seller, shipped.id, 'ship', 'shipped', {});
      assertProblem(await s.act(buyer, shipped.id, 'refund', { reason: 'too late' }), 409, 'invalid_state', 'refund from shipped');
      assert.equal((await s.order(buyer, shipped.id)).status, 'shipped');
      assert.equal(await available(api, buyer.token, 'CNY'), 20_000 - 1999);
      assert.deepEqual(await s.stocks(product.id), [9, 3]);
      await assertAuditClean(ctx.t);
    });

    it('placement refusals: mixed_sellers, cannot_buy_own_product, insufficient_stock, product_unavailable, unknown SKU; nothing reserved', async () => {
      const seller = await s.user('pr_seller');
      const other = await s.user('pr_other');
      const buyer = await s.user('pr_buyer');
      const product = await s.publish(seller);
      const [red, blue] = [at(product.skus, 0), at(product.skus, 1)];
      const foreign = await s.publish(other, [{ price: 800, stock: 4 }], 'Rice bowl');
      const bowl = at(foreign.skus, 0);

      assertProblem(await s.tryPlace(buyer, { items: [{ skuId: red.id, quantity: 1 }, { skuId: bowl.id, quantity: 1 }] }), 422, 'mixed_sellers', 'two sellers');
      assertProblem(await s.tryPlace(seller, { items: [{ skuId: red.id, quantity: 1 }] }), 422, 'cannot_buy_own_product', 'own product');
      assertProblem(await s.tryPlace(buyer, { items: [{ skuId: red.id, quantity: 11 }] }), 409, 'insufficient_stock', 'more than the stock');
      assertProblem(await s.tryPlace(buyer, { items: [{ skuId: red.id, quantity: 5 }, { skuId: blue.id, quantity: 4 }] }), 409, 'insufficient_stock', 'one line short');
      assertProblem(await s.tryPlace(buyer, { items: [{ skuId: blue.id, quantity: 2 }, { skuId: blue.id, quantity: 2 }] }), 409, 'insufficient_stock', 'one SKU twice, summed');
      assertProblem(await s.tryPlace(buyer, { items: [{ skuId: randomUUID(), quantity: 1 }] }), 404, 'not_found', 'unknown SKU');
      assertProblem(await s.tryPlace(buyer, { items: [{ skuId: red.id, quantity: 1 }, { skuId: randomUUID(), quantity: 1 }] }), 404, 'not_found', 'one unknown SKU');
      assert.deepEqual(await s.stocks(product.id), [10, 3], 'nothing reserved');
      assert.deepEqual(await s.stocks(foreign.id), [4]);

      const delisted = await ctx.api.patch<Product>(`/api/v1/products/${product.id}`, { token: seller.token, body: { status: 'delisted' } });
      assert.equal(delisted.status, 200, delisted.text);
      assert.equal(delisted.body.status, 'delisted');
      assertProblem(await s.tryPlace(buyer, { items: [{ skuId: red.id, quantity: 1 }] }), 409, 'product_unavailable', 'delisted');
      assert.deepEqual(await s.stocks(product.id), [10, 3]);
      assert.equal(await s.orderCount(buyer), 0, 'no order was created');
      assert.equal(await s.orderCount(seller), 0);

      const relisted = await ctx.api.patch<Product>(`/api/v1/products/${product.id}`, { token: seller.token, body: { status: 'listed' } });
      assert.equal(relisted.status, 200, relisted.text);
      const exact = await s.place(buyer, { items: [{ skuId: red.id, quantity: 10 }, { skuId: blue.id, quantity: 3 }] });
      assert.equal(exact.status, 'pending_payment', 'exactly the stock can be bought');
      assert.deepEqual(await s.stocks(product.id), [0, 0]);
      assertProblem(await s.tryPlace(buyer, { items: [{ skuId: red.id, quantity: 1 }] }), 409, 'insufficient_stock', 'sold out');
      assert.equal(await s.orderCount(buyer), 1);
      await assertAuditClean(ctx.t);
    });

    it('wallet pay without enough money → 409 insufficient_funds; order untouched, no money moved', async () => {
      const { api } = ctx;
      const seller = await s.user('if_seller');
      const buyer = await s.user('if_buyer');
      const product = await s.publish(seller);
      await fund(api, buyer.token, cny(1000));
      const placed = await s.place(buyer, { items: [{ skuId: at(product.skus, 0).id, quantity: 1 }] });
      const ledgerBefore = await api.get<Page<unknown>>('/api/v1/wallet/ledger?currency=CNY', { token: buyer.token });

      assertProblem(await s.act(buyer, placed.id, 'pay', { method: 'wallet' }), 409, 'insufficient_funds', 'pay 1999 with 1000');
      assert.deepEqual(await s.order(buyer, placed.id), placed, 'the order is untouched');
      assert.equal(await available(api, buyer.token, 'CNY'), 1000);
      const ledgerAfter = await api.get<Page<unknown>>('/api/v1/wallet/ledger?currency=CNY', { token: buyer.token });
      assert.deepEqual(ledgerAfter.body, ledgerBefore.body, 'no ledger movement');
      assert.deepEqual(await s.stocks(product.id), [9, 3], 'still reserved');

      await fund(api, buyer.token, cny(999));
      await s.ok(buyer, placed.id, 'pay', 'paid');
      assert.equal(await available(api, buyer.token, 'CNY'), 0);
      await assertAuditClean(ctx.t);
    });

    it('wrong-state transitions → 409 invalid_state; the other party → 403 forbidden; nothing changes', async () => {
      const { api } = ctx;
      const seller = await s.user('st_seller');
      const buyer = await s.user('st_buyer');
      const product = await s.publish(seller);
      await fund(api, buyer.token, cny(10_000));
      const { id } = await s.place(buyer, { items: [{ skuId: at(product.skus, 0).id, quantity: 1 }] });

      const refusals = async (state: OrderStatus, invalid: [User, Action][], forbidden: [User, Action][]) => {
        const before = await s.order(buyer, id);
        const money = [await available(api, buyer.token, 'CNY'), await available(api, seller.token, 'CNY')];
        for (const [who, action] of invalid) assertProblem(await s.act(who, id, action), 409, 'invalid_state', `${action} from ${state}`);
        for (const [who, action] of forbidden) assertProblem(await s.act(who, id, action), 403, 'forbidden', `${who === seller ? 'seller' : 'buyer'} ${action} from ${state}`);
        assert.deepEqual(await s.order(buyer, id), before, `still ${state}`);
        assert.equal(before.status, state);
        assert.deepEqual([await available(api, buyer.token, 'CNY'), await available(api, seller.token, 'CNY')], money, 'no money moved');
      };
      const sellerRefusals: [User, Action][] = [
        [seller, 'pay'],
        [seller, 'cancel'],
        [seller, 'confirm-receipt'],
        [seller, 'refund'],
      ];

      await refusals('pending_payment', [[seller, 'ship'], [buyer, 'confirm-receipt'], [buyer, 'refund']], [[buyer, 'ship'], ...sellerRefusals]);
      await s.ok(buyer, id, 'pay', 'paid');
      await refusals('paid', [[buyer, 'pay'], [buyer, 'cancel'], [buyer, 'confirm-receipt']], [[buyer, 'ship'], ...sellerRefusals]);
      await s.ok(seller, id, 'ship', 'shipped');
      await refusals('shipped', [[buyer, 'pay'], [buyer, 'cancel'], [buyer, 'refund'], [seller, 'ship']], [[buyer, 'ship'], ...sellerRefusals]);
      await s.ok(buyer, id, 'confirm-receipt', 'completed');
      await refusals('completed', [[buyer, 'pay'], [buyer, 'cancel'], [buyer, 'refund'], [buyer, 'confirm-receipt'], [seller, 'ship']], [[buyer, 'ship'], ...sellerRefusals]);
      assert.equal(await available(api, seller.token, 'CNY'), 1999, 'the seller was paid once');
      await assertAuditClean(ctx.t);
    });

    it('request validation: quantity 0/1000/"1"/1.5, unknown fields, bad ids → 400 validation_failed, nothing created', async () => {
      const seller = await s.user('va_seller');
      const buyer = await s.user('va_buyer');
      const product = await s.publish(seller);
      const skuId = at(product.skus, 0).id;
      const bad: [string, unknown][] = [
        ['quantity 0', { items: [{ skuId, quantity: 0 }] }],
        ['quantity 1000', { items: [{ skuId, quantity: 1000 }] }],
        ['quantity "1"', { items: [{ skuId, quantity: '1' }] }],
        ['quantity 1.5', { items: [{ skuId, quantity: 1.5 }] }],
        ['quantity missing', { items: [{ skuId }] }],
        ['no items', { items: [] }],
        ['items missing', {}],
        ['skuId not a uuid', { items: [{ skuId: 'sku-1', quantity: 1 }] }],
        ['unknown field on the order', { items: [{ skuId, quantity: 1 }], gift: true }],
        ['unknown field on an item', { items: [{ skuId, quantity: 1, note: 'fragile' }] }],
        ['lower-case coupon code', { items: [{ skuId, quantity: 1 }], couponCode: 'abcd1234' }],
        ['address with a bad country', { items: [{ skuId, quantity: 1 }], shippingAddress: { ...HOME, country: 'china' } }],
        ['address with an unknown field', { items: [{ skuId, quantity: 1 }], shippingAddress: { ...HOME, floor: 3 } }],
        ['addressId and shippingAddress', { items: [{ skuId, quantity: 1 }], shippingAddress: HOME, addressId: randomUUID() }],
        ['not an object', [{ skuId, quantity: 1 }]],
      ];
      for (const [what, body] of bad) assertProblem(await s.tryPlace(buyer, body), 400, 'validation_failed', what);
      assert.deepEqual(await s.stocks(product.id), [10, 3]);
      assert.equal(await s.orderCount(buyer), 0);

      const placed = await s.place(buyer, { items: [{ skuId, quantity: 1 }], shippingAddress: HOME });
      assert.deepEqual(placed.shippingAddress, HOME, 'an inline address is copied');
      for (const body of [{ method: 'cash' }, {}, { method: 'wallet', amount: cny(1) }]) {
        assertProblem(await s.act(buyer, placed.id, 'pay', body), 400, 'validation_failed', `pay ${JSON.stringify(body)}`);
      }
      assertProblem(await s.act(buyer, placed.id, 'cancel', { reason: 'no' }), 400, 'validation_failed', 'cancel with a field');
      assertProblem(await s.act(seller, placed.id, 'ship', { carrier: 'SF', eta: 'tomorrow' }), 400, 'validation_failed', 'ship with an unknown field');
      assertProblem(await ctx.api.get(`/api/v1/orders/not-a-uuid`, { token: buyer.token }), 400, 'validation_failed', 'order id not a uuid');
      assertProblem(await ctx.api.get(`/api/v1/orders/${randomUUID()}`, { token: buyer.token }), 404, 'not_found', 'unknown order');
      assertProblem(await ctx.api.get(`/api/v1/orders/${placed.id}`), 401, 'unauthorized', 'no token');
      assertProblem(await ctx.api.post('/api/v1/orders', { body: { items: [{ skuId, quantity: 1 }] } }), 401, 'unauthorized', 'place without a token');
      assert.equal((await s.order(buyer, placed.id)).status, 'pending_payment');
      assert.equal(await s.orderCount(buyer), 1);
    });

    it("authorization: another user's order is 404 everywhere and unchanged; its seller and an admin can read it", async () => {
      const { api } = ctx;
      const seller = await s.user('az_seller');
      const buyer = await s.user('az_buyer');
      const stranger = await s.user('az_stranger');
      const product = await s.publish(seller);
      await fund(api, stranger.token, cny(10_000));
      const pending = await s.place(buyer, { items: [{ skuId: at(product.skus, 0).id, quantity: 1 }] });

      assertProblem(await api.get(`/api/v1/orders/${pending.id}`, { token: stranger.token }), 404, 'not_found', 'stranger GET');
      for (const action of ['pay', 'cancel', 'ship', 'confirm-receipt', 'refund'] as const) {
        assertProblem(await s.act(stranger, pending.id, action), 404, 'not_found', `stranger ${action}`);
      }
      assertProblem(await s.act(stranger, pending.id, 'pay', { method: 'sandbox' }), 404, 'not_found', 'stranger sandbox pay');
      assert.deepEqual(await s.order(buyer, pending.id), pending, 'unchanged');
      assert.equal(await available(api, stranger.token, 'CNY'), 10_000, "the stranger's money did not move");
      assert.deepEqual(await s.stocks(product.id), [9, 3]);
      assert.equal((await s.list(stranger)).items.length, 0);
      assert.equal((await s.list(stranger, '?role=seller')).items.length, 0);

      assert.deepEqual(await s.order(seller, pending.id), pending, 'the seller reads it');
      const login = await api.post<{ accessToken: string; user: { roles: string[] } }>('/api/v1/auth/login', { body: ADMIN });
      assert.equal(login.status, 200, login.text);
      assert.ok(login.body.user.roles.includes('admin'));
      const admin: User = { id: '', token: login.body.accessToken, username: ADMIN.username };
      assert.deepEqual(await s.order(admin, pending.id), pending, 'an admin reads it');
      assertProblem(await s.act(admin, pending.id, 'cancel'), 404, 'not_found', 'an admin is no party to the order');
      assert.equal((await s.order(buyer, pending.id)).status, 'pending_payment');
    });

    it('tampered prices, totals, status or parties in the order body → 400, nothing created', async () => {
      const seller = await s.user('tp_seller');
      const buyer = await s.user('tp_buyer');
      const product = await s.publish(seller);
      const skuId = at(product.skus, 0).id;
      const item = { skuId, quantity: 1 };
      const tampered: [string, unknown][] = [
        ['item unitPrice', { items: [{ ...item, unitPrice: cny(1) }] }],
        ['item price', { items: [{ ...item, price: cny(1) }] }],
        ['item total', { items: [{ ...item, total: cny(1) }] }],
        ['unitPrice', { items: [item], unitPrice: cny(1) }],
        ['price', { items: [item], price: cny(1) }],
        ['total', { items: [item], total: cny(1) }],
        ['subtotal', { items: [item], subtotal: cny(1) }],
        ['discount', { items: [item], discount: cny(1998) }],
        ['status', { items: [item], status: 'paid' }],
        ['buyerId', { items: [item], buyerId: seller.id }],
        ['sellerId', { items: [item], sellerId: buyer.id }],
        ['item sellerId', { items: [{ ...item, sellerId: buyer.id }] }],
        ['item buyerId', { items: [{ ...item, buyerId: seller.id }] }],
        ['item status', { items: [{ ...item, status: 'paid' }] }],
      ];
      for (const [what, body] of tampered) assertProblem(await s.tryPlace(buyer, body), 400, 'validation_failed', what);
      assert.equal(await s.orderCount(buyer), 0, 'nothing created');
      assert.equal(await s.orderCount(seller), 0);
      assert.equal((await s.list(seller, '?role=seller')).items.length, 0);
      assert.deepEqual(await s.stocks(product.id), [10, 3], 'nothing reserved');
      const honest = await s.place(buyer, { items: [item] });
      assert.deepEqual(honest.total, cny(1999));
    });

    it('lists: buyer by default, role=seller, status filter, cursor pages of one', async () => {
      const { api } = ctx;
      const seller = await s.user('ls_seller');
      const buyer = await s.user('ls_buyer');
      const other = await s.user('ls_other');
      const product = await s.publish(seller);
      const skuId = at(product.skus, 0).id;
      await fund(api, buyer.token, cny(10_000));
      const o1 = await s.place(buyer, { items: [{ skuId, quantity: 1 }] });
      const o2 = await s.place(buyer, { items: [{ skuId, quantity: 2 }] });
      const o3 = await s.place(buyer, { items: [{ skuId, quantity: 1 }] });
      const o4 = await s.place(other, { items: [{ skuId, quantity: 1 }] });
      await s.ok(buyer, o2.id, 'pay', 'paid');
      await s.ok(buyer, o3.id, 'cancel', 'cancelled');

      const ids = (page: Page<Order>) => page.items.map((o) => o.id);
      const mine = await s.list(buyer);
      assert.deepEqual(ids(mine), [o3.id, o2.id, o1.id], 'newest first, only the caller’s');
      assert.equal(mine.nextCursor, null);
      assert.deepEqual(at(mine.items, 1), await s.order(buyer, o2.id), 'list items are whole orders');
      assert.deepEqual(ids(await s.list(buyer, '?role=buyer')), ids(mine));
      assert.deepEqual(ids(await s.list(buyer, '?role=seller')), [], 'the buyer sells nothing');
      assert.deepEqual(ids(await s.list(seller)), [], 'the seller bought nothing');
      assert.deepEqual(ids(await s.list(seller, '?role=seller')), [o4.id, o3.id, o2.id, o1.id]);
      assert.deepEqual(ids(await s.list(buyer, '?status=paid')), [o2.id]);
      assert.deepEqual(ids(await s.list(buyer, '?status=cancelled&role=buyer')), [o3.id]);
      assert.deepEqual(ids(await s.list(seller, '?role=seller&status=pending_payment')), [o4.id, o1.id]);
      assert.deepEqual(ids(await s.list(buyer, '?status=refunded')), []);

      const walked: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page<Order> = await s.list(seller, `?role=seller&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.equal(page.items.length, 1, 'one order per page');
        walked.push(...ids(page));
        cursor = page.nextCursor;
        pages++;
        assert.ok(pages <= 4, 'the walk ends');
      } while (cursor !== null);
      assert.deepEqual(walked, [o4.id, o3.id, o2.id, o1.id], 'every order once, in order');

      for (const query of ['?role=admin', '?status=lost', '?limit=0', '?limit=101', '?cursor=zzz', '?sort=asc']) {
        assertProblem(await api.get(`/api/v1/orders${query}`, { token: buyer.token }), 400, 'validation_failed', query);
      }
    });

    it('coupons: issue, claim once, none left, unknown code, statuses available/used/expired', async () => {
      const { api } = ctx;
      const seller = await s.user('cp_seller');
      const buyer = await s.user('cp_buyer');
      const late = await s.user('cp_late');
      const product = await s.publish(seller);
      const skuId = at(product.skus, 0).id;

      const res = await api.post<Coupon>('/api/v1/coupons', { token: seller.token, body: { discount: cny(200), quantity: 1 } });
      assert.equal(res.status, 201, res.text);
      const coupon = res.body;
      assert.deepEqual(Object.keys(coupon).sort(), ['code', 'discount', 'id', 'minSpend', 'quantity', 'remaining', 'sellerId', 'validFrom', 'validUntil']);
      assert.match(coupon.code, /^[A-Z0-9]{4,32}$/);
      assert.equal(coupon.sellerId, seller.id);
      assert.deepEqual(coupon.discount, cny(200));
      assert.deepEqual(coupon.minSpend, cny(0), 'minSpend defaults to nothing');
      assert.equal(coupon.quantity, 1);
      assert.equal(coupon.remaining, 1);
      assert.equal(coupon.validUntil, null, 'valid for ever by default');
      assertAround(coupon.validFrom, Date.now(), 10_000, 'validFrom defaults to now');

      const claimed = await api.post<{ id: string; code: string; status: string }>(`/api/v1/coupons/${coupon.code}/claim`, { token: buyer.token });
      assert.equal(claimed.status, 201, claimed.text);
      assert.equal(claimed.body.code, coupon.code);
      assert.equal(claimed.body.status, 'available');
      assert.ok(claimed.body.id);
      assertProblem(await api.post(`/api/v1/coupons/${coupon.code}/claim`, { token: buyer.token }), 409, 'coupon_unavailable', 'second claim');
      assertProblem(await api.post(`/api/v1/coupons/${coupon.code}/claim`, { token: late.token }), 409, 'coupon_unavailable', 'none left');
      assertProblem(await api.post('/api/v1/coupons/ZZZZ9999ZZZZ/claim', { token: buyer.token }), 404, 'not_found', 'unknown code');
      const issued = await api.get<Page<Coupon>>('/api/v1/me/issued-coupons', { token: seller.token });
      assert.equal(issued.body.items.find((c) => c.id === coupon.id)?.remaining, 0);
      assert.deepEqual(await s.myCoupons(late), [], 'a refused claim leaves nothing');

      let mine = await s.myCoupons(buyer);
      assert.equal(mine.length, 1);
      assert.equal(at(mine, 0).status, 'available');
      assert.equal(at(mine, 0).orderId, null);
      const placed = await s.place(buyer, { items: [{ skuId, quantity: 1 }], couponCode: coupon.code });
      assert.deepEqual([placed.subtotal, placed.discount, placed.total], [cny(1999), cny(200), cny(1799)], 'total = subtotal - discount');
      mine = await s.myCoupons(buyer);
      assert.equal(at(mine, 0).status, 'used');
      assert.equal(at(mine, 0).orderId, placed.id);

      const short = await s.issue(seller, { discount: cny(100), quantity: 5, validUntil: new Date(Date.now() + 4000).toISOString() });
      assert.ok(short.validUntil);
      await s.claim(buyer, short.code);
      assert.equal(await s.couponStatus(buyer, short.code), 'available');
      await waitFor('the coupon to expire', async () => ((await s.couponStatus(buyer, short.code)) === 'expired' ? true : undefined), 15_000, 200);
      assertProblem(await s.tryPlace(buyer, { items: [{ skuId, quantity: 1 }], couponCode: short.code }), 409, 'coupon_unavailable', 'expired coupon');
      assertProblem(await api.post(`/api/v1/coupons/${short.code}/claim`, { token: late.token }), 409, 'coupon_unavailable', 'claiming an ended coupon');
      assert.deepEqual(await s.stocks(product.id), [9, 3], 'only the first order holds stock');

      const invalid: [string, unknown][] = [
        ['no discount', { quantity: 1 }],
        ['quantity 0', { discount: cny(100), quantity: 0 }],
        ['zero discount', { discount: cny(0), quantity: 1 }],
        ['unknown field', { discount: cny(100), quantity: 1, sellerId: buyer.id }],
        ['validUntil in the past', { discount: cny(100), quantity: 1, validUntil: new Date(Date.now() - 60_000).toISOString() }],
      ];
      for (const [what, body] of invalid) assertProblem(await api.post('/api/v1/coupons', { token: seller.token, body }), 400, 'validation_failed', what);
    });

    it('unusable coupons on an order → 409 coupon_unavailable, nothing reserved, nothing consumed', async () => {
      const seller = await s.user('cu_seller');
      const rival = await s.user('cu_rival');
      const buyer = await s.user('cu_buyer');
      const product = await s.publish(seller);
      const skuId = at(product.skus, 0).id;
      const line = { skuId, quantity: 1 };

      const unclaimed = await s.issue(seller, { discount: cny(100), quantity: 5 });
      const bigSpend = await s.issue(seller, { discount: cny(100), minSpend: cny(5000), quantity: 5 });
      const rivals = await s.issue(rival, { discount: cny(100), quantity: 5 });
      const good = await s.issue(seller, { discount: cny(150), minSpend: cny(1999), quantity: 5 });
      for (const code of [bigSpend.code, rivals.code, good.code]) await s.claim(buyer, code);
      const first = await s.place(buyer, { items: [line], couponCode: good.code });
      assert.deepEqual(first.total, cny(1849), 'minSpend met exactly');
      assert.deepEqual(await s.stocks(product.id), [9, 3]);

      const cases: [string, string][] = [
        ['not claimed', unclaimed.code],
        ['under minSpend', bigSpend.code],
        ["another seller's coupon", rivals.code],
        ['already used', good.code],
        ['unknown code', 'NOSUCHCODE42'],
      ];
      for (const [what, code] of cases) {
        assertProblem(await s.tryPlace(buyer, { items: [line], couponCode: code }), 409, 'coupon_unavailable', what);
        assert.deepEqual(await s.stocks(product.id), [9, 3], `${what}: nothing reserved`);
      }
      assert.equal(await s.orderCount(buyer), 1, 'no order created');
      const statuses = Object.fromEntries((await s.myCoupons(buyer)).map((c) => [c.code, c.status]));
      assert.deepEqual(statuses, { [bigSpend.code]: 'available', [rivals.code]: 'available', [good.code]: 'used' });

      const enough = await s.place(buyer, { items: [{ skuId, quantity: 3 }], couponCode: bigSpend.code });
      assert.deepEqual([enough.subtotal, enough.discount, enough.total], [cny(5997), cny(100), cny(5897)]);
      await assertAuditClean(ctx.t);
    });

    it('cart: add (quantities add up), set, remove, current price and stock, purchasable', async () => {
      const { api } = ctx;
      const seller = await s.user('ct_seller');
      const buyer = await s.user('ct_buyer');
      const rival = await s.user('ct_rival');
      const product = await s.publish(seller);
      const [red, blue] = [at(product.skus, 0), at(product.skus, 1)];

      assert.deepEqual(await s.cart(buyer), { items: [], totals: [] });
      await s.addToCart(buyer, red.id, 2);
      let cart = await s.addToCart(buyer, red.id, 3);
      assert.equal(cart.items.length, 1);
      assert.equal(at(cart.items, 0).quantity, 5, 'quantities add up');
      cart = await s.addToCart(buyer, blue.id, 1);
      assert.deepEqual(cart.items, [
        { skuId: red.id, productId: product.id, sellerId: seller.id, title: 'Clay teapot (red)', quantity: 5, unitPrice: cny(1999), stock: 10, purchasable: true },
        { skuId: blue.id, productId: product.id, sellerId: seller.id, title: 'Clay teapot (blue)', quantity: 1, unitPrice: cny(500), stock: 3, purchasable: true },
      ]);
      assert.deepEqual(cart.totals, [cny(5 * 1999 + 500)]);
      assert.deepEqual(await s.stocks(product.id), [10, 3], 'a cart reserves nothing');

      const patched = await api.patch<Cart>(`/api/v1/cart/items/${red.id}`, { token: buyer.token, body: { quantity: 1 } });
      assert.equal(patched.status, 200, patched.text);
      assert.equal(patched.body.items.find((l) => l.skuId === red.id)?.quantity, 1);
      const removed = await api.del<Cart>(`/api/v1/cart/items/${blue.id}`, { token: buyer.token });
      assert.equal(removed.status, 200, removed.text);
      assert.deepEqual(removed.body.items.map((l) => l.skuId), [red.id]);
      assertProblem(await api.del(`/api/v1/cart/items/${blue.id}`, { token: buyer.token }), 404, 'not_found', 'remove a line twice');
      assertProblem(await api.patch(`/api/v1/cart/items/${blue.id}`, { token: buyer.token, body: { quantity: 2 } }), 404, 'not_found', 'set a missing line');

      const repriced = await api.patch<Product>(`/api/v1/skus/${red.id}`, { token: seller.token, body: { price: cny(2999) } });
      assert.equal(repriced.status, 200, repriced.text);
      await s.place(rival, { items: [{ skuId: red.id, quantity: 4 }] });
      cart = await s.cart(buyer);
      assert.deepEqual(at(cart.items, 0).unitPrice, cny(2999), 'the current price');
      assert.equal(at(cart.items, 0).stock, 6, 'the current stock');
      assert.deepEqual(cart.totals, [cny(2999)]);
      const tooMany = await api.patch<Cart>(`/api/v1/cart/items/${red.id}`, { token: buyer.token, body: { quantity: 7 } });
      assert.equal(tooMany.status, 200, tooMany.text);
      assert.equal(at(tooMany.body.items, 0).purchasable, false, 'more than the stock');
      assert.deepEqual(tooMany.body.totals, [], 'totals count purchasable lines only');
      await api.patch(`/api/v1/cart/items/${red.id}`, { token: buyer.token, body: { quantity: 6 } });
      assert.equal(at((await s.cart(buyer)).items, 0).purchasable, true);
      await api.patch(`/api/v1/products/${product.id}`, { token: seller.token, body: { status: 'delisted' } });
      assert.equal(at((await s.cart(buyer)).items, 0).purchasable, false, 'delisted');

      assertProblem(await api.post('/api/v1/cart/items', { token: buyer.token, body: { skuId: blue.id, quantity: 1 } }), 409, 'product_unavailable', 'add a delisted SKU');
      await api.patch(`/api/v1/products/${product.id}`, { token: seller.token, body: { status: 'listed' } });
      assertProblem(await api.post('/api/v1/cart/items', { token: seller.token, body: { skuId: blue.id, quantity: 1 } }), 422, 'cannot_buy_own_product', 'add own SKU');
      assertProblem(await api.post('/api/v1/cart/items', { token: buyer.token, body: { skuId: randomUUID(), quantity: 1 } }), 404, 'not_found', 'unknown SKU');
      for (const quantity of [0, 1000, '1']) {
        assertProblem(await api.post('/api/v1/cart/items', { token: buyer.token, body: { skuId: blue.id, quantity } }), 400, 'validation_failed', `quantity ${JSON.stringify(quantity)}`);
      }
      assertProblem(await api.post('/api/v1/cart/items', { token: buyer.token, body: { skuId: blue.id, quantity: 1, unitPrice: cny(1) } }), 400, 'validation_failed', 'a price in the cart');
      assert.deepEqual((await s.cart(buyer)).items.map((l) => [l.skuId, l.quantity]), [[red.id, 6]]);

      // Another user's cart line is not the caller's: 404, and it stays.
      assertProblem(await api.patch(`/api/v1/cart/items/${red.id}`, { token: rival.token, body: { quantity: 1 } }), 404, 'not_found', "set another's line");
      assertProblem(await api.del(`/api/v1/cart/items/${red.id}`, { token: rival.token }), 404, 'not_found', "remove another's line");
      assert.deepEqual((await s.cart(buyer)).items.map((l) => [l.skuId, l.quantity]), [[red.id, 6]]);
    });

    it('checkout: one order per seller, lines leave the cart, the default address copied', async () => {
      const seller1 = await s.user('co_seller1');
      const seller2 = await s.user('co_seller2');
      const buyer = await s.user('co_buyer');
      const p1 = await s.publish(seller1);
      const p2 = await s.publish(seller2, [{ name: 'large', price: 800, stock: 5 }], 'Rice bowl');
      const [red, blue] = [at(p1.skus, 0), at(p1.skus, 1)];
      const bowl = at(p2.skus, 0);
      await s.addAddress(buyer, OFFICE);
      const home = await s.addAddress(buyer, { ...HOME, isDefault: true });
      assert.equal(home.isDefault, true);

      await s.addToCart(buyer, red.id, 2);
      await s.addToCart(buyer, bowl.id, 3);
      await s.addToCart(buyer, blue.id, 1);
      const res = await ctx.api.post<{ orders: Order[] }>('/api/v1/cart/checkout', { token: buyer.token });
      assert.equal(res.status, 201, res.text);
      const { orders } = res.body;
      assert.equal(orders.length, 2, 'one order per seller');
      const bySeller = new Map(orders.map((o) => [o.sellerId, o]));
      const first = bySeller.get(seller1.id);
      const second = bySeller.get(seller2.id);
      assert.ok(first && second);
      assert.deepEqual(first.items.map((i) => [i.skuId, i.quantity, i.unitPrice.amount]), [[red.id, 2, 1999], [blue.id, 1, 500]]);
      assert.deepEqual(first.total, cny(4498));
      assert.deepEqual(second.items.map((i) => [i.skuId, i.quantity, i.unitPrice.amount]), [[bowl.id, 3, 800]]);
      assert.deepEqual(second.total, cny(2400));
      for (const order of orders) {
        assert.equal(order.status, 'pending_payment');
        assert.equal(order.buyerId, buyer.id);
        assert.deepEqual(order.shippingAddress, HOME, 'the default address is copied');
      }
      assert.deepEqual(await s.cart(buyer), { items: [], totals: [] }, 'the lines left the cart');
      assert.deepEqual(await s.stocks(p1.id), [8, 2]);
      assert.deepEqual(await s.stocks(p2.id), [2]);
      assertProblem(await ctx.api.post('/api/v1/cart/checkout', { token: buyer.token, body: {} }), 409, 'invalid_state', 'an empty cart');
      assert.equal(await s.orderCount(buyer), 2);
    });

    it('checkout is all or nothing: one seller short of stock → 409, the other order cancelled, stock unchanged', async () => {
      const seller1 = await s.user('an_seller1');
      const seller2 = await s.user('an_seller2');
      const buyer = await s.user('an_buyer');
      const p1 = await s.publish(seller1);
      const p2 = await s.publish(seller2, [{ name: 'large', price: 800, stock: 2 }], 'Rice bowl');
      const red = at(p1.skus, 0);
      const bowl = at(p2.skus, 0);
      await s.addToCart(buyer, red.id, 1);
      await s.addToCart(buyer, bowl.id, 1);
      const patched = await ctx.api.patch<Cart>(`/api/v1/cart/items/${bowl.id}`, { token: buyer.token, body: { quantity: 3 } });
      assert.equal(at(patched.body.items, 1).purchasable, false);

      const res = await ctx.api.post('/api/v1/cart/checkout', { token: buyer.token, body: { skuIds: [red.id, bowl.id] } });
      assertProblem(res, 409, 'insufficient_stock', 'checkout');
      const orders = (await s.list(buyer, '?limit=100')).items;
      assert.equal(orders.filter((o) => o.status !== 'cancelled').length, 0, 'no order stays open');
      assert.deepEqual(orders.map((o) => [o.sellerId, o.status]), [[seller1.id, 'cancelled']], "the first seller's order was placed, then cancelled");
      assert.deepEqual(await s.stocks(p1.id), [10, 3], 'stock of both SKUs unchanged');
      assert.deepEqual(await s.stocks(p2.id), [2]);
      assert.deepEqual((await s.cart(buyer)).items.map((l) => [l.skuId, l.quantity]), [[red.id, 1], [bowl.id, 3]], 'the cart is kept');
      await assertAuditClean(ctx.t);
    });

    it('address book: first is default, default switching, edit, delete; orders copy addressId; others get 404', async () => {
      const { api } = ctx;
      const seller = await s.user('ad_seller');
      const buyer = await s.user('ad_buyer');
      const other = await s.user('ad_other');
      const product = await s.publish(seller);
      const skuId = at(product.skus, 0).id;

      assert.deepEqual(await s.addresses(buyer), []);
      const a1 = await s.addAddress(buyer, HOME);
      assert.deepEqual(a1, { ...HOME, id: a1.id, isDefault: true }, 'the first address is the default');
      const a2 = await s.addAddress(buyer, OFFICE);
      assert.equal(a2.isDefault, false);
      const a3 = await s.addAddress(buyer, { ...HOME, recipient: 'Wei', isDefault: true });
      assert.equal(a3.isDefault, true);
      const defaults = async () => (await s.addresses(buyer)).filter((a) => a.isDefault).map((a) => a.id);
      assert.deepEqual(await defaults(), [a3.id], 'one default');
      const switched = await api.patch<Address>(`/api/v1/addresses/${a2.id}`, { token: buyer.token, body: { isDefault: true } });
      assert.equal(switched.status, 200, switched.text);
      assert.equal(switched.body.isDefault, true);
      assert.deepEqual(await defaults(), [a2.id]);
      const edited = await api.patch<Address>(`/api/v1/addresses/${a1.id}`, { token: buyer.token, body: { city: 'Hangzhou', line2: 'Room 101' } });
      assert.equal(edited.status, 200, edited.text);
      assert.deepEqual(edited.body, { ...HOME, city: 'Hangzhou', line2: 'Room 101', id: a1.id, isDefault: false });
      const got = await api.get<Address>(`/api/v1/addresses/${a1.id}`, { token: buyer.token });
      assert.deepEqual(got.body, edited.body);
      assertProblem(await api.patch(`/api/v1/addresses/${a1.id}`, { token: buyer.token, body: {} }), 400, 'validation_failed', 'an empty patch');
      assertProblem(await api.patch(`/api/v1/addresses/${a1.id}`, { token: buyer.token, body: { country: 'cn' } }), 400, 'validation_failed', 'a bad country');
      assertProblem(await api.post('/api/v1/addresses', { token: buyer.token, body: { ...HOME, note: 'x' } }), 400, 'validation_failed', 'an unknown field');
      const deleted = await api.del(`/api/v1/addresses/${a3.id}`, { token: buyer.token });
      assert.equal(deleted.status, 204, deleted.text);
      assertProblem(await api.get(`/api/v1/addresses/${a3.id}`, { token: buyer.token }), 404, 'not_found', 'deleted');
      assert.deepEqual((await s.addresses(buyer)).map((a) => a.id), [a1.id, a2.id]);

      // Another user's address: 404 everywhere, and unchanged.
      const before = await s.addresses(buyer);
      assertProblem(await api.get(`/api/v1/addresses/${a1.id}`, { token: other.token }), 404, 'not_found', "GET another's address");
      assertProblem(await api.patch(`/api/v1/addresses/${a1.id}`, { token: other.token, body: { city: 'Xi an', isDefault: true } }), 404, 'not_found', "PATCH another's address");
      assertProblem(await api.del(`/api/v1/addresses/${a1.id}`, { token: other.token }), 404, 'not_found', "DELETE another's address");
      assert.deepEqual(await s.addresses(buyer), before, 'unchanged');
      assert.deepEqual(await s.addresses(other), []);

      const withAddress = await s.place(buyer, { items: [{ skuId, quantity: 1 }], addressId: a1.id });
      assert.deepEqual(withAddress.shippingAddress, { ...HOME, city: 'Hangzhou', line2: 'Room 101' }, 'the address is copied');
      await api.patch(`/api/v1/addresses/${a1.id}`, { token: buyer.token, body: { city: 'Suzhou' } });
      assert.equal((await s.order(buyer, withAddress.id)).shippingAddress?.city, 'Hangzhou', 'a copy, not a reference');
      const noAddress = await s.place(buyer, { items: [{ skuId, quantity: 1 }] });
      assert.equal(noAddress.shippingAddress, undefined, 'POST /orders does not fall back to the default address');
      assertProblem(await s.tryPlace(other, { items: [{ skuId, quantity: 1 }], addressId: a1.id }), 404, 'not_found', "another's addressId");
      assertProblem(await s.tryPlace(buyer, { items: [{ skuId, quantity: 1 }], addressId: randomUUID() }), 404, 'not_found', 'unknown addressId');
      assert.equal(await s.orderCount(other), 0);
      assert.deepEqual(await s.stocks(product.id), [8, 3], 'only the two orders hold stock');
    });
  });

  describe(`orders: payment deadline (${mode})`, () => {
    const ctx = useTestApp(mode, { FLASHMART_PAYMENT_TIMEOUT_SECONDS: '2' });
    const s = shop(ctx);

    it('an unpaid order is cancelled at its deadline (payment_timeout); stock and coupon come back', async () => {
      const seller = await s.user('ex_seller');
      const buyer = await s.user('ex_buyer');
      const product = await s.publish(seller);
      const coupon = await s.issue(seller, { discount: cny(100), quantity: 3 });
      await s.claim(buyer, coupon.code);
      const before = Date.now();
      const placed = await s.place(buyer, { items: [{ skuId: at(product.skus, 0).id, quantity: 4 }], couponCode: coupon.code });
      assertAround(placed.expiresAt, before + 2000, 5000, 'expiresAt');
      assert.deepEqual(await s.stocks(product.id), [6, 3]);
      assert.equal(await s.couponStatus(buyer, coupon.code), 'used');

      const expired = await s.waitForStatus(buyer, placed.id, 'cancelled', 20_000);
      assert.equal(expired.cancelReason, 'payment_timeout');
      assert.ok(expired.cancelledAt);
      assert.deepEqual(await s.stocks(product.id), [10, 3], 'stock back');
      assert.equal(await s.couponStatus(buyer, coupon.code), 'available', 'coupon back');
      assertProblem(await s.act(buyer, placed.id, 'pay', { method: 'wallet' }), 409, 'invalid_state', 'pay an expired order');
      assertProblem(await s.act(buyer, placed.id, 'cancel'), 409, 'invalid_state', 'cancel an expired order');
      await assertAuditClean(ctx.t);
    });

    it('a sandbox payment that succeeds after the order expired is refunded; the order stays cancelled', async () => {
      const { api } = ctx;
      const seller = await s.user('lt_seller');
      const buyer = await s.user('lt_buyer');
      const product = await s.publish(seller);
      const placed = await s.place(buyer, { items: [{ skuId: at(product.skus, 0).id, quantity: 1 }] });
      const { payment } = await s.paySandbox(buyer, placed.id);
      await s.waitForStatus(buyer, placed.id, 'cancelled', 20_000);
      const before = await available(api, buyer.token, 'CNY');

      await s.sandboxDecides(payment.id, 'succeed');
      // API.md only says the late payment "is refunded". Two routes exist: into the buyer's wallet
      // (orders' late-payment path, while the intent is still pending) or back to the payer at the
      // provider (payments' path once the cancelled order's intent ended). Exactly one must happen.
      const refundedAtProvider = async () => /This payment is <strong>refunded<\/strong>/.test((await api.get(`/sandbox/pay/${payment.id}`)).text);
      const route = await waitFor(
        'the late payment to be refunded',
        async () => {
          const toWallet = (await available(api, buyer.token, 'CNY')) === before + placed.total.amount;
          const toPayer = await refundedAtProvider();
          return toWallet || toPayer ? { toWallet, toPayer } : undefined;
        },
        15_000,
      );
      assert.notEqual(route.toWallet, route.toPayer, `refunded exactly once (wallet ${route.toWallet}, provider ${route.toPayer})`);
      assert.equal(await available(api, buyer.token, 'CNY'), before + (route.toWallet ? placed.total.amount : 0));
      const after = await s.order(buyer, placed.id);
      assert.equal(after.status, 'cancelled', 'the order stays cancelled');
      assert.equal(after.cancelReason, 'payment_timeout');
      assert.equal(after.paidAt, undefined);
      assert.deepEqual(await s.stocks(product.id), [10, 3]);
      assert.equal(await available(api, seller.token, 'CNY'), 0);
      await assertAuditClean(ctx.t);
    });
  });
}
