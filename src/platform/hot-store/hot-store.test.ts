import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { SERVICE_URLS, deleteRedisNamespace, servicesEnabled } from '../../../test/support/services.js';
import { openHotStore, type HotStore } from './index.js';

const kinds = servicesEnabled ? (['memory', 'redis'] as const) : (['memory'] as const);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const kind of kinds) {
  describe(`hot store (${kind})`, () => {
    const namespace = `fmtest-hot-${randomBytes(4).toString('hex')}`;
    let store: HotStore;
    before(async () => {
      store = await openHotStore(kind === 'redis' ? SERVICE_URLS.redis : undefined, namespace);
    });
    after(async () => {
      if (kind === 'redis') await deleteRedisNamespace(namespace);
      await store.close();
    });

    it('gets, sets, deletes and expires keys', async () => {
      assert.equal(await store.get('a'), null);
      await store.set('a', 'one');
      assert.equal(await store.get('a'), 'one');
      assert.equal(await store.exists('a'), true);
      await store.del('a');
      assert.equal(await store.exists('a'), false);
      await store.set('short', 'x', 50);
      assert.equal(await store.get('short'), 'x');
      await sleep(120);
      assert.equal(await store.get('short'), null);
    });

    it('exists answers each key of a concurrent burst correctly', async () => {
      await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? store.set(`burst:${i}`, '1') : Promise.resolve())));
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => store.exists(`burst:${i}`)));
      assert.deepEqual(answers, Array.from({ length: 50 }, (_, i) => i % 2 === 0));
    });

    it('exists never answers from before a write that finished before it was asked', async () => {
      for (let round = 0; round < 20; round++) {
        const key = `fresh:${round}`;
        const inFlight = Array.from({ length: 30 }, () => store.exists(key)); // lookups already under way
        await store.set(key, 'revoked');
        assert.equal(await store.exists(key), true, `round ${round}: a lookup after the write sees it`);
        await Promise.all(inFlight);
      }
    });

    it('setIfAbsent lets exactly one of many racing callers win', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.setIfAbsent('lock', String(i), 5000)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('counters add atomically and take their expiry when created', async () => {
      const values = await Promise.all(Array.from({ length: 100 }, () => store.incrBy('counter', 1, 60_000)));
      assert.equal(Math.max(...values), 100);
      assert.equal(new Set(values).size, 100, 'every increment saw a distinct value');
      assert.equal(await store.incrBy('counter', -30), 70);
      await store.incrBy('brief', 1, 50);
      await sleep(120);
      assert.equal(await store.get('brief'), null);
    });

    it('token bucket: a burst of racing requests gets exactly the bucket size', async () => {
      const limit = { ratePerSecond: 0.001, burst: 20 };
      const results = await Promise.all(Array.from({ length: 100 }, () => store.takeToken('bucket', limit)));
      const allowed = results.filter((r) => r.allowed);
      assert.equal(allowed.length, 20);
      const refused = results.find((r) => !r.allowed);
      assert.ok(refused && refused.retryAfterMs > 0, 'a refusal says when to come back');
    });

    it('token bucket: refills at the configured rate, and cost 0 only checks', async () => {
      const limit = { ratePerSecond: 20, burst: 2 };
      assert.equal((await store.takeToken('refill', limit)).allowed, true);
      assert.equal((await store.takeToken('refill', limit)).allowed, true);
      const empty = await store.takeToken('refill', limit, 0);
      assert.equal(empty.allowed, false);
      assert.ok(empty.retryAfterMs > 0 && empty.retryAfterMs <= 50);
      await sleep(120);
      assert.equal((await store.takeToken('refill', limit, 0)).allowed, true, 'refilled');
      assert.equal((await store.takeToken('refill', limit, 0)).allowed, true, 'checking did not take a token');
    });

    if (kind === 'redis') {
      it('scripts survive SCRIPT FLUSH (EVALSHA falls back to loading again)', async () => {
        const redis = new Redis(SERVICE_URLS.redis);
        await redis.script('FLUSH');
        await redis.quit();
        const result = await store.takeToken('after-flush', { ratePerSecond: 1, burst: 1 });
        assert.equal(result.allowed, true);
      });
    }
  });
}
