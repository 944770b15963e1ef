import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { describe, it } from 'node:test';
import { createNotificationsModule, type Notification, type NotificationInput } from '../src/modules/notifications/index.js';
import { publishEvent, type EventMap, type Topic } from '../src/platform/bus/index.js';
import { inTransaction } from '../src/platform/db/index.js';
import { client } from './support/client.js';
import { MODES, startTestApp, useTestApp, type TestApp } from './support/harness.js';
import { assertProblem, fund, waitFor, type Page } from './support/wallet-helpers.js';

const TOTAL = { amount: 1234, currency: 'CNY' };

function orderBase(buyerId: string, sellerId: string) {
  return { orderId: randomUUID(), buyerId, sellerId, total: TOTAL, source: 'regular' as const, flashSaleId: null, quantity: 1 };
}

async function publish<T extends Topic>(t: TestApp, topic: T, payload: EventMap[T]): Promise<string> {
  return inTransaction(t.app.platform.database.db, (tx) => publishEvent(tx, topic, payload));
}

/** Writes notifications directly through the module's service, as another module would. */
async function notifyDirectly(t: TestApp, inputs: NotificationInput[]): Promise<(Notification | undefined)[]> {
  const service = createNotificationsModule(t.app.platform).service;
  return inTransaction(t.app.platform.database.db, async (tx) => {
    const created: (Notification | undefined)[] = [];
    for (const input of inputs) created.push(await service.notify(tx, input));
    return created;
  });
}

function note(userId: string, title: string): NotificationInput {
  return { userId, type: 'test.note', title, body: `${title} body`, dedupeKey: `test:${randomUUID()}` };
}

interface StreamEvent {
  id: string;
  data: Notification;
}

/** An SSE client over a real socket (one connection of its own): collects `notification` events. */
async function openStream(url: string, token: string, lastEventId?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
  const request = http.get(`${url}/api/v1/notifications/stream`, { headers, agent: false });
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => request.once('response', resolve).once('error', reject));
  assert.equal(response.statusCode, 200);
  const events: StreamEvent[] = [];
  let taken = 0;
  let buffer = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const lines = buffer.slice(0, end).split('\n').filter((line) => !line.startsWith(':'));
      buffer = buffer.slice(end + 2);
      const fields = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
      const data = fields.get('data');
      if (fields.get('event') === 'notification' && data) events.push({ id: fields.get('id') ?? '', data: JSON.parse(data) as Notification });
    }
  });
  const ended = new Promise<void>((resolve) => response.once('close', resolve));
  return {
    headers: response.headers,
    events,
    /** The next event not yet taken, waiting up to `timeoutMs`. */
    next: (timeoutMs = 10_000) => waitFor('a notification on the stream', async () => (events.length > taken ? events[taken++] : undefined), timeoutMs, 20),
    /** Resolves when the connection is gone (the server ended the stream, or close()). */
    ended,
    async close() {
      request.destroy();
      await ended;
    },
  };
}

