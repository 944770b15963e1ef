/**
 * Flash sales under faults, with real processes on PostgreSQL + Redis + RabbitMQ
 * (ARCHITECTURE.md I1, I2, I6, I7; API.md "Flash sales").
 *
 * 1. Drain workers SIGKILLed mid-drain: a stampede (400 buyers × 3 attempts on 100 units, limit 1)
 *    against one `--role api` process while a `--role worker` drains in batches of 5; the worker
 *    is SIGKILLed part-way, a second one takes over (reclaiming what the first held) and is
 *    SIGKILLed part-way too, a third finishes. Exactly 100 win, each accepted purchase is
 *    answered once, no order is written twice, and `flashmart audit` is clean.
 * 2. The hot store loses everything (FLUSHDB of a Redis database of its own) in the middle of a
 *    sale: once while the worker drains a burst, once while no worker runs (so the window is
 *    certain). Purchases answer 503 while the state is missing, lost queued purchases 404; the
 *    reconciler rebuilds the state from the database, the sale goes on to sell out, nothing is
 *    oversold, and the audit is clean.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { Redis } from 'ioredis';
import pg from 'pg';
import { SERVICES_ONLY, stopwatch, useDeployments } from './support/deployments.js';
import { http, pool, runFlashmart, stopProcess, type FlashmartProcess } from './support/processes.js';
import { SERVICE_URLS } from './support/services.js';
import { shuffle, sleep } from './support/wallet-helpers.js';

const UNITS = 100;
const PRICE = 990;
const REGISTER_CONCURRENCY = 16;

interface Buyer {
  id: string;
  token: string;
}

type Answer = { status: number; code?: string; purchaseId?: string; state?: string; orderId?: string; reason?: string };

function str(value: unknown, what: string): string {
  assert.equal(typeof value, 'string', `${what} must be a string, got ${JSON.stringify(value)}`);
  return String(value);
}

function tally(items: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
}

const label = (a: Answer) => (a.status === 202 ? '202' : `${a.status} ${a.code ?? ''}`);

async function one<T extends pg.QueryResultRow>(db: pg.Client, text: string, values: unknown[] = []): Promise<T> {
  const { rows } = await db.query<T>(text, values);
  const row = rows[0];
  assert.ok(row, text);
  return row;
}

/** A deployment's shop steps over real HTTP against one api process. */
function shopAt(url: () => string) {
  let serial = 0;
  return {
    async register(prefix: string): Promise<Buyer> {
      serial += 1;
      const res = await http('POST', `${url()}/api/v1/auth/register`, { body: { username: `${prefix}_${serial}_${Math.random().toString(36).slice(2, 6)}`, password: 'correct horse battery' } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return { id: str((res.body.user as { id?: unknown } | undefined)?.id, 'user id'), token: str(res.body.accessToken, 'accessToken') };
    },

    registerMany(prefix: string, count: number): Promise<Buyer[]> {
      return pool(Array.from({ length: count }, (_, i) => i), REGISTER_CONCURRENCY, () => this.register(prefix));
    },

    /** A product of `stock` units and a sale of all of them (limit 1), running once this returns. */
    async runningSale(seller: Buyer, stock: number): Promise<{ saleId: string; skuId: string }> {
      const product = await http('POST', `${url()}/api/v1/products`, { token: seller.token, body: { title: 'Chaos flash goods', skus: [{ name: 'one', price: { amount: 5000, currency: 'CNY' }, stock }] } });
      assert.equal(product.status, 201, JSON.stringify(product.body));
      const skuId = str((product.body.skus as { id?: unknown }[] | undefined)?.[0]?.id, 'sku id');
      const startsAt = new Date(Date.now() + 1000);
      const sale = await http('POST', `${url()}/api/v1/flash-sales`, {
        token: seller.token,
        body: { skuId, price: { amount: PRICE, currency: 'CNY' }, quantity: stock, perUserLimit: 1, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 600_000).toISOString() },
      });
      assert.equal(sale.status, 201, JSON.stringify(sale.body));
      await sleep(Math.max(0, startsAt.getTime() - Date.now() + 50));
      return { saleId: str(sale.body.id, 'sale id'), skuId };
    },

    async purchase(buyer: Buyer, saleId: string): Promise<Answer> {
      const res = await http('POST', `${url()}/api/v1/flash-sales/${saleId}/purchases`, { token: buyer.token, body: {} });
      if (res.status === 202) assert.equal(res.body.status, 'queued');
      return { status: res.status, ...(typeof res.body.code === 'string' && { code: res.body.code }), ...(typeof res.body.purchaseId === 'string' && { purchaseId: res.body.purchaseId }) };
    },

    async purchaseStatus(buyer: Buyer, saleId: string, purchaseId: string): Promise<Answer> {
      const res = await http('GET', `${url()}/api/v1/flash-sales/${saleId}/purchases/${purchaseId}`, { token: buyer.token });
      return {
        status: res.status,
        ...(typeof res.body.code === 'string' && { code: res.body.code }),
        ...(typeof res.body.status === 'string' && { state: res.body.status }),
        ...(typeof res.body.orderId === 'string' && { orderId: res.body.orderId }),
        ...(typeof res.body.reason === 'string' && { reason: res.body.reason }),
      };
    },

    async sale(saleId: string): Promise<{ remaining: number; status: string }> {
      const res = await http('GET', `${url()}/api/v1/flash-sales/${saleId}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return { remaining: Number(res.body.remaining), status: str(res.body.status, 'sale status') };
    },

    /** Polls until none of the purchases is queued; each must answer 200 (or 404 when `lostAllowed`). */
    async answers(saleId: string, accepted: { buyer: Buyer; purchaseId: string }[], options: { lostAllowed?: boolean; timeoutMs?: number } = {}): Promise<Map<string, Answer>> {
      const done = new Map<string, Answer>();
      const deadline = Date.now() + (options.timeoutMs ?? 60_000);
      for (;;) {
        const open = accepted.filter((a) => !done.has(a.purchaseId));
        if (open.length === 0) return done;
        await pool(open, 16, async ({ buyer, purchaseId }) => {
          const answer = await this.purchaseStatus(buyer, saleId, purchaseId);
          if (answer.status === 404 && options.lostAllowed) done.set(purchaseId, answer);
          else {
            assert.equal(answer.status, 200, `purchase ${purchaseId}: ${JSON.stringify(answer)}`);
            if (answer.state !== 'queued') done.set(purchaseId, answer);
          }
        });
        if (done.size === accepted.length) return done;
        assert.ok(Date.now() < deadline, `${accepted.length - done.size} purchases still queued`);
        await sleep(100);
      }
    },
  };
}

/** What the database says of one sale. */
async function books(db: pg.Client, saleId: string) {
  return one<{ decided: number; succeeded: number; failed: number; orders: number; live_units: number; multi: number; max_quantity: number; stock: number; quantity: number; returned_to_sku: number }>(
    db,
    `select
       (select count(*) from flash_purchases where sale_id = $1)::int as decided,
       (select count(*) from flash_purchases where sale_id = $1 and status = 'succeeded')::int as succeeded,
       (select count(*) from flash_purchases where sale_id = $1 and status = 'failed')::int as failed,
       (select count(*) from orders where flash_sale_id = $1 and source = 'flash_sale')::int as orders,
       (select coalesce(sum(i.quantity), 0) from orders_items i join orders o on o.id = i.order_id
          where o.flash_sale_id = $1 and o.status not in ('cancelled', 'refunded'))::int as live_units,
       (select count(*) from (select buyer_id from orders where flash_sale_id = $1 group by buyer_id having count(*) > 1) m)::int as multi,
       (select coalesce(max(quantity), 0) from flash_buyers where sale_id = $1)::int as max_quantity,
       stock, quantity, returned_to_sku
     from flash_sales where id = $1`,
    [saleId],
  );
}

describe('flash sales: workers SIGKILLed mid-drain, the hot store flushed mid-sale (real processes)', { skip: SERVICES_ONLY }, () => {
  const deployments = useDeployments();
  const redises: Redis[] = [];
  /** Clients of the dedicated database (9) that the flush test empties; never database 0. */
  const dedicated: Redis[] = [];

  after(async () => {
    for (const redis of dedicated) await redis.flushdb().catch(() => undefined);
    for (const redis of redises) await redis.quit().catch(() => undefined);
  });

  const deployment = (overrides: Record<string, string>) => deployments.deploy({ FLASHMART_FLASH_RATE_PER_USER: '0', ...overrides });

  it('a stampede survives its drain workers being SIGKILLed twice mid-drain', { timeout: 170_000 }, async (t) => {
    const elapsed = stopwatch();
    const BUYERS = 400;
    const { environment, db, start, openClient } = await deployment({ FLASHMART_FLASH_DRAIN_BATCH: '5', FLASHMART_FLASH_RECLAIM_SECONDS: '1', FLASHMART_FLASH_RECONCILE_SECONDS: '1' });
    const [api, first] = await Promise.all([start('api'), start('worker')]);
    t.diagnostic(`api and worker 1 up after ${elapsed()}`);
    const shop = shopAt(() => api.url);
    const seller = await shop.register('chaos_seller');
    const buyers = await shop.registerMany('chaos_buyer', BUYERS);
    t.diagnostic(`${BUYERS} buyers registered after ${elapsed()}`);
    const { saleId, skuId } = await shop.runningSale(seller, UNITS);
    const decided = async () => (await one<{ n: number }>(db, `select count(*)::int as n from flash_purchases where sale_id = $1`, [saleId])).n;

    const redis = new Redis(SERVICE_URLS.redis);
    redises.push(redis);
    /** Purchases some drain consumer took but has not acknowledged (a dead worker's batch, until reclaimed). */
    const unacknowledged = async () => Number(((await redis.xpending(`${environment.env.FLASHMART_NAMESPACE}:fs:{${saleId}}:q`, 'drain')) as [number])[0]);

    /**
     * Arms a watcher that SIGKILLs `worker` once the decided purchases reach `atLeast` (resolves
     * when it is watching); `dead` resolves with the counts once the worker is dead.
     */
    const armKill = async (worker: FlashmartProcess, atLeast: number, deadlineMs = 60_000) => {
      const pid = worker.child.pid ?? assert.fail('the worker has a pid');
      const watcher = await killWhenDecided({ databaseUrl: environment.env.DATABASE_URL ?? '', saleId, pid, atLeast, deadlineMs });
      const dead = (async () => {
        const seen = await watcher.done;
        assert.ok(seen.killed, `the worker decided only ${seen.seen} purchases in ${deadlineMs} ms:\n${worker.output()}`);
        await worker.stop('SIGKILL');
        assert.equal(worker.child.signalCode, 'SIGKILL', 'the worker died of SIGKILL');
        return { seen: seen.seen, after: await decided(), held: await unacknowledged() };
      })();
      dead.catch(() => undefined); // awaited by the caller; this only keeps an early failure from counting as unhandled
      return { dead };
    };

    // The stampede, with worker 1 draining (in batches of 5) as purchases are admitted; it dies at ≥ 10 decided.
    const attempts = shuffle(buyers.flatMap((buyer) => [buyer, buyer, buyer]));
    const { dead: killFirst } = await armKill(first, 10);
    const answers = await pool(attempts, 300, (buyer) => shop.purchase(buyer, saleId));
    t.diagnostic(`${attempts.length} attempts answered after ${elapsed()}: ${JSON.stringify(tally(answers.map(label)))}`);
    for (const a of answers) assert.ok(['202', '409 sold_out', '409 purchase_limit_exceeded'].includes(label(a)), `unexpected answer ${JSON.stringify(a)}`);
    const accepted = answers.flatMap((a, i) => (a.status === 202 && a.purchaseId ? [{ buyer: attempts[i] as Buyer, purchaseId: a.purchaseId }] : []));
    assert.equal(accepted.length, UNITS, 'exactly the quantity on sale was admitted');
    assert.equal(new Set(accepted.map((a) => a.buyer.id)).size, UNITS, 'no buyer was admitted twice');
    const kill1 = await killFirst;
    t.diagnostic(`SIGKILL worker 1 after ${elapsed()}: ${kill1.seen} decided when it was aimed at, ${kill1.after} once it was dead, ${kill1.held} taken and left unacknowledged`);
    assert.ok(kill1.after >= 1 && kill1.after < UNITS, `worker 1 died mid-drain (${kill1.after} of ${UNITS} decided)`);

    // Worker 2 reclaims what worker 1 held and goes on; it dies half-way through the rest. It drains
    // as soon as it boots, before the test knows its pid: the test holds the sale row (which every
    // batch locks first) until the watcher is armed, so worker 2 waits with its first batches taken.
    const gate = await openClient();
    await gate.query('begin');
    await gate.query('select id from flash_sales where id = $1 for update', [saleId]);
    const second = await start('worker');
    const half = kill1.after + Math.max(1, Math.floor((UNITS - kill1.after) / 2));
    const { dead: killSecond } = await armKill(second, half);
    await gate.query('commit');
    const kill2 = await killSecond;
    t.diagnostic(`SIGKILL worker 2 after ${elapsed()}: aimed at ${half}, ${kill2.seen} decided when it was aimed at, ${kill2.after} once it was dead, ${kill2.held} taken and left unacknowledged`);
    assert.ok(kill2.after > kill1.after && kill2.after < UNITS, `worker 2 died mid-drain (${kill1.after} → ${kill2.after} of ${UNITS} decided)`);

    // Worker 3 finishes: every accepted purchase is answered, once.
    await start('worker');
    const final = await shop.answers(saleId, accepted);
    t.diagnostic(`every accepted purchase answered after ${elapsed()}: ${JSON.stringify(tally([...final.values()].map((a) => a.state ?? '?')))}`);
    assert.deepEqual(tally([...final.values()].map((a) => a.state ?? '?')), { succeeded: UNITS });
    assert.equal(new Set([...final.values()].map((a) => a.orderId)).size, UNITS, 'one order per purchase');

    const sale = await shop.sale(saleId);
    assert.deepEqual(sale, { remaining: 0, status: 'sold_out' });
    const b = await books(db, saleId);
    assert.deepEqual(
      b,
      { decided: UNITS, succeeded: UNITS, failed: 0, orders: UNITS, live_units: UNITS, multi: 0, max_quantity: 1, stock: 0, quantity: UNITS, returned_to_sku: 0 },
    );
    const sku = await one<{ available: number }>(db, `select available::int as available from inventory_stock where sku_id = $1`, [skuId]);
    assert.equal(sku.available, 0, 'the SKU had all of its stock in the sale');
    const ids = (await db.query<{ id: string }>(`select id from flash_purchases where sale_id = $1`, [saleId])).rows.map((r) => r.id).sort();
    assert.deepEqual(ids, accepted.map((a) => a.purchaseId).sort(), 'the decided purchases are exactly the accepted ones');

    // The last acknowledgements land after the commits: give the reconciler a round, then audit.
    await sleep(1500);
    const audit = runFlashmart(['audit'], environment.env);
    assert.equal(audit.code, 0, audit.output);
    assert.match(audit.output, /audit clean/);
    t.diagnostic(`done after ${elapsed()}`);
  });

  it('the hot store flushed mid-sale: 503 while it is rebuilt, lost queued purchases 404, never oversold', { timeout: 170_000 }, async (t) => {
    const elapsed = stopwatch();
    // A Redis database of its own: FLUSHDB must not touch what other suites keep in database 0.
    const redisUrl = new URL(SERVICE_URLS.redis);
    redisUrl.pathname = '/9';
    const redis = new Redis(redisUrl.toString());
    redises.push(redis);
    dedicated.push(redis);
    await redis.flushdb();
    const { environment, db, start } = await deployment({ REDIS_URL: redisUrl.toString(), FLASHMART_FLASH_RECONCILE_SECONDS: '1' });
    const [api, firstWorker] = await Promise.all([start('api'), start('worker')]);
    let worker = firstWorker;
    const shop = shopAt(() => api.url);
    const seller = await shop.register('flush_seller');
    const buyers = await shop.registerMany('flush_buyer', 160);
    const fresh = () => buyers.pop() ?? assert.fail('out of registered buyers');
    const { saleId } = await shop.runningSale(seller, UNITS);
    t.diagnostic(`deployment up, buyers registered after ${elapsed()}`);
    const accepted: { buyer: Buyer; purchaseId: string }[] = [];
    const accept = (buyer: Buyer, a: Answer) => {
      if (a.status === 202 && a.purchaseId) accepted.push({ buyer, purchaseId: a.purchaseId });
    };

    // Phase 1: 25 buyers buy, all decided.
    const early = Array.from({ length: 25 }, fresh);
    const earlyAnswers = await Promise.all(early.map((buyer) => shop.purchase(buyer, saleId)));
    assert.deepEqual(tally(earlyAnswers.map(label)), { '202': 25 });
    earlyAnswers.forEach((a, i) => accept(early[i] as Buyer, a));
    const phase1 = await shop.answers(saleId, accepted);
    assert.ok([...phase1.values()].every((a) => a.state === 'succeeded'));

    // Phase 2: FLUSHDB lands in the middle of a burst while the worker drains and reconciles.
    const burst = Array.from({ length: 20 }, fresh);
    const burstAnswers = Promise.all(
      burst.map(async (buyer, i) => {
        await sleep(i * 5);
        return shop.purchase(buyer, saleId);
      }),
    );
    await sleep(40);
    await redis.flushdb();
    const burstDone = await burstAnswers;
    t.diagnostic(`FLUSHDB in the middle of a burst (worker running) after ${elapsed()}: ${JSON.stringify(tally(burstDone.map(label)))}`);
    for (const a of burstDone) assert.ok(['202', '503 service_unavailable'].includes(label(a)), `unexpected answer ${JSON.stringify(a)}`);
    burstDone.forEach((a, i) => accept(burst[i] as Buyer, a));

    // Phase 3: no worker runs (so nothing rebuilds); purchases queue; FLUSHDB loses them for certain.
    await waitForAnswer(shop, saleId, fresh, accept);
    await stopProcess(worker);
    const queuedBuyers = Array.from({ length: 10 }, fresh);
    const queued = await Promise.all(queuedBuyers.map((buyer) => shop.purchase(buyer, saleId)));
    assert.deepEqual(tally(queued.map(label)), { '202': 10 });
    queued.forEach((a, i) => accept(queuedBuyers[i] as Buyer, a));
    for (const [i, a] of queued.entries()) {
      const status = await shop.purchaseStatus(queuedBuyers[i] as Buyer, saleId, a.purchaseId ?? '');
      assert.deepEqual({ status: status.status, state: status.state }, { status: 200, state: 'queued' }, 'queued while no worker drains');
    }
    const before = await books(db, saleId);
    await redis.flushdb();
    const during = await Promise.all(Array.from({ length: 5 }, fresh).map((buyer) => shop.purchase(buyer, saleId)));
    assert.deepEqual(tally(during.map(label)), { '503 service_unavailable': 5 }, 'no hot state: purchases are refused for now, not admitted');
    for (const [i, a] of queued.entries()) {
      const status = await shop.purchaseStatus(queuedBuyers[i] as Buyer, saleId, a.purchaseId ?? '');
      assert.equal(status.status, 404, `a queued purchase lost with the hot store answers 404: ${JSON.stringify(status)}`);
    }
    const absent = await shop.sale(saleId);
    assert.deepEqual(absent, { remaining: before.stock, status: 'active' }, 'while the hot state is missing the sale shows the database stock');
    t.diagnostic(`FLUSHDB with no worker after ${elapsed()}: 10 queued purchases lost (404), purchases 503, the sale shows ${absent.remaining} remaining`);

    // A worker comes back: its reconciler rebuilds the hot state from the database; purchases are admitted again.
    worker = await start('worker');
    await waitForAnswer(shop, saleId, fresh, accept);
    const rebuilt = await shop.sale(saleId);
    t.diagnostic(`hot state rebuilt after ${elapsed()}: ${JSON.stringify(rebuilt)}`);
    assert.ok(rebuilt.remaining >= 0 && rebuilt.remaining <= UNITS - before.succeeded, `a sensible remaining: ${JSON.stringify(rebuilt)}`);
    assert.equal(rebuilt.status, 'active');
    // A buyer whose queued purchase was lost is not held to it: the rebuilt per-user counts come from the database.
    const lostBuyer = queuedBuyers[0] as Buyer;
    const retry = await shop.purchase(lostBuyer, saleId);
    assert.equal(label(retry), '202', 'the buyer of a lost purchase may buy again');
    accept(lostBuyer, retry);
    const retried = await shop.answers(saleId, [{ buyer: lostBuyer, purchaseId: retry.purchaseId ?? '' }]);
    assert.equal(retried.get(retry.purchaseId ?? '')?.state, 'succeeded');

    // Phase 4: the sale goes on until it is sold out (all answers in, the database stock 0).
    for (let round = 0; ; round++) {
      assert.ok(round < 20, 'the sale sold out within 20 rounds');
      await shop.answers(saleId, accepted, { lostAllowed: true });
      const b = await books(db, saleId);
      if (b.stock === 0) break;
      assert.ok(buyers.length > 0, `out of buyers with ${b.stock} units left`);
      const wave = Array.from({ length: Math.min(buyers.length, b.stock + 5) }, fresh);
      const waveAnswers = await Promise.all(wave.map((buyer) => shop.purchase(buyer, saleId)));
      for (const a of waveAnswers) assert.ok(['202', '409 sold_out'].includes(label(a)), `unexpected answer ${JSON.stringify(a)}`);
      waveAnswers.forEach((a, i) => accept(wave[i] as Buyer, a));
      // All refused while the database still has stock: the hot counter is low until the reconciler repairs it.
      if (!waveAnswers.some((a) => a.status === 202)) await sleep(1100);
    }
    const outcomes = await shop.answers(saleId, accepted, { lostAllowed: true });
    const byOutcome = tally([...outcomes.values()].map((a) => (a.status === 404 ? 'lost' : (a.state ?? '?'))));
    t.diagnostic(`sold out after ${elapsed()}: ${accepted.length} accepted purchases → ${JSON.stringify(byOutcome)}`);
    assert.ok((byOutcome.lost ?? 0) >= 10, 'the purchases queued at the second flush were lost');
    // A purchase admitted on a hot counter the flush left too high is refused by the database, never oversold.
    for (const a of outcomes.values()) if (a.state === 'failed') assert.ok(a.reason === 'sold_out' || a.reason === 'purchase_limit_exceeded', JSON.stringify(a));

    // Wait for the reconciler to repair any drift the flush left, then the books must balance.
    await sleep(3000);
    const sale = await shop.sale(saleId);
    assert.deepEqual(sale, { remaining: 0, status: 'sold_out' });
    const b = await books(db, saleId);
    t.diagnostic(`books: ${JSON.stringify(b)}`);
    assert.equal(b.succeeded, UNITS, 'sold out: exactly the quantity succeeded, never more');
    assert.ok(b.orders <= UNITS);
    assert.equal(b.orders, b.succeeded);
    assert.equal(b.stock + b.live_units, b.quantity, 'database stock + live orders == quantity');
    assert.equal(b.multi, 0, 'no buyer has two orders');
    assert.ok(b.max_quantity <= 1, 'no buyer is recorded above the limit');
    const audit = runFlashmart(['audit'], environment.env);
    assert.equal(audit.code, 0, audit.output);
    assert.match(audit.output, /audit clean/);
    t.diagnostic(`done after ${elapsed()}`);
  });
});

/** Purchases by fresh buyers until one is admitted (202); 503 while the hot state is being rebuilt. */
async function waitForAnswer(shop: ReturnType<typeof shopAt>, saleId: string, fresh: () => Buyer, accept: (buyer: Buyer, a: Answer) => void, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const buyer = fresh();
  for (;;) {
    const a = await shop.purchase(buyer, saleId);
    if (a.status === 202) {
      accept(buyer, a);
      return;
    }
    assert.equal(label(a), '503 service_unavailable', 'refused only while the hot state is rebuilt');
    assert.ok(Date.now() < deadline, `the hot state was not rebuilt in ${timeoutMs} ms`);
    await sleep(100);
  }
}

const PG_PATH = createRequire(import.meta.url).resolve('pg');

/**
 * Watches the decided purchases of a sale from a thread of its own (the test's main thread is
 * busy firing the stampede, so its timers run late) and SIGKILLs the process `pid` (a worker
 * this test started) as soon as at least `atLeast` are decided. Resolves once it is watching.
 */
async function killWhenDecided(options: { databaseUrl: string; saleId: string; pid: number; atLeast: number; deadlineMs: number }): Promise<{ done: Promise<{ seen: number; killed: boolean }> }> {
  const code = `
    const { workerData: o, parentPort } = require('node:worker_threads');
    const pg = require(o.pgPath);
    (async () => {
      const db = new pg.Client({ connectionString: o.databaseUrl });
      await db.connect();
      const decided = async () => (await db.query('select count(*)::int as n from flash_purchases where sale_id = $1', [o.saleId])).rows[0].n;
      let seen = await decided();
      parentPort.postMessage({ ready: true });
      const until = Date.now() + o.deadlineMs;
      while (seen < o.atLeast && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        seen = await decided();
      }
      const killed = seen >= o.atLeast;
      if (killed) process.kill(o.pid, 'SIGKILL');
      await db.end();
      parentPort.postMessage({ seen, killed });
    })().catch((error) => parentPort.postMessage({ error: String((error && error.stack) || error) }));
  `;
  type Message = { ready: true } | { seen: number; killed: boolean } | { error: string };
  const thread = new Worker(code, { eval: true, workerData: { ...options, pgPath: PG_PATH } });
  let ready: () => void = () => undefined;
  const watching = new Promise<void>((resolve) => (ready = resolve));
  const done = new Promise<{ seen: number; killed: boolean }>((resolve, reject) => {
    thread.on('message', (message: Message) => {
      if ('ready' in message) ready();
      else if ('error' in message) reject(new Error(message.error));
      else resolve(message);
    });
    thread.once('error', reject);
  });
  await Promise.race([watching, done]);
  return { done };
}
