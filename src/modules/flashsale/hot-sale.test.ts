/**
 * The hot state's scripts on both stores: the Lua files on a real Redis and their memory twins
 * must answer the same, call for call.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SERVICE_URLS, deleteRedisNamespace, servicesEnabled } from '../../../test/support/services.js';
import { openHotStore, type HotStore } from '../../platform/hot-store/index.js';
import { createHotSales, type HotSaleDefinition, type HotSales } from './hot-sale.js';

const kinds = servicesEnabled ? (['memory', 'redis'] as const) : (['memory'] as const);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function definition(overrides: Partial<HotSaleDefinition> = {}): HotSaleDefinition {
  return { id: randomUUID(), quantity: 5, startsAt: new Date(Date.now() - 1000), endsAt: new Date(Date.now() + 60_000), perUserLimit: 2, ended: false, requireToken: false, sellerId: 'seller', ...overrides };
}

const request = (userId: string, quantity = 1, token?: string) => ({ userId, quantity, purchaseId: randomUUID(), token });

for (const kind of kinds) {
  describe(`flash-sale hot state (${kind})`, () => {
    const namespace = `fmtest-flash-${randomBytes(4).toString('hex')}`;
    let store: HotStore;
    let hot: HotSales;
    before(async () => {
      store = await openHotStore(kind === 'redis' ? SERVICE_URLS.redis : undefined, namespace);
      hot = createHotSales(store, { ratePerUser: 0 });
    });
    after(async () => {
      if (kind === 'redis') await deleteRedisNamespace(namespace);
      await store.close();
    });

    it('admits in order: window, seller, per-user limit, quantity; refuses without a state', async () => {
      const sale = definition();
      const missing = await hot.admit(sale.id, [request('a')], Date.now());
      assert.deepEqual(missing.results.map((r) => r.code), ['not_ready']);
      assert.equal(await hot.warm(sale, 5, new Map([['veteran', 2]]), []), true);
      assert.equal(await hot.warm(sale, 5, new Map(), []), false, 'warming twice changes nothing');
      const now = Date.now();
      const { results, remaining } = await hot.admit(sale.id, [request('a', 2), request('a'), request('seller'), request('veteran'), request('b', 2), request('c', 2), request('d')], now);
      assert.deepEqual(results.map((r) => r.code), ['queued', 'over_limit', 'own_sale', 'over_limit', 'queued', 'sold_out', 'queued']);
      assert.equal(remaining, 0);
      assert.equal(await hot.remaining(sale.id), 0);
      const early = definition({ startsAt: new Date(Date.now() + 60_000), endsAt: new Date(Date.now() + 120_000) });
      await hot.warm(early, 5, new Map(), []);
      assert.deepEqual((await hot.admit(early.id, [request('a')], Date.now())).results.map((r) => r.code), ['not_started']);
      await hot.update({ id: early.id, startsAt: early.startsAt, endsAt: early.endsAt, ended: true });
      assert.deepEqual((await hot.admit(early.id, [request('a')], Date.now())).results.map((r) => r.code), ['ended']);
    });

    it('takes, acknowledges once, gives failed quantity back, and hands idle purchases to another consumer', async () => {
      const sale = definition({ quantity: 10, perUserLimit: 10 });
      await hot.warm(sale, 10, new Map(), []);
      const asked = [request('a'), request('b', 2), request('c')];
      await hot.admit(sale.id, asked, Date.now());
      const first = await hot.take(sale.id, 'one', 2, 0);
      assert.deepEqual(first.map((p) => p.purchaseId), asked.slice(0, 2).map((r) => r.purchaseId));
      assert.equal(await hot.queuedBuyer(sale.id, asked[0]?.purchaseId ?? ''), 'a');
      let snap = await hot.snapshot(sale.id);
      assert.deepEqual([snap.remaining, snap.inflight, snap.pending.size], [6, 4, 2]);
      // 'one' dies; after 50 ms idle its two are claimed by 'two', with the third new one.
      await sleep(60);
      const second = await hot.take(sale.id, 'two', 10, 50);
      assert.equal(second.length, 3);
      const failedB = second.find((p) => p.userId === 'b');
      assert.ok(failedB);
      await hot.ack(sale.id, second.map((purchase) => ({ purchase, failed: purchase === failedB })));
      await hot.ack(sale.id, first.map((purchase) => ({ purchase, failed: true })));
      snap = await hot.snapshot(sale.id);
      assert.deepEqual([snap.remaining, snap.inflight, snap.pending.size], [8, 0, 0], 'b’s 2 back once; the late ack of the dead consumer changes nothing');
      assert.equal(await hot.queuedBuyer(sale.id, asked[0]?.purchaseId ?? ''), undefined);
      assert.deepEqual(await hot.take(sale.id, 'two', 10, 0), []);
    });

    it('gives back an order once, repairs drift without going below zero, and counts a surviving stream when warming', async () => {
      const sale = definition({ quantity: 3, perUserLimit: 1 });
      await hot.warm(sale, 3, new Map(), []);
      await hot.admit(sale.id, [request('a')], Date.now());
      const [taken] = await hot.take(sale.id, 'w', 10, 0);
      assert.ok(taken);
      await hot.ack(sale.id, [{ purchase: taken, failed: false }]);
      assert.deepEqual((await hot.admit(sale.id, [request('a')], Date.now())).results.map((r) => r.code), ['over_limit']);
      assert.equal(await hot.giveBack(sale.id, [{ orderId: 'o1', userId: 'a', quantity: 1 }]), 1);
      assert.equal(await hot.giveBack(sale.id, [{ orderId: 'o1', userId: 'a', quantity: 1 }]), 0, 'once per order');
      assert.equal(await hot.remaining(sale.id), 3);
      assert.deepEqual((await hot.admit(sale.id, [request('a')], Date.now())).results.map((r) => r.code), ['queued']);
      assert.equal(await hot.adjust(sale.id, -10), -2);
      assert.equal(await hot.remaining(sale.id), 0);
      assert.equal(await hot.adjust(sale.id, 1), 1);
      assert.equal(await hot.giveBack(randomUUID(), [{ orderId: 'o2', userId: 'a', quantity: 1 }]), 0, 'no state, nothing to give back to');
    });

    it('issues one live token per user, up to quantity × multiple, and a purchase uses it up', async () => {
      const sale = definition({ quantity: 1, requireToken: true, perUserLimit: 5 });
      await hot.warm(sale, 1, new Map(), []);
      const now = Date.now();
      const a = await hot.issueToken(sale.id, 'a', 'tok-a', 60_000, 2, now);
      assert.deepEqual([a.code, a.token], [0, 'tok-a']);
      assert.equal((await hot.issueToken(sale.id, 'a', 'other', 60_000, 2, now)).token, 'tok-a');
      assert.equal((await hot.issueToken(sale.id, 'b', 'tok-b', 60_000, 2, now)).code, 0);
      assert.equal((await hot.issueToken(sale.id, 'c', 'tok-c', 60_000, 2, now)).code, 7);
      const codes = (await hot.admit(sale.id, [request('a'), request('a', 1, 'bad'), request('a', 1, 'tok-a'), request('a', 1, 'tok-a')], Date.now())).results.map((r) => r.code);
      assert.deepEqual(codes, ['bad_token', 'bad_token', 'queued', 'bad_token']);
    });

    it('rate limits per user inside the admission script', async () => {
      const limited = createHotSales(store, { ratePerUser: 2 });
      const sale = definition({ quantity: 100, perUserLimit: 100 });
      await limited.warm(sale, 100, new Map(), []);
      const { results } = await limited.admit(sale.id, [request('a'), request('a'), request('a'), request('b')], Date.now());
      assert.deepEqual(results.map((r) => r.code), ['queued', 'queued', 'rate_limited', 'queued']);
      assert.ok((results[2]?.retryAfterMs ?? 0) > 0);
    });
  });
}
