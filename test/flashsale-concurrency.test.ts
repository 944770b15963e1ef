/**
 * Flash sales under real concurrency, in every mode (ARCHITECTURE.md I1, I2, I5, I6, I7;
 * API.md "Flash sales"): requests race for real through the whole stack (admission script,
 * drain, database guards), never mocks. Nothing here asserts on speed.
 *
 * 1. A stampede: 400 buyers × 3 parallel attempts on 100 units (limit 1): exactly 100 win.
 * 2. The per-user limit (2) holds when each buyer fires 10 attempts at once.
 * 3. Wallet payments land right around the payment deadline while expiry runs: each order ends
 *    paid xor cancelled, and each cancelled order's unit returns to the sale exactly once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql, type RawBuilder } from 'kysely';
import { MODES, useTestApp, type TestApp } from './support/harness.js';
import { cny, flashShop, type PurchaseBody, type SaleBody, type User } from './support/flash-helpers.js';
import type { Client, Response } from './support/client.js';
import { pool } from './support/processes.js';
import { assertAuditClean, available, fund, shuffle, sleep, waitFor, type Problem } from './support/wallet-helpers.js';

const BUYERS = 400;
const ATTEMPTS_PER_BUYER = 3;
const UNITS = 100;
/** Registrations in flight at once (each hashes a password with argon2id). */
const REGISTER_CONCURRENCY = 16;

/** `${status} ${code}` of a refusal, or `202` for a queued purchase. */
function outcome(res: Response<PurchaseBody>): string {
  return res.status === 202 ? '202' : `${res.status} ${(res.body as unknown as Problem | undefined)?.code ?? res.text}`;
}

function tally(items: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
}

/** Rows of one SQL query on the test app's database (PGlite or PostgreSQL alike). */
async function rows<T>(t: TestApp, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(t.app.platform.database.db)).rows;
}

async function one<T>(t: TestApp, query: RawBuilder<T>): Promise<T> {
  const [row] = await rows(t, query);
  assert.ok(row, 'the query returned a row');
  return row;
}

/**
 * Polls every accepted purchase (GET, its buyer only) until each has a final answer; every
 * poll must answer 200. Returns the answers in the order given.
 */
async function answersOf(api: Client, saleId: string, accepted: { buyer: User; purchaseId: string }[], timeoutMs = 60_000): Promise<PurchaseBody[]> {
  const answers = new Map<string, PurchaseBody>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = accepted.filter((a) => !answers.has(a.purchaseId));
    if (open.length === 0) break;
    await pool(open, 32, async ({ buyer, purchaseId }) => {
      const res = await api.get<PurchaseBody>(`/api/v1/flash-sales/${saleId}/purchases/${purchaseId}`, { token: buyer.accessToken });
      assert.equal(res.status, 200, `purchase ${purchaseId}: ${res.text}`);
      assert.equal(res.body.purchaseId, purchaseId);
      if (res.body.status !== 'queued') answers.set(purchaseId, res.body);
    });
    if (answers.size === accepted.length) break;
    assert.ok(Date.now() < deadline, `${accepted.length - answers.size} of ${accepted.length} accepted purchases still queued after ${timeoutMs} ms`);
    await sleep(100);
  }
  return accepted.map((a) => answers.get(a.purchaseId) ?? assert.fail(`no answer for ${a.purchaseId}`));
}

