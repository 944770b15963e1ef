/**
 * Orders under SIGKILL: the placement saga and the payment-timeout expiry survive a process
 * dying in the middle of them (ARCHITECTURE.md "Orders"; I1, I3, I4, I5).
 *
 * Real processes on one fresh deployment (PostgreSQL + Redis + RabbitMQ), each `--role all`
 * (API + worker: sagas run inside API requests, expiry jobs and saga recovery in the worker part):
 *
 * 1. Process A: a seller with 3 SKUs, a coupon, funded buyers who claimed it. A burst of order
 *    placements (some with the coupon, some with two SKUs); A is SIGKILLed after ~40% of the
 *    answers came back, aimed at a moment when placement sagas are half-way (`running`).
 * 2. Process B: rolls the abandoned sagas back (recovery poller); some orders are paid with the
 *    wallet; when the unpaid orders reach their deadline B starts cancelling them
 *    (`payment_timeout`) and is SIGKILLed part-way through.
 * 3. Process C: finishes the expiry. Then stock, reservations, coupon claims, wallets, ledger and
 *    saga records must all agree, and `flashmart audit` must be clean.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type pg from 'pg';
import { SERVICES_ONLY, stopwatch, useDeployments } from './support/deployments.js';
import { http, type FlashmartProcess, pool, runFlashmart } from './support/processes.js';
import { sleep } from './support/test-events.js';

const CURRENCY = 'CNY';
const BUYERS = 30;
const INITIAL_STOCK = 200;
const PRICES = [1_200, 2_500, 4_900];
const COUPON = { discount: 300, minSpend: 1_000, quantity: 100 };
const FUNDS = 1_000_000;
const PLACEMENTS = 300;
/** Placement requests in flight at once (each process has FLASHMART_DB_POOL_SIZE connections). */
const CONCURRENCY = 16;
/** Share of placement answers back when A is SIGKILLed. */
const KILL_A_AT = 0.4;
/** Share of the unpaid orders cancelled by `payment_timeout` when B is SIGKILLed. */
const KILL_B_AT = 0.3;
/**
 * Seconds an order waits for its payment: long enough to start B and pay some orders first.
 * A process starts in 2 s on an idle machine but up to ~10 s on a busy one (tsx compiles the sources).
 */
const PAYMENT_TIMEOUT_SECONDS = 15;
const SAGA_TIMEOUT_SECONDS = 2;
/** The relay's outbox lease is 30 s: rows a killed process had claimed wait that long for another relay. */
const SETTLE_TIMEOUT_MS = 45_000;

interface Placement {
  buyer: number;
  items: { skuId: string; quantity: number }[];
  coupon: boolean;
}

type Outcome = { kind: 'answered'; status: number; code?: string; orderId?: string } | { kind: 'connection_error'; cause: string } | { kind: 'not_sent' };

interface Counts {
  running: number;
  runningCoupon: number;
  completed: number;
  failed: number;
  orders: number;
  pending: number;
  expired: number;
  paid: number;
  expireJobs: number;
  outbox: number;
}

function str(value: unknown, what: string): string {
  assert.equal(typeof value, 'string', `${what} must be a string, got ${JSON.stringify(value)}`);
  return String(value);
}



/** The error's innermost cause, as a short label (ECONNRESET, UND_ERR_SOCKET …). */
function causeOf(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause !== undefined) current = current.cause;
  if (current && typeof current === 'object' && 'code' in current && typeof current.code === 'string') return current.code;
  return current instanceof Error ? current.message : String(current);
}

async function counts(db: pg.Client): Promise<Counts> {
  const { rows } = await db.query<Counts>(`
    select
      (select count(*) from orders_sagas where status = 'running')::int as running,
      (select count(*) from orders_sagas where status = 'running' and step = 'coupon_redeemed')::int as "runningCoupon",
      (select count(*) from orders_sagas where status = 'completed')::int as completed,
      (select count(*) from orders_sagas where status = 'failed')::int as failed,
      (select count(*) from orders)::int as orders,
      (select count(*) from orders where status = 'pending_payment')::int as pending,
      (select count(*) from orders where status = 'cancelled' and cancel_reason = 'payment_timeout')::int as expired,
      (select count(*) from orders where status in ('paid', 'shipped', 'completed'))::int as paid,
      (select count(*) from platform_jobs where kind = 'orders.expire')::int as "expireJobs",
      (select count(*) from platform_outbox)::int as outbox`);
  const row = rows[0];
  assert.ok(row);
  return row;
}