for (const mode of MODES) {
  describe(`notifications (${mode})`, () => {
    const ctx = useTestApp(mode);

    async function list(token: string, query = ''): Promise<Page<Notification>> {
      const res = await ctx.api.get<Page<Notification>>(`/api/v1/notifications${query}`, { token });
      assert.equal(res.status, 200, res.text);
      return res.body;
    }
    async function waitForCount(token: string, n: number): Promise<Notification[]> {
      return waitFor(`${n} notifications`, async () => {
        const { items } = await list(token, '?limit=100');
        return items.length >= n ? items : undefined;
      }, 10_000);
    }
    async function unread(token: string): Promise<number> {
      const res = await ctx.api.get<{ unread: number }>('/api/v1/notifications/unread-count', { token });
      assert.equal(res.status, 200, res.text);
      return res.body.unread;
    }
    const byType = (items: Notification[], type: string) => items.filter((n) => n.type === type);

    it('each order event notifies the right people (buyer, seller) with short titles and formatted money', async () => {
      const buyer = await ctx.api.register('n_buyer');
      const seller = await ctx.api.register('n_seller');
      const base = orderBase(buyer.user.id, seller.user.id);
      await publish(ctx.t, 'order.placed', base);
      await publish(ctx.t, 'order.paid', { ...base, method: 'wallet' });
      await publish(ctx.t, 'order.shipped', { ...base, carrier: 'SF Express', trackingNumber: 'SF123456' });
      await publish(ctx.t, 'order.completed', { ...base, automatic: false });
      await publish(ctx.t, 'order.refunded', { ...base, reason: 'damaged_goods' });
      await publish(ctx.t, 'order.cancelled', { ...orderBase(buyer.user.id, seller.user.id), reason: 'payment_timeout' });
      await publish(ctx.t, 'order.cancelled', { ...orderBase(buyer.user.id, seller.user.id), source: 'flash_sale', flashSaleId: randomUUID(), reason: 'buyer_cancelled' });

      const mine = await waitForCount(buyer.accessToken, 6);
      const theirs = await waitForCount(seller.accessToken, 4);
      assert.deepEqual(mine.map((n) => n.type).sort(), ['order.cancelled', 'order.cancelled', 'order.completed', 'order.paid', 'order.refunded', 'order.shipped']);
      assert.deepEqual(theirs.map((n) => n.type).sort(), ['order.completed', 'order.paid', 'order.placed', 'order.refunded']);
      const one = (items: Notification[], type: string) => {
        const [found, ...rest] = byType(items, type);
        assert.ok(found && rest.length === 0, `exactly one ${type}`);
        return found;
      };
      assert.equal(one(theirs, 'order.placed').title, 'New order');
      assert.match(one(theirs, 'order.placed').body, /CNY 12\.34/);
      assert.equal(one(mine, 'order.paid').title, 'Order paid');
      assert.match(one(mine, 'order.paid').body, new RegExp(`You paid CNY 12\\.34 for order ${base.orderId}`));
      assert.equal(one(theirs, 'order.paid').title, 'Order to ship');
      assert.match(one(mine, 'order.shipped').body, /SF Express.*SF123456/);
      assert.equal(one(theirs, 'order.completed').title, 'Order paid out');
      assert.match(one(theirs, 'order.completed').body, /CNY 12\.34/);
      assert.equal(one(mine, 'order.completed').title, 'Order completed');
      assert.match(one(mine, 'order.refunded').body, /CNY 12\.34.*refunded.*damaged goods/);
      assert.match(one(theirs, 'order.refunded').body, /refunded to the buyer/);
      const cancelled = byType(mine, 'order.cancelled').map((n) => n.body).sort();
      assert.match(cancelled.find((b) => /not paid in time/.test(b)) ?? '', /^Order .* was cancelled because it was not paid in time\.$/);
      assert.match(cancelled.find((b) => /flash-sale/i.test(b)) ?? '', /^Flash-sale order .* was cancelled \(buyer cancelled\)\.$/);
      for (const n of [...mine, ...theirs]) {
        assert.match(n.id, /^[0-9]+$/);
        assert.equal(n.read, false);
        assert.equal(new Date(n.createdAt).toISOString(), n.createdAt);
        assert.deepEqual(Object.keys(n).sort(), ['body', 'createdAt', 'id', 'read', 'title', 'type']);
      }
    });

    it('the same event delivered twice (or notified twice with one key) gives one notification', async () => {
      const buyer = await ctx.api.register('n_dupe_buyer');
      const seller = await ctx.api.register('n_dupe_seller');
      const event = { ...orderBase(buyer.user.id, seller.user.id), method: 'sandbox' as const };
      const ids = [await publish(ctx.t, 'order.paid', event), await publish(ctx.t, 'order.paid', event)];
      const db = ctx.t.app.platform.database.db;
      await waitFor('both messages handled', async () => {
        const rows = await db.selectFrom('platform_inbox').select('message_id').where('consumer_group', '=', 'notifications').where('message_id', 'in', ids).execute();
        return rows.length === 2 ? true : undefined;
      }, 10_000);
      assert.equal((await list(buyer.accessToken)).items.length, 1);
      assert.equal((await list(seller.accessToken)).items.length, 1);

      const input = { ...note(buyer.user.id, 'Once'), dedupeKey: 'test:once' };
      const [first, second] = await notifyDirectly(ctx.t, [input, input]);
      assert.equal(first?.title, 'Once');
      assert.equal(second, undefined);
      assert.equal(byType((await list(buyer.accessToken)).items, 'test.note').length, 1);
    });

    it('a real recharge notifies its user with the amount in the currency minor units', async () => {
      const payer = await ctx.api.register('n_recharge');
      await fund(ctx.api, payer.accessToken, { amount: 1234, currency: 'CNY' });
      await fund(ctx.api, payer.accessToken, { amount: 1200, currency: 'JPY' });
      const items = await waitForCount(payer.accessToken, 2);
      assert.deepEqual(items.map((n) => [n.type, n.title, n.body]).sort(), [
        ['recharge.succeeded', 'Wallet recharged', 'CNY 12.34 was added to your wallet.'],
        ['recharge.succeeded', 'Wallet recharged', 'JPY 1200 was added to your wallet.'],
      ]);
    });

    it('pages newest first by cursor, filters unread, counts, marks one and all read', async () => {
      const reader = await ctx.api.register('n_pages');
      const token = reader.accessToken;
      await notifyDirectly(ctx.t, ['one', 'two', 'three', 'four', 'five'].map((title) => note(reader.user.id, title)));
      const first = await list(token, '?limit=2');
      assert.deepEqual(first.items.map((n) => n.title), ['five', 'four']);
      assert.equal(first.nextCursor, first.items[1]?.id);
      const second = await list(token, `?limit=2&cursor=${first.nextCursor}`);
      assert.deepEqual(second.items.map((n) => n.title), ['three', 'two']);
      const third = await list(token, `?limit=2&cursor=${second.nextCursor}`);
      assert.deepEqual(third.items.map((n) => n.title), ['one']);
      assert.equal(third.nextCursor, null);
      assert.equal(await unread(token), 5);

      const four = first.items[1];
      assert.ok(four);
      const marked = await ctx.api.post<Notification>(`/api/v1/notifications/${four.id}/read`, { token });
      assert.equal(marked.status, 200, marked.text);
      assert.deepEqual(marked.body, { ...four, read: true });
      assert.equal((await ctx.api.post<Notification>(`/api/v1/notifications/${four.id}/read`, { token, body: {} })).body.read, true, 'again is fine');
      assert.equal(await unread(token), 4);
      assert.deepEqual((await list(token, '?unread=true')).items.map((n) => n.title), ['five', 'three', 'two', 'one']);
      assert.deepEqual((await list(token, '?unread=false')).items.length, 5, 'unread=false lists all');

      const all = await ctx.api.post<{ updated: number }>('/api/v1/notifications/read-all', { token });
      assert.deepEqual([all.status, all.body], [200, { updated: 4 }]);
      assert.equal(await unread(token), 0);
      assert.deepEqual((await list(token, '?unread=true')).items, []);
      assert.deepEqual((await ctx.api.post('/api/v1/notifications/read-all', { token, body: {} })).body, { updated: 0 });
    });

    it("another user's notification is not_found and stays unread; bad input is refused; no token is 401", async () => {
      const owner = await ctx.api.register('n_owner');
      const other = await ctx.api.register('n_other');
      const [created] = await notifyDirectly(ctx.t, [note(owner.user.id, 'private')]);
      assert.ok(created);
      assertProblem(await ctx.api.post(`/api/v1/notifications/${created.id}/read`, { token: other.accessToken }), 404, 'not_found', 'foreign id');
      assertProblem(await ctx.api.post('/api/v1/notifications/999999999/read', { token: other.accessToken }), 404, 'not_found', 'missing id');
      assert.deepEqual((await ctx.api.post('/api/v1/notifications/read-all', { token: other.accessToken })).body, { updated: 0 });
      assert.equal((await list(owner.accessToken)).items[0]?.read, false);
      assert.equal(await unread(owner.accessToken), 1);
      assertProblem(await ctx.api.post('/api/v1/notifications/abc/read', { token: owner.accessToken }), 400, 'validation_failed', 'bad id');
      assertProblem(await ctx.api.get('/api/v1/notifications?cursor=x', { token: owner.accessToken }), 400, 'validation_failed', 'bad cursor');
      assertProblem(await ctx.api.post(`/api/v1/notifications/${created.id}/read`, { token: owner.accessToken, body: { read: true } }), 400, 'validation_failed', 'unknown field');
      assertProblem(await ctx.api.get('/api/v1/notifications/stream', { token: owner.accessToken, headers: { 'last-event-id': 'x' } }), 400, 'validation_failed', 'bad Last-Event-ID');
      for (const [method, url] of [['get', '/api/v1/notifications'], ['get', '/api/v1/notifications/unread-count'], ['get', '/api/v1/notifications/stream'], ['post', `/api/v1/notifications/${created.id}/read`], ['post', '/api/v1/notifications/read-all']] as const) {
        assertProblem(await ctx.api[method](url), 401, 'unauthorized', `${method} ${url}`);
      }
    });

    it('streams each new notification to its owner only, over a real socket, and resumes after Last-Event-ID', async () => {
      const url = await ctx.t.app.http.listen({ port: 0, host: '127.0.0.1' });
      const alice = await ctx.api.register('n_alice');
      const bob = await ctx.api.register('n_bob');
      await notifyDirectly(ctx.t, [note(alice.user.id, 'before the stream')]);
      const aliceStream = await openStream(url, alice.accessToken);
      const bobStream = await openStream(url, bob.accessToken);
      try {
        const headers = aliceStream.headers;
        assert.match(headers['content-type'] ?? '', /^text\/event-stream/);
        assert.equal(headers['cache-control'], 'no-cache');
        assert.equal(headers['x-accel-buffering'], 'no');
        assert.equal(headers['x-content-type-options'], 'nosniff');
        assert.ok(headers['x-request-id'], 'the request id header is kept');

        const base = orderBase(alice.user.id, bob.user.id);
        await publish(ctx.t, 'order.placed', base); // Bob's only
        const toBob = await bobStream.next();
        assert.equal(toBob.data.type, 'order.placed');
        await publish(ctx.t, 'order.shipped', { ...base, carrier: null, trackingNumber: null }); // Alice's only
        const toAlice = await aliceStream.next();
        assert.equal(toAlice.data.type, 'order.shipped', "the first event on Alice's stream is hers: not the old one, not Bob's");
        assert.equal(toAlice.id, toAlice.data.id);
        assert.deepEqual(toAlice.data, (await list(alice.accessToken)).items[0]);
        await aliceStream.close();

        const missed = await notifyDirectly(ctx.t, [note(alice.user.id, 'missed 1'), note(alice.user.id, 'missed 2')]);
        const resumed = await openStream(url, alice.accessToken, toAlice.id);
        try {
          assert.deepEqual([(await resumed.next()).data.title, (await resumed.next()).data.title], ['missed 1', 'missed 2']);
          assert.equal(resumed.events[1]?.id, missed[1]?.id);
          await notifyDirectly(ctx.t, [note(alice.user.id, 'live again')]);
          assert.equal((await resumed.next()).data.title, 'live again');
        } finally {
          await resumed.close();
        }
        const bobIds = new Set((await list(bob.accessToken)).items.map((n) => n.id));
        assert.ok([...aliceStream.events, ...resumed.events].every((e) => !bobIds.has(e.id)), "Alice never got one of Bob's");
        assert.deepEqual(bobStream.events.map((e) => e.data.type), ['order.placed']);
      } finally {
        await aliceStream.close();
        await bobStream.close();
      }
    });
  });
}

describe('notifications: closing the app ends open streams', () => {
  it('stop() ends the stream so the server closes', async () => {
    const t = await startTestApp('embedded');
    let closed = false;
    try {
      const url = await t.app.http.listen({ port: 0, host: '127.0.0.1' });
      const user = await client(t.app.http).register('n_closing');
      const stream = await openStream(url, user.accessToken);
      const started = Date.now();
      await t.close();
      closed = true;
      await stream.ended;
      // An open stream left running would hold the server until its keep-alive timeout (72 s).
      assert.ok(Date.now() - started < 10_000, `closed in ${Date.now() - started} ms`);
    } finally {
      if (!closed) await t.close();
    }
  });
});