for (const mode of MODES) {
  describe(`flash sales under a stampede (${mode})`, () => {
    const ctx = useTestApp(mode, {
      // Every attempt reaches the admission script: the refusals are the sale's, not the rate limiter's.
      FLASHMART_FLASH_RATE_PER_USER: '0',
      FLASHMART_FLASH_RECONCILE_SECONDS: '1',
    });
    const shop = flashShop(() => ctx.api);

    it(`${BUYERS} buyers × ${ATTEMPTS_PER_BUYER} parallel attempts on ${UNITS} units (limit 1): exactly ${UNITS} win, nobody twice, nothing oversold`, { timeout: 180_000 }, async (t) => {
      const started = Date.now();
      const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
      const seller = await shop.register('stampede_seller');
      const { skuId } = await shop.product(seller, 5000, UNITS);
      const buyers = await pool(Array.from({ length: BUYERS }, (_, i) => i), REGISTER_CONCURRENCY, () => shop.register('stampede'));
      t.diagnostic(`${BUYERS} buyers registered after ${elapsed()}`);
      const sale = await shop.runningSale(seller, skuId, UNITS, { price: 990, perUserLimit: 1 });
      assert.equal(sale.remaining, UNITS);

      // 1,200 requests at once, each buyer's three spread through the crowd.
      const attempts = shuffle(buyers.flatMap((buyer) => Array.from({ length: ATTEMPTS_PER_BUYER }, () => buyer)));
      const results = await Promise.all(attempts.map((buyer) => shop.purchase(buyer, sale.id)));
      const outcomes = tally(results.map(outcome));
      t.diagnostic(`${attempts.length} attempts answered after ${elapsed()}: ${JSON.stringify(outcomes)}`);
      for (const key of Object.keys(outcomes)) assert.ok(['202', '409 sold_out', '409 purchase_limit_exceeded'].includes(key), `unexpected answer ${key}: ${JSON.stringify(outcomes)}`);
      for (const res of results) {
        if (res.status !== 202) assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
        else assert.equal(res.body.status, 'queued');
      }
      const accepted = results.flatMap((res, i) => (res.status === 202 ? [{ buyer: attempts[i] as User, purchaseId: res.body.purchaseId }] : []));
      assert.equal(accepted.length, UNITS, 'the admission script queued exactly the quantity on sale');
      assert.equal(new Set(accepted.map((a) => a.buyer.user.id)).size, UNITS, 'no buyer was queued twice');
      assert.equal(new Set(accepted.map((a) => a.purchaseId)).size, UNITS, 'purchase ids are unique');

      // Every accepted purchase gets a final answer: all succeed (the hot store only admits what the database holds).
      const answers = await answersOf(ctx.api, sale.id, accepted);
      t.diagnostic(`every accepted purchase answered after ${elapsed()}: ${JSON.stringify(tally(answers.map((a) => a.status)))}`);
      assert.deepEqual(tally(answers.map((a) => a.status)), { succeeded: UNITS });
      assert.equal(new Set(answers.map((a) => a.orderId)).size, UNITS, 'one order per succeeded purchase');

      const after = await shop.sale(sale.id);
      assert.equal(after.remaining, 0);
      assert.equal(after.status, 'sold_out');
      const late = await shop.purchase(buyers[0] as User, sale.id);
      assert.equal(late.status, 409, late.text);

      // The database agrees: 100 succeeded purchases, 100 flash orders of 1 unit each, one per buyer, stock 0.
      const books = await one(
        ctx.t,
        sql<{ purchases: number; succeeded: number; orders: number; units: number; pending: number; buyers: number; multi: number; max_quantity: number; buyer_units: number; stock: number; sku_available: number; matched: number }>`
          select
            (select count(*) from flash_purchases where sale_id = ${sale.id})::int as purchases,
            (select count(*) from flash_purchases where sale_id = ${sale.id} and status = 'succeeded')::int as succeeded,
            (select count(*) from orders where flash_sale_id = ${sale.id} and source = 'flash_sale')::int as orders,
            (select coalesce(sum(i.quantity), 0) from orders_items i join orders o on o.id = i.order_id where o.flash_sale_id = ${sale.id})::int as units,
            (select count(*) from orders where flash_sale_id = ${sale.id} and status = 'pending_payment' and total = ${990})::int as pending,
            (select count(distinct buyer_id) from orders where flash_sale_id = ${sale.id})::int as buyers,
            (select count(*) from (select buyer_id from orders where flash_sale_id = ${sale.id} group by buyer_id having count(*) > 1) m)::int as multi,
            (select coalesce(max(quantity), 0) from flash_buyers where sale_id = ${sale.id})::int as max_quantity,
            (select coalesce(sum(quantity), 0) from flash_buyers where sale_id = ${sale.id})::int as buyer_units,
            (select stock from flash_sales where id = ${sale.id})::int as stock,
            (select available from inventory_stock where sku_id = ${skuId})::int as sku_available,
            (select count(*) from flash_purchases p join orders o on o.id = p.order_id
               where p.sale_id = ${sale.id} and p.status = 'succeeded' and o.buyer_id = p.buyer_id and o.flash_sale_id = p.sale_id)::int as matched`,
      );
      assert.deepEqual(books, {
        purchases: UNITS,
        succeeded: UNITS,
        orders: UNITS,
        units: UNITS,
        pending: UNITS,
        buyers: UNITS,
        multi: 0,
        max_quantity: 1,
        buyer_units: UNITS,
        stock: 0,
        sku_available: 0,
        matched: UNITS,
      });
      const decidedIds = (await rows(ctx.t, sql<{ id: string }>`select id from flash_purchases where sale_id = ${sale.id}`)).map((r) => r.id);
      assert.deepEqual(decidedIds.sort(), accepted.map((a) => a.purchaseId).sort(), 'the decided purchases are exactly the accepted ones');

      await assertAuditClean(ctx.t);
      t.diagnostic(`done after ${elapsed()}`);
    });

    it('the per-user limit (2) holds when each of 20 buyers fires 10 attempts at once', { timeout: 60_000 }, async () => {
      const seller = await shop.register('limit_seller');
      const { skuId } = await shop.product(seller, 5000, UNITS);
      const buyers = await pool(Array.from({ length: 20 }, (_, i) => i), REGISTER_CONCURRENCY, () => shop.register('greedy'));
      const sale = await shop.runningSale(seller, skuId, UNITS, { perUserLimit: 2 });
      const attempts = shuffle(buyers.flatMap((buyer) => Array.from({ length: 10 }, () => buyer)));
      const results = await Promise.all(attempts.map((buyer) => shop.purchase(buyer, sale.id, { quantity: 1 })));
      assert.deepEqual(tally(results.map(outcome)), { '202': 40, '409 purchase_limit_exceeded': 160 });
      const accepted = results.flatMap((res, i) => (res.status === 202 ? [{ buyer: attempts[i] as User, purchaseId: res.body.purchaseId }] : []));
      for (const buyer of buyers) assert.equal(accepted.filter((a) => a.buyer === buyer).length, 2, `${buyer.user.username} was queued twice, no more`);
      const answers = await answersOf(ctx.api, sale.id, accepted);
      assert.deepEqual(tally(answers.map((a) => a.status)), { succeeded: 40 });

      // Decided now: a second wave is refused by the limit too.
      const again = await Promise.all(buyers.flatMap((buyer) => [1, 2, 3].map(() => shop.purchase(buyer, sale.id))));
      assert.deepEqual(tally(again.map(outcome)), { '409 purchase_limit_exceeded': 60 });

      const perBuyer = await rows(
        ctx.t,
        sql<{ buyer_id: string; orders: number; recorded: number }>`
          select o.buyer_id, count(*)::int as orders, (select quantity from flash_buyers b where b.sale_id = ${sale.id} and b.user_id = o.buyer_id)::int as recorded
          from orders o where o.flash_sale_id = ${sale.id} group by o.buyer_id`,
      );
      assert.equal(perBuyer.length, buyers.length);
      for (const row of perBuyer) assert.deepEqual({ orders: row.orders, recorded: row.recorded }, { orders: 2, recorded: 2 }, `buyer ${row.buyer_id}`);
      const after = await shop.sale(sale.id);
      assert.equal(after.remaining, UNITS - 40);
      assert.equal(after.status, 'active');
      await assertAuditClean(ctx.t);
    });
  });

  describe(`flash sales: payment racing expiry (${mode})`, () => {
    const PAYMENT_TIMEOUT_SECONDS = 3;
    const ctx = useTestApp(mode, {
      FLASHMART_FLASH_RATE_PER_USER: '0',
      FLASHMART_FLASH_RECONCILE_SECONDS: '1',
      FLASHMART_FLASH_PAYMENT_TIMEOUT_SECONDS: String(PAYMENT_TIMEOUT_SECONDS),
    });
    const shop = flashShop(() => ctx.api);
    const PRICE = 700;
    const FUNDS = 10_000;
    /** When each winner pays, in ms from its order's deadline. */
    const OFFSETS = [-1500, -1000, -600, -300, -150, -80, -40, -20, -10, -5, 0, 5, 10, 20, 40, 80, 150, 300, 600, 900];
    const WINNERS = OFFSETS.length;

    it(`${WINNERS} winners pay around their deadline while expiry runs: each order paid xor cancelled, each cancelled unit back once`, { timeout: 90_000 }, async (t) => {
      const seller = await shop.register('race_seller');
      const { skuId } = await shop.product(seller, 5000, WINNERS);
      const buyers = await pool(Array.from({ length: WINNERS + 1 }, (_, i) => i), REGISTER_CONCURRENCY, () => shop.register('racer'));
      await pool(buyers, 8, (buyer) => fund(ctx.api, buyer.accessToken, cny(FUNDS)));
      const latecomer = buyers.pop() as User;
      const sale: SaleBody = await shop.runningSale(seller, skuId, WINNERS, { price: PRICE });

      const queued = await Promise.all(buyers.map((buyer) => shop.purchase(buyer, sale.id)));
      assert.deepEqual(tally(queued.map(outcome)), { '202': WINNERS });
      const answers = await answersOf(
        ctx.api,
        sale.id,
        queued.map((res, i) => ({ buyer: buyers[i] as User, purchaseId: res.body.purchaseId })),
      );
      assert.ok(answers.every((a) => a.status === 'succeeded' && a.orderId), JSON.stringify(answers));
      assert.equal((await shop.sale(sale.id)).remaining, 0);
      const orderIds = answers.map((a) => a.orderId as string);
      const deadlines = new Map(
        (await rows(ctx.t, sql<{ id: string; expires_at: Date }>`select id, expires_at from orders where flash_sale_id = ${sale.id}`)).map((r) => [r.id, new Date(r.expires_at).getTime()]),
      );
      assert.equal(deadlines.size, WINNERS);

      // Buyer i pays (twice at once, a double click) at its deadline + OFFSETS[i]: well before it,
      // within milliseconds of it (while the expiry job is due), and after it.
      const pays = await Promise.all(
        buyers.map(async (buyer, i) => {
          const orderId = orderIds[i] as string;
          const offset = OFFSETS[i] ?? 0;
          await sleep(Math.max(0, (deadlines.get(orderId) ?? 0) + offset - Date.now()));
          const pay = async () => {
            const res = await ctx.api.post<{ status: string }>(`/api/v1/orders/${orderId}/pay`, { token: buyer.accessToken, body: { method: 'wallet' } });
            return res.status === 200 ? `200 ${res.body.status}` : `${res.status} ${(res.body as unknown as Problem).code}`;
          };
          const answers = await Promise.all([pay(), pay()]);
          for (const a of answers) assert.ok(a === '200 paid' || a === '409 invalid_state', `unexpected pay answer ${a}`);
          assert.ok(answers.filter((a) => a === '200 paid').length <= 1, `order ${orderId} was paid twice: ${answers.join(', ')}`);
          return { orderId, offset, answer: answers.includes('200 paid') ? '200 paid' : '409 invalid_state' };
        }),
      );
      t.diagnostic(`pay answers by offset to the deadline: ${pays.map((p) => `${p.offset}ms→${p.answer}`).join(', ')}`);
      for (const p of pays.filter((p) => p.offset >= 100)) assert.equal(p.answer, '409 invalid_state', 'a payment after the deadline is refused');

      // Every order ends paid or cancelled (the expiry job cancels the rest at the deadline).
      const final = await waitFor(
        'no order of the sale pending payment',
        async () => {
          const states = await rows(ctx.t, sql<{ id: string; status: string; cancel_reason: string | null; buyer_id: string }>`select id, status, cancel_reason, buyer_id from orders where flash_sale_id = ${sale.id}`);
          return states.some((s) => s.status === 'pending_payment') ? undefined : states;
        },
        20_000,
        100,
      );
      const statusOf = new Map(final.map((r) => [r.id, r]));
      for (const p of pays) {
        const row = statusOf.get(p.orderId);
        assert.ok(row, `order ${p.orderId} exists`);
        if (p.answer === '200 paid') assert.equal(row.status, 'paid', `order ${p.orderId} was answered paid`);
        else assert.deepEqual({ status: row.status, reason: row.cancel_reason }, { status: 'cancelled', reason: 'payment_timeout' }, `order ${p.orderId} was refused payment`);
      }
      const paid = final.filter((r) => r.status === 'paid');
      const cancelled = final.filter((r) => r.status === 'cancelled');
      t.diagnostic(`${paid.length} paid, ${cancelled.length} cancelled by the deadline`);
      assert.equal(paid.length + cancelled.length, WINNERS);
      assert.ok(paid.length >= 1, 'payments well before the deadline went through');
      assert.ok(cancelled.length >= OFFSETS.filter((o) => o >= 100).length, 'payments after the deadline were refused and their orders expired');

      // Each cancelled order's unit went back to the sale exactly once: remaining, stock, returns, limits.
      await waitFor('the returned units on sale', async () => ((await shop.sale(sale.id)).remaining === cancelled.length ? true : undefined), 10_000, 100);
      await sleep(2500); // two reconciler rounds: nothing may be returned twice
      const after = await shop.sale(sale.id);
      assert.equal(after.remaining, cancelled.length, 'remaining went up by exactly the cancelled orders');
      assert.equal(after.status, 'active');
      const returns = await rows(ctx.t, sql<{ order_id: string; quantity: number; destination: string }>`select order_id, quantity, destination from flash_returns where sale_id = ${sale.id}`);
      assert.deepEqual(returns.map((r) => r.order_id).sort(), cancelled.map((r) => r.id).sort(), 'one return per cancelled order');
      assert.ok(returns.every((r) => Number(r.quantity) === 1 && r.destination === 'sale'));
      const saleRow = await one(ctx.t, sql<{ stock: number }>`select stock::int as stock from flash_sales where id = ${sale.id}`);
      assert.equal(saleRow.stock, cancelled.length);
      const recorded = new Map((await rows(ctx.t, sql<{ user_id: string; quantity: number }>`select user_id, quantity::int as quantity from flash_buyers where sale_id = ${sale.id}`)).map((r) => [r.user_id, r.quantity]));
      for (const row of final) assert.equal(recorded.get(row.buyer_id), row.status === 'paid' ? 1 : 0, `buyer ${row.buyer_id}'s recorded quantity`);

      // Money moved once: paid buyers were charged the sale price, the others nothing.
      await pool(buyers, 8, async (buyer, i) => {
        const row = statusOf.get(orderIds[i] as string);
        assert.equal(await available(ctx.api, buyer.accessToken, 'CNY'), row?.status === 'paid' ? FUNDS - PRICE : FUNDS, `${buyer.user.username}'s wallet`);
      });

      // A returned unit can be bought again: by a newcomer, and by a buyer whose order expired (it no longer counts).
      const expiredBuyer = buyers[orderIds.indexOf(cancelled[0]?.id ?? '')] ?? assert.fail('a buyer whose order expired');
      const rebuys = [];
      for (const buyer of [latecomer, expiredBuyer]) {
        const res = await shop.purchase(buyer, sale.id);
        assert.equal(res.status, 202, res.text);
        const answer = await shop.decided(buyer, sale.id, res.body.purchaseId);
        assert.equal(answer.status, 'succeeded', JSON.stringify(answer));
        rebuys.push({ buyer, orderId: answer.orderId as string });
      }
      assert.equal((await shop.sale(sale.id)).remaining, cancelled.length - 2);
      // Paid at once, so nothing expires under the audit.
      for (const { buyer, orderId } of rebuys) {
        const res = await ctx.api.post<{ status: string }>(`/api/v1/orders/${orderId}/pay`, { token: buyer.accessToken, body: { method: 'wallet' } });
        assert.equal(res.status, 200, res.text);
        assert.equal(res.body.status, 'paid');
      }
      await assertAuditClean(ctx.t);
    });
  });
}