async function one<T extends pg.QueryResultRow>(db: pg.Client, text: string, values: unknown[] = []): Promise<T> {
  const { rows } = await db.query<T>(text, values);
  const row = rows[0];
  assert.ok(row, text);
  return row;
}

describe('orders: processes SIGKILLed mid-placement and mid-expiry (real processes)', { skip: SERVICES_ONLY }, () => {
  const deployments = useDeployments();

  it('stock, coupons, money and sagas agree after the crashes, and the audit is clean', { timeout: 120_000 }, async (t) => {
    const elapsed = stopwatch();
    const { environment, db: client, start: startRole } = await deployments.deploy({
      FLASHMART_PAYMENT_TIMEOUT_SECONDS: String(PAYMENT_TIMEOUT_SECONDS),
      FLASHMART_SAGA_TIMEOUT_SECONDS: String(SAGA_TIMEOUT_SECONDS),
      FLASHMART_DB_POOL_SIZE: '10',
    });
    const databaseUrl = environment.env.DATABASE_URL ?? '';

    // Each process names its PostgreSQL sessions, so the test can see its open transactions.
    const start = async (name: string): Promise<FlashmartProcess & { appName: string }> => {
      const appName = `orders-chaos-${name}`;
      return { ...(await startRole('all', { PGAPPNAME: appName })), appName };
    };
    const openTransactions = async (c: pg.Client, appName: string): Promise<number> =>
      (await one<{ n: number }>(c, `select count(*)::int as n from pg_stat_activity where application_name = $1 and backend_xid is not null`, [appName])).n;

    const a = await start('a');
    t.diagnostic(`process A up after ${elapsed()}`);

    // ---- seed through A's API: a seller, 3 SKUs, a coupon; buyers funded, each with the coupon claimed ----
    const seller = await http('POST', `${a.url}/api/v1/auth/register`, { body: { username: 'chaos_seller', password: 'seller-password-1' } });
    assert.equal(seller.status, 201, JSON.stringify(seller.body));
    const sellerToken = str(seller.body.accessToken, 'seller accessToken');
    const skuIds: string[] = [];
    for (const [i, price] of PRICES.entries()) {
      const product = await http('POST', `${a.url}/api/v1/products`, {
        token: sellerToken,
        body: { title: `Chaos good ${i}`, skus: [{ name: `sku ${i}`, price: { amount: price, currency: CURRENCY }, stock: INITIAL_STOCK }] },
      });
      assert.equal(product.status, 201, JSON.stringify(product.body));
      const skus = product.body.skus as { id: string }[];
      skuIds.push(str(skus[0]?.id, 'sku id'));
    }
    const coupon = await http('POST', `${a.url}/api/v1/coupons`, {
      token: sellerToken,
      body: { discount: { amount: COUPON.discount, currency: CURRENCY }, minSpend: { amount: COUPON.minSpend, currency: CURRENCY }, quantity: COUPON.quantity },
    });
    assert.equal(coupon.status, 201, JSON.stringify(coupon.body));
    const couponCode = str(coupon.body.code, 'coupon code');

    const buyers = await pool(Array.from({ length: BUYERS }, (_, i) => i), 8, async (i) => {
      const reg = await http('POST', `${a.url}/api/v1/auth/register`, { body: { username: `chaos_buyer_${i}`, password: `buyer-password-${i}` } });
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      const token = str(reg.body.accessToken, 'accessToken');
      const id = str((reg.body.user as { id?: unknown } | undefined)?.id, 'user id');
      const claim = await http('POST', `${a.url}/api/v1/coupons/${couponCode}/claim`, { token });
      assert.equal(claim.status, 201, JSON.stringify(claim.body));
      const recharge = await http('POST', `${a.url}/api/v1/wallet/recharges`, { token, body: { amount: { amount: FUNDS, currency: CURRENCY } } });
      assert.equal(recharge.status, 201, JSON.stringify(recharge.body));
      const paid = await http('POST', `${a.url}/sandbox/api/payments/${str(recharge.body.paymentId, 'paymentId')}/succeed`);
      assert.equal(paid.status, 200, JSON.stringify(paid.body));
      return { id, token };
    });
    const buyerList = buyers.map((b, i) => {
      assert.ok(b, `buyer ${i} registered`);
      return b;
    });
    const tokenOf = new Map(buyerList.map((b) => [b.id, b.token]));
    // The sandbox delivers its webhooks to A, whose worker part credits them.
    const fundedBy = Date.now() + 20_000;
    for (const [i, buyer] of buyerList.entries()) {
      for (;;) {
        const wallet = await http('GET', `${a.url}/api/v1/wallet`, { token: buyer.token });
        const cny = (wallet.body.accounts as { currency: string; available: number }[] | undefined)?.find((x) => x.currency === CURRENCY);
        if (cny?.available === FUNDS) break;
        assert.ok(Date.now() < fundedBy, `buyer ${i} not funded after 20 s: ${JSON.stringify(wallet.body)}\n${a.output()}`);
        await sleep(50);
      }
    }
    t.diagnostic(`seeded ${BUYERS} funded buyers with the coupon claimed, 3 SKUs of ${INITIAL_STOCK} after ${elapsed()}`);

    // ---- phase 1: a burst of placements; SIGKILL A half-way, aimed at running sagas ----
    const placements: Placement[] = Array.from({ length: PLACEMENTS }, (_, i) => {
      const first = skuIds[i % 3] as string;
      const second = skuIds[(i + 1) % 3] as string;
      const items = [{ skuId: first, quantity: 1 + (i % 3) }];
      if (i % 4 === 1) items.push({ skuId: second, quantity: 1 });
      // About one in four carries the buyer's coupon; a buyer's second live try is refused (coupon_unavailable).
      return { buyer: (i * 7) % BUYERS, items, coupon: i % 4 === 3 || i % 9 === 0 };
    });
    let answered = 0;
    let killedA = false;
    let burstDone = false;
    // Every fifth order placed is paid with the wallet at once, so payments are in flight at the kill too.
    const paysOnA = new Map<string, number>();
    const tallyPay = (answer: string) => paysOnA.set(answer, (paysOnA.get(answer) ?? 0) + 1);
    const place = async (p: Placement, i: number): Promise<Outcome> => {
      const buyer = buyerList[p.buyer];
      assert.ok(buyer);
      let outcome: Outcome;
      try {
        const res = await http('POST', `${a.url}/api/v1/orders`, { token: buyer.token, body: { items: p.items, ...(p.coupon && { couponCode }) } });
        if (!killedA) answered++;
        outcome = { kind: 'answered', status: res.status, ...(typeof res.body.code === 'string' && { code: res.body.code }), ...(typeof res.body.id === 'string' && { orderId: res.body.id }) };
      } catch (error) {
        return { kind: 'connection_error', cause: causeOf(error) };
      }
      if (outcome.orderId && i % 5 === 0 && !killedA) {
        try {
          const paid = await http('POST', `${a.url}/api/v1/orders/${outcome.orderId}/pay`, { token: buyer.token, body: { method: 'wallet' } });
          tallyPay(`${paid.status} ${paid.status === 200 ? String(paid.body.status) : String(paid.body.code)}`);
        } catch (error) {
          tallyPay(`connection_error ${causeOf(error)}`);
        }
      }
      return outcome;
    };
    const killA = (async () => {
      while (answered < PLACEMENTS * KILL_A_AT && !burstDone) await sleep(1);
      // Aim (briefly: the rest of the burst may take well under a second) at a moment when A has
      // sagas half-way; then kill, caught or not.
      let aimed: Counts | undefined;
      const aimFrom = Date.now();
      while (Date.now() - aimFrom < 400 && !burstDone) {
        const now = await counts(client);
        if (now.running >= 1) {
          aimed = now;
          break;
        }
      }
      killedA = true;
      await a.stop('SIGKILL');
      return aimed;
    })();
    const outcomes = (await pool(placements, CONCURRENCY, place, () => killedA)).map((o): Outcome => o ?? { kind: 'not_sent' });
    burstDone = true;
    const aimedAt = await killA;
    assert.equal(a.child.signalCode, 'SIGKILL', 'A died of SIGKILL');
    const atKillA = await counts(client);
    const leftRunning = (await client.query<{ id: string }>(`select id from orders_sagas where status = 'running'`)).rows.map((r) => r.id);
    const statusTally = new Map<string, number>();
    const causes = new Map<string, number>();
    for (const o of outcomes) {
      const key = o.kind === 'answered' ? `${o.status}${o.code ? ` ${o.code}` : ''}` : o.kind;
      statusTally.set(key, (statusTally.get(key) ?? 0) + 1);
      if (o.kind === 'connection_error') causes.set(o.cause, (causes.get(o.cause) ?? 0) + 1);
    }
    t.diagnostic(`SIGKILL A after ${elapsed()}: answers ${JSON.stringify(Object.fromEntries(statusTally))}; connection errors by cause ${JSON.stringify(Object.fromEntries(causes))}`);
    t.diagnostic(`wallet payments through A during the burst: ${JSON.stringify(Object.fromEntries(paysOnA))}`);
    for (const answer of paysOnA.keys()) assert.ok(answer === '200 paid' || answer.startsWith('connection_error'), `unexpected pay answer ${answer}`);
    t.diagnostic(`state A left: ${JSON.stringify(atKillA)}${aimedAt ? `; seen just before the kill: ${aimedAt.running} saga(s) running, ${aimedAt.runningCoupon} past the coupon step` : '; no running saga seen before the kill'}`);
    const connectionErrors = outcomes.filter((o) => o.kind === 'connection_error').length;
    assert.ok(connectionErrors >= 1, 'requests were in flight when A was killed');
    assert.ok(outcomes.some((o) => o.kind === 'not_sent'), 'A was killed before the burst ended');
    for (const o of outcomes) {
      if (o.kind !== 'answered') continue;
      // 201 placed; 409 coupon_unavailable (the buyer's coupon is on a live order) or insufficient_stock.
      assert.ok(o.status === 201 || (o.status === 409 && (o.code === 'coupon_unavailable' || o.code === 'insufficient_stock')), `unexpected answer ${o.status} ${o.code ?? ''}`);
    }
    const placedIds = outcomes.flatMap((o) => (o.kind === 'answered' && o.status === 201 && o.orderId ? [o.orderId] : []));
    assert.ok(placedIds.length >= 1, 'some orders were placed before the kill');

    // ---- B: recovers the abandoned sagas; some orders are paid with the wallet ----
    const b = await start('b');
    t.diagnostic(`process B up after ${elapsed()}`);
    const payable = await client.query<{ id: string; buyer_id: string; coupon_code: string | null }>(
      `select id, buyer_id, coupon_code from orders where status = 'pending_payment' and expires_at > now() + interval '1500 milliseconds' order by seq`,
    );
    // A third of them, and half of those with the coupon (a paid order keeps its coupon used).
    const toPay = payable.rows.filter((o, i) => (o.coupon_code ? i % 2 === 0 : i % 3 === 0));
    const payAnswers = await pool(toPay, 8, async (o) => {
      const res = await http('POST', `${b.url}/api/v1/orders/${o.id}/pay`, { token: tokenOf.get(o.buyer_id), body: { method: 'wallet' } });
      return `${res.status} ${res.status === 200 ? String(res.body.status) : String(res.body.code)}`;
    });
    const payTally = new Map<string, number>();
    for (const answer of payAnswers) payTally.set(answer ?? '?', (payTally.get(answer ?? '?') ?? 0) + 1);
    t.diagnostic(`paid ${toPay.length} of ${payable.rows.length} payable orders through B after ${elapsed()}: ${JSON.stringify(Object.fromEntries(payTally))}`);
    assert.ok((await counts(client)).paid >= 1, 'some orders were paid');
    for (const answer of payTally.keys()) assert.ok(answer === '200 paid' || answer === '409 invalid_state', `unexpected pay answer ${answer}`);

    // ---- phase 2: SIGKILL B while it cancels the unpaid orders at their deadline ----
    await sleep(100);
    const beforeExpiry = await counts(client);
    if (beforeExpiry.expired > 0) t.diagnostic(`expiry had begun (${beforeExpiry.expired} cancelled) before the paying ended`);
    const target = Math.max(1, Math.floor((beforeExpiry.pending + beforeExpiry.expired) * KILL_B_AT));
    const expiryDeadline = Date.now() + (PAYMENT_TIMEOUT_SECONDS + 10) * 1000;
    let seen = beforeExpiry;
    while (!(seen.expired >= target || (seen.expired >= 1 && seen.pending === 0)) && Date.now() < expiryDeadline) {
      await sleep(seen.expired > 0 ? 0 : 10);
      seen = await counts(client);
    }
    assert.ok(seen.expired >= 1, `B cancelled no order in ${PAYMENT_TIMEOUT_SECONDS + 10} s: ${JSON.stringify(seen)}\n${b.output()}`);
    const midJob = (await openTransactions(client, b.appName)) > 0;
    await b.stop('SIGKILL');
    assert.equal(b.child.signalCode, 'SIGKILL', 'B died of SIGKILL');
    const atKillB = await counts(client);
    const recoveredByB = (b.output().match(/abandoned order placements rolled back/g) ?? []).length;
    t.diagnostic(
      `SIGKILL B after ${elapsed()}${midJob ? ' (a transaction of B open)' : ''}: ${atKillB.expired} expired, ${atKillB.pending} still pending of ${beforeExpiry.pending + beforeExpiry.expired}` +
        ` (aimed at ${target}); B logged ${recoveredByB} saga recovery round(s); ${JSON.stringify(atKillB)}`,
    );
    if (atKillB.pending === 0) t.diagnostic('best effort: B had cancelled every unpaid order before the SIGKILL landed');

    // ---- C: finishes the work; then everything must agree ----
    const c = await start('c');
    const leased = await one<{ n: number }>(client, `select count(*)::int as n from platform_outbox where lease_until > now()`);
    t.diagnostic(`process C up after ${elapsed()}; ${leased.n} outbox row(s) still leased by a killed relay`);
    const settleBy = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      const due = await one<{ running: number; waiting: number; overdue: number; jobs: number; outbox: number }>(
        client,
        `select
           (select count(*) from orders_sagas where status = 'running')::int as running,
           (select count(*) from orders where expires_at > now())::int as waiting,
           (select count(*) from orders where status = 'pending_payment' and expires_at <= now())::int as overdue,
           (select count(*) from platform_jobs where kind = 'orders.expire' and run_at <= now())::int as jobs,
           (select count(*) from platform_outbox)::int as outbox`,
      );
      // Every deadline passed (all orders were placed in phase 1), and nothing left to do.
      if (due.running === 0 && due.waiting === 0 && due.overdue === 0 && due.jobs === 0 && due.outbox === 0) break;
      assert.ok(Date.now() < settleBy, `not settled after ${SETTLE_TIMEOUT_MS} ms: ${JSON.stringify(due)}\n${c.output()}`);
      await sleep(100);
    }
    const final = await counts(client);
    t.diagnostic(`settled after ${elapsed()}: ${JSON.stringify(final)}`);

    // Sagas: none running; completed ones have their order, failed ones none; every order has a completed saga.
    const sagas = await client.query<{ status: string; failure: string | null; n: number }>(`select status, failure, count(*)::int as n from orders_sagas group by 1, 2 order by 1, 2`);
    t.diagnostic(`sagas: ${JSON.stringify(sagas.rows)}`);
    const sagaCheck = await one<{ running: number; completed_without_order: number; failed_with_order: number; orders_without_saga: number }>(
      client,
      `select
         (select count(*) from orders_sagas where status = 'running')::int as running,
         (select count(*) from orders_sagas s where s.status = 'completed' and not exists (select 1 from orders o where o.id = s.id))::int as completed_without_order,
         (select count(*) from orders_sagas s where s.status = 'failed' and exists (select 1 from orders o where o.id = s.id))::int as failed_with_order,
         (select count(*) from orders o where not exists (select 1 from orders_sagas s where s.id = o.id and s.status = 'completed'))::int as orders_without_saga`,
    );
    assert.deepEqual(sagaCheck, { running: 0, completed_without_order: 0, failed_with_order: 0, orders_without_saga: 0 });
    const abandoned = sagas.rows.filter((r) => r.status === 'failed' && r.failure === 'abandoned').reduce((sum, r) => sum + r.n, 0);
    const rolledBack = await one<{ n: number }>(client, `select count(*)::int as n from orders_sagas where id = any($1::uuid[]) and status = 'failed' and failure = 'abandoned'`, [leftRunning]);
    assert.equal(rolledBack.n, leftRunning.length, `every saga A left running (${leftRunning.length}) was rolled back as abandoned`);
    // Every order answered 201 exists.
    const known = await client.query<{ id: string }>(`select id from orders where id = any($1::uuid[])`, [placedIds]);
    assert.equal(known.rows.length, placedIds.length, 'every order answered 201 exists');

    // Orders: none pending (all deadlines passed); the unpaid ones were cancelled by payment_timeout.
    const orderStates = await client.query<{ status: string; cancel_reason: string | null; n: number }>(`select status, cancel_reason, count(*)::int as n from orders group by 1, 2 order by 1, 2`);
    t.diagnostic(`orders: ${JSON.stringify(orderStates.rows)}`);
    assert.equal(final.pending, 0, 'no order is left pending');
    assert.ok(orderStates.rows.every((r) => r.status === 'paid' || (r.status === 'cancelled' && r.cancel_reason === 'payment_timeout')), JSON.stringify(orderStates.rows));
    assert.equal(final.expireJobs, 0, 'no orders.expire job is left');

    // I1: for every SKU, available + reserved + shipped == initial stock, and reserved == units of the orders whose goods
    // have not left the warehouse (pending or paid; nothing ships in this test).
    const stock = await client.query<{ sku_id: string; available: number; reserved: number; sold: number; pending: number }>(
      `select s.sku_id, s.available, s.reserved, coalesce(u.sold, 0)::int as sold, coalesce(u.pending, 0)::int as pending
       from inventory_stock s left join (
         select i.sku_id,
                sum(i.quantity) filter (where o.status in ('shipped', 'completed')) as sold,
                sum(i.quantity) filter (where o.status in ('pending_payment', 'paid')) as pending
         from orders_items i join orders o on o.id = i.order_id group by i.sku_id
       ) u on u.sku_id = s.sku_id
       where s.sku_id = any($1::uuid[])`,
      [skuIds],
    );
    assert.equal(stock.rows.length, 3);
    for (const row of stock.rows) {
      assert.equal(row.available + row.reserved + row.sold, INITIAL_STOCK, `SKU ${row.sku_id}: ${JSON.stringify(row)}`);
      assert.equal(row.reserved, row.pending, `SKU ${row.sku_id} reserves exactly its unshipped orders' units: ${JSON.stringify(row)}`);
    }
    t.diagnostic(`stock: ${JSON.stringify(stock.rows.map((r) => ({ available: r.available, reserved: r.reserved, sold: r.sold })))}`);
    // Reservations follow their order: held only for a pending or paid (unshipped) order, consumed for a shipped one, released otherwise (also for failed sagas).
    const reservations = await one<{ bad_held: number; bad_consumed: number; bad_released: number; unreserved_orders: number }>(
      client,
      `select
         (select count(*) from inventory_reservations r where r.status = 'held'
            and not exists (select 1 from orders o where o.id = r.order_id and o.status in ('pending_payment', 'paid')))::int as bad_held,
         (select count(*) from inventory_reservations r where r.status = 'consumed'
            and not exists (select 1 from orders o where o.id = r.order_id and o.status in ('shipped', 'completed')))::int as bad_consumed,
         (select count(*) from inventory_reservations r where r.status = 'released'
            and exists (select 1 from orders o where o.id = r.order_id and o.status <> 'cancelled'))::int as bad_released,
         (select count(*) from orders_items i where not exists (
            select 1 from inventory_reservations r where r.order_id = i.order_id and r.sku_id = i.sku_id))::int as unreserved_orders`,
    );
    assert.deepEqual(reservations, { bad_held: 0, bad_consumed: 0, bad_released: 0, unreserved_orders: 0 });

    // Coupons: a used claim names a live order of its buyer that carries the code; every live order with a code has exactly one.
    const claims = await one<{ bad_used: number; live_with_code: number; live_without_claim: number; remaining: number; quantity: number; claimed: number; used: number; discount_mismatch: number }>(
      client,
      `select
         (select count(*) from promotions_claims c where c.status = 'used' and not exists (
            select 1 from orders o where o.id = c.order_id and o.buyer_id = c.user_id and o.status <> 'cancelled' and o.coupon_code = $1))::int as bad_used,
         (select count(*) from orders o where o.coupon_code is not null and o.status <> 'cancelled')::int as live_with_code,
         (select count(*) from orders o where o.coupon_code is not null and o.status <> 'cancelled'
            and (select count(*) from promotions_claims c where c.order_id = o.id and c.status = 'used') <> 1)::int as live_without_claim,
         (select remaining from promotions_coupons where code = $1) as remaining,
         (select quantity from promotions_coupons where code = $1) as quantity,
         (select count(*) from promotions_claims c join promotions_coupons k on k.id = c.coupon_id where k.code = $1)::int as claimed,
         (select count(*) from promotions_claims where status = 'used')::int as used,
         (select count(*) from orders where (coupon_code is null and discount <> 0) or (coupon_code is not null and discount <> $2))::int as discount_mismatch`,
      [couponCode, COUPON.discount],
    );
    t.diagnostic(`coupons: ${JSON.stringify(claims)}`);
    assert.equal(claims.bad_used, 0, 'every used claim belongs to a live order carrying the coupon');
    assert.equal(claims.live_without_claim, 0, 'every live order with a coupon holds exactly one used claim');
    assert.equal(claims.used, claims.live_with_code);
    assert.equal(claims.claimed, BUYERS);
    assert.equal(claims.remaining + claims.claimed, claims.quantity, 'remaining + claims == quantity');
    assert.equal(claims.discount_mismatch, 0, 'the discount is the coupon’s exactly when a coupon is named');

    // Money: each buyer's wallet holds its funds less its paid orders; each paid order booked one wallet payment.
    const spent = await client.query<{ buyer_id: string; spent: number }>(
      `select buyer_id, sum(total)::int as spent from orders where status in ('paid', 'shipped', 'completed') group by buyer_id`,
    );
    const spentBy = new Map(spent.rows.map((r) => [r.buyer_id, r.spent]));
    await pool(buyerList, 8, async (buyer, i) => {
      const wallet = await http('GET', `${c.url}/api/v1/wallet`, { token: buyer.token });
      assert.equal(wallet.status, 200, JSON.stringify(wallet.body));
      const cny = (wallet.body.accounts as { currency: string; available: number; frozen: number }[]).find((x) => x.currency === CURRENCY);
      assert.deepEqual(cny, { currency: CURRENCY, available: FUNDS - (spentBy.get(buyer.id) ?? 0), frozen: 0 }, `buyer ${i}'s wallet`);
    });
    const payments = await one<{ paid: number; bad: number; payment_transactions: number; succeeded_intents: number }>(
      client,
      `select
         (select count(*) from orders where status in ('paid', 'shipped', 'completed'))::int as paid,
         (select count(*) from orders o where o.status in ('paid', 'shipped', 'completed') and (
            (select count(*) from payments_intents i where i.purpose = 'order' and i.reference = o.id::text and i.status = 'succeeded') <> 1
            or (select count(*) from payments_intents i join wallet_transactions t on t.reference = 'payment:' || i.id::text
                where i.purpose = 'order' and i.reference = o.id::text) <> 1))::int as bad,
         (select count(*) from wallet_transactions where reference like 'payment:%')::int as payment_transactions,
         (select count(*) from payments_intents where purpose = 'order' and status = 'succeeded')::int as succeeded_intents`,
    );
    assert.deepEqual(payments, { paid: final.paid, bad: 0, payment_transactions: final.paid, succeeded_intents: final.paid });

    // flashmart audit (I1, I3, I7) against that database.
    const audit = runFlashmart(['audit'], { DATABASE_URL: databaseUrl });
    assert.equal(audit.code, 0, audit.output);
    assert.match(audit.output, /audit clean/);
    t.diagnostic(
      `summary: ${placedIds.length} placed (201) before A died, ${connectionErrors} requests cut off; ${atKillA.running} saga(s) left running by A (${atKillA.runningCoupon} after the coupon step), ` +
        `${abandoned} rolled back as abandoned; ${final.paid} paid; expired ${atKillB.expired} by B before its SIGKILL and ${final.expired - atKillB.expired} by C; done after ${elapsed()}`,
    );
  });
});
