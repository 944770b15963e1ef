/**
 * API.md "Admin" end to end through HTTP, on the embedded adapters and on the real services:
 * who may call the admin routes, the back-office lists and their cursors, the statistics
 * against orders placed and paid here, and the operation log every admin mutation writes
 * (of any module) — plus the audit trail's hooks on a bare Fastify app (write-ahead, fail closed).
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { auditActionOf, registerAuditTrail, type AuditStart } from '../src/modules/admin/index.js';
import type { Principal } from '../src/platform/http/index.js';
import type { Response } from './support/client.js';
import { MODES, useTestApp } from './support/harness.js';
import { assertProblem, fund, waitFor, type Money, type Page } from './support/wallet-helpers.js';

type User = { id: string; username: string; token: string };
type UserBody = { id: string; username: string; roles: string[]; createdAt: string };
type Order = { id: string; buyerId: string; status: string; total: Money; createdAt: string };
type Overview = { users: number; orders: number; paidOrders: number; gmv: Money[]; flashSales: number };
type Day = { date: string; orders: number; paidOrders: number; gmv: Money[] };
type AuditEntry = { id: string; actorId: string; actorUsername: string; action: string; target: string | null; ip: string; status: number | null; requestId: string; createdAt: string };
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const ADMIN = { username: 'admin_suite_root', password: 'admin suite password' };
const uname = (prefix: string): string => `${prefix}_${randomBytes(4).toString('hex')}`;
const amountIn = (gmv: Money[], currency: string): number => gmv.find((m) => m.currency === currency)?.amount ?? 0;
const todayUtc = (): string => new Date().toISOString().slice(0, 10);

for (const mode of MODES) {
  describe(`admin (${mode})`, () => {
    const ctx = useTestApp(mode, { FLASHMART_ADMIN_USERNAME: ADMIN.username, FLASHMART_ADMIN_PASSWORD: ADMIN.password });
    let admin: User;
    let seller: User;
    /** Things the non-admin tries to change: they must be unchanged afterwards. */
    const fixtures = { categoryId: '', brandId: '', saleId: '' };

    async function user(prefix: string): Promise<User> {
      const registered = await ctx.api.register(uname(prefix));
      return { id: registered.user.id, username: registered.user.username, token: registered.accessToken };
    }

    async function call<T = Record<string, unknown>>(method: Method, url: string, token?: string, body?: unknown): Promise<Response<T>> {
      const options = { ...(token !== undefined && { token }), ...(body !== undefined && { body }) };
      if (method === 'GET') return ctx.api.get<T>(url, options);
      if (method === 'POST') return ctx.api.post<T>(url, options);
      if (method === 'PATCH') return ctx.api.patch<T>(url, options);
      return ctx.api.del<T>(url, options);
    }

    async function ok<T = Record<string, unknown>>(method: Method, url: string, token: string, body?: unknown, status = 200): Promise<T> {
      const res = await call<T>(method, url, token, body);
      assert.equal(res.status, status, `${method} ${url}: ${res.text}`);
      return res.body;
    }

    async function product(owner: User, amount: number, currency: string): Promise<string> {
      const created = await ok<{ skus: { id: string }[] }>('POST', '/api/v1/products', owner.token, { title: 'Admin suite goods', skus: [{ price: { amount, currency }, stock: 100 }] }, 201);
      const sku = created.skus[0];
      assert.ok(sku);
      return sku.id;
    }

    /** A sale for `skuId` that starts in an hour (admin may start it now). */
    async function scheduledSale(skuId: string): Promise<string> {
      const startsAt = new Date(Date.now() + 3_600_000);
      const body = { skuId, price: { amount: 100, currency: 'CNY' }, quantity: 2, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString() };
      return (await ok<{ id: string }>('POST', '/api/v1/flash-sales', seller.token, body, 201)).id;
    }

    const auditLog = async (limit = 100): Promise<AuditEntry[]> => (await ok<Page<AuditEntry>>('GET', `/api/v1/admin/audit-log?limit=${limit}`, admin.token)).items;

    /** Runs a call and returns its answer with the audit entries it added, once their outcome is recorded. */
    async function audited<T>(run: () => Promise<Response<T>>): Promise<{ res: Response<T>; added: AuditEntry[] }> {
      const seen = new Set((await auditLog()).map((e) => e.id));
      const res = await run();
      // The outcome is recorded by onResponse, a moment after the answer left.
      const added = await waitFor('audit outcomes', async () => {
        const fresh = (await auditLog()).filter((e) => !seen.has(e.id));
        return fresh.every((e) => e.status !== null) ? fresh : undefined;
      });
      return { res, added };
    }

    /** Asserts the call added exactly one entry, by the admin from 127.0.0.1, and returns it. */
    async function oneEntry<T>(run: () => Promise<Response<T>>, expected: { action: string; status: number; target?: string }): Promise<{ res: Response<T>; entry: AuditEntry }> {
      const { res, added } = await audited(run);
      assert.equal(res.status, expected.status, res.text);
      assert.equal(added.length, 1, `exactly one audit entry: ${JSON.stringify(added)}`);
      const entry = added[0];
      assert.ok(entry);
      assert.deepEqual(Object.keys(entry).sort(), ['action', 'actorId', 'actorUsername', 'createdAt', 'id', 'ip', 'requestId', 'status', 'target']);
      assert.equal(entry.actorId, admin.id);
      assert.equal(entry.actorUsername, ADMIN.username);
      assert.equal(entry.action, expected.action);
      assert.equal(entry.status, expected.status);
      assert.equal(entry.ip, '127.0.0.1');
      assert.ok(!Number.isNaN(Date.parse(entry.createdAt)));
      if (expected.target !== undefined) assert.equal(entry.target, expected.target);
      return { res, entry };
    }

    before(async () => {
      const login = await ctx.api.post<{ accessToken: string; user: { id: string } }>('/api/v1/auth/login', { body: ADMIN });
      assert.equal(login.status, 200, login.text);
      admin = { id: login.body.user.id, username: ADMIN.username, token: login.body.accessToken };
      seller = await user('adm_seller');
      fixtures.categoryId = (await ok<{ id: string }>('POST', '/api/v1/admin/categories', admin.token, { name: 'Fixture category' }, 201)).id;
      fixtures.brandId = (await ok<{ id: string }>('POST', '/api/v1/admin/brands', admin.token, { name: uname('Fixture brand') }, 201)).id;
      fixtures.saleId = await scheduledSale(await product(seller, 1000, 'CNY'));
    });

    /** Every admin route of the API, with a valid request body where it takes one. */
    function adminRoutes(): { method: Method; url: string; path: string; body?: unknown }[] {
      const { categoryId, brandId, saleId } = fixtures;
      return [
        { method: 'GET', url: '/api/v1/admin/users', path: '/api/v1/admin/users' },
        { method: 'GET', url: '/api/v1/admin/orders', path: '/api/v1/admin/orders' },
        { method: 'GET', url: '/api/v1/admin/stats/overview', path: '/api/v1/admin/stats/overview' },
        { method: 'GET', url: '/api/v1/admin/stats/daily', path: '/api/v1/admin/stats/daily' },
        { method: 'GET', url: '/api/v1/admin/audit-log', path: '/api/v1/admin/audit-log' },
        { method: 'POST', url: '/api/v1/admin/categories', path: '/api/v1/admin/categories', body: { name: 'Sneaky' } },
        { method: 'PATCH', url: `/api/v1/admin/categories/${categoryId}`, path: '/api/v1/admin/categories/{id}', body: { name: 'Sneaky' } },
        { method: 'DELETE', url: `/api/v1/admin/categories/${categoryId}`, path: '/api/v1/admin/categories/{id}' },
        { method: 'POST', url: '/api/v1/admin/brands', path: '/api/v1/admin/brands', body: { name: 'Sneaky' } },
        { method: 'PATCH', url: `/api/v1/admin/brands/${brandId}`, path: '/api/v1/admin/brands/{id}', body: { name: 'Sneaky' } },
        { method: 'DELETE', url: `/api/v1/admin/brands/${brandId}`, path: '/api/v1/admin/brands/{id}' },
        { method: 'POST', url: `/api/v1/admin/flash-sales/${saleId}/start`, path: '/api/v1/admin/flash-sales/{id}/start' },
      ];
    }

    it('lists every admin route in the OpenAPI document, tagged admin and bearer-secured', async () => {
      const doc = await ok<{ paths: Record<string, Record<string, { tags?: string[]; security?: unknown[] }>> }>('GET', '/openapi.json', admin.token);
      const documented = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/api/v1/admin/'))
        .flatMap(([path, operations]) => Object.entries(operations).filter(([method]) => method !== 'head').map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })));
      assert.deepEqual(documented.map((d) => d.key).sort(), adminRoutes().map((r) => `${r.method} ${r.path}`).sort(), 'the tests below cover every admin route');
      for (const { key, op } of documented) {
        assert.deepEqual(op.tags, ['admin'], key);
        assert.deepEqual(op.security, [{ bearer: [] }], key);
      }
    });

    it('answers 401 to anonymous callers on every admin route', async () => {
      for (const route of adminRoutes()) assertProblem(await call(route.method, route.url, undefined, route.body), 401, 'unauthorized', `${route.method} ${route.url}`);
    });

    it('answers 403 to a non-admin on every admin route, logging and changing nothing', async () => {
      const outsider = await user('adm_outsider');
      const ids = async () => (await auditLog()).map((e) => e.id);
      const logBefore = await ids();
      for (const route of adminRoutes()) assertProblem(await call(route.method, route.url, outsider.token, route.body), 403, 'forbidden', `${route.method} ${route.url}`);
      assert.deepEqual(await ids(), logBefore, 'a refused call writes no audit entry');
      const tree = await ok<{ items: { id: string; name: string }[] }>('GET', '/api/v1/categories', admin.token);
      assert.equal(tree.items.find((c) => c.id === fixtures.categoryId)?.name, 'Fixture category');
      const brands = await ok<{ items: { id: string; name: string }[] }>('GET', '/api/v1/brands', admin.token);
      assert.ok(brands.items.some((b) => b.id === fixtures.brandId && b.name !== 'Sneaky'));
      assert.ok(!brands.items.some((b) => b.name === 'Sneaky'));
      assert.equal((await ok<{ status: string }>('GET', `/api/v1/flash-sales/${fixtures.saleId}`, admin.token)).status, 'scheduled');
    });

    it('lists users by username with a case-insensitive prefix filter and cursors', async () => {
      const prefix = `Pfx${randomBytes(3).toString('hex')}`;
      const names = [`${prefix}_c`, `${prefix.toUpperCase()}_A`, `${prefix.toLowerCase()}_b`];
      for (const name of names) await ctx.api.register(name);
      const first = await ok<Page<UserBody>>('GET', `/api/v1/admin/users?q=${prefix.toLowerCase()}&limit=2`, admin.token);
      assert.deepEqual(first.items.map((u) => u.username), [names[1], names[2]]);
      assert.deepEqual(Object.keys(first.items[0] ?? {}).sort(), ['createdAt', 'id', 'roles', 'username']);
      assert.deepEqual(first.items[0]?.roles, ['user']);
      assert.ok(first.nextCursor);
      const second = await ok<Page<UserBody>>('GET', `/api/v1/admin/users?q=${prefix.toUpperCase()}&limit=2&cursor=${first.nextCursor}`, admin.token);
      assert.deepEqual(second.items.map((u) => u.username), [names[0]]);
      assert.equal(second.nextCursor, null);
      const everyone = await ok<Page<UserBody>>('GET', '/api/v1/admin/users?limit=100', admin.token);
      assert.ok(everyone.items.some((u) => u.username === ADMIN.username && u.roles.includes('admin')));
      assertProblem(await call('GET', '/api/v1/admin/users?cursor=NOT%20A%20NAME', admin.token), 400, 'validation_failed');
      assertProblem(await call('GET', '/api/v1/admin/users?limit=101', admin.token), 400, 'validation_failed');
    });

    it('lists every order newest first with cursors and a status filter; an unknown status is 400', async () => {
      const buyer = await user('adm_lister');
      await fund(ctx.api, buyer.token, { amount: 10_000, currency: 'CNY' });
      const skuId = await product(seller, 700, 'CNY');
      const placed: Order[] = [];
      for (let i = 0; i < 3; i++) placed.push(await ok<Order>('POST', '/api/v1/orders', buyer.token, { items: [{ skuId, quantity: 1 }] }, 201));
      const paid = await ok<Order>('POST', `/api/v1/orders/${placed[1]?.id}/pay`, buyer.token, { method: 'wallet' });
      const first = await ok<Page<Order & { buyerUsername: string | null; sellerUsername: string | null }>>('GET', '/api/v1/admin/orders?limit=2', admin.token);
      assert.deepEqual(first.items.map((o) => o.id), [placed[2]?.id, placed[1]?.id]);
      const { buyerUsername, sellerUsername, ...seen } = first.items[1] ?? { buyerUsername: null, sellerUsername: null };
      assert.deepEqual(seen, paid, 'the same Order its buyer sees');
      assert.equal(buyerUsername, buyer.username, "with the buyer's username");
      assert.equal(sellerUsername, seller.username, "and the seller's");
      assert.ok(first.nextCursor);
      const second = await ok<Page<Order>>('GET', `/api/v1/admin/orders?limit=2&cursor=${first.nextCursor}`, admin.token);
      assert.equal(second.items[0]?.id, placed[0]?.id);
      const paidOnly = await ok<Page<Order>>('GET', '/api/v1/admin/orders?status=paid&limit=100', admin.token);
      assert.ok(paidOnly.items.length > 0 && paidOnly.items.every((o) => o.status === 'paid'));
      assert.ok(paidOnly.items.some((o) => o.id === paid.id));
      const pending = await ok<Page<Order>>('GET', '/api/v1/admin/orders?status=pending_payment&limit=100', admin.token);
      assert.ok(pending.items.every((o) => o.status === 'pending_payment') && !pending.items.some((o) => o.id === paid.id));
      assertProblem(await call('GET', '/api/v1/admin/orders?status=lost', admin.token), 400, 'validation_failed');
      assertProblem(await call('GET', '/api/v1/admin/orders?cursor=abc', admin.token), 400, 'validation_failed');
      assertProblem(await call('GET', '/api/v1/admin/orders?colour=red', admin.token), 400, 'validation_failed');
    });

    it('counts users, orders, ever-paid orders, GMV per currency and flash sales, overall and per UTC day', async () => {
      const overviewBefore = await ok<Overview>('GET', '/api/v1/admin/stats/overview', admin.token);
      const todayBefore = (await ok<{ items: Day[] }>('GET', '/api/v1/admin/stats/daily?days=1', admin.token)).items;
      const shopper = await user('adm_shopper');
      const merchant = await user('adm_merchant');
      await fund(ctx.api, shopper.token, { amount: 20_000, currency: 'CNY' });
      await fund(ctx.api, shopper.token, { amount: 2_000, currency: 'USD' });
      const cnySku = await product(merchant, 1999, 'CNY');
      const usdSku = await product(merchant, 500, 'USD');
      const place = (skuId: string, quantity: number) => ok<Order>('POST', '/api/v1/orders', shopper.token, { items: [{ skuId, quantity }] }, 201);
      const pay = (order: Order) => ok<Order>('POST', `/api/v1/orders/${order.id}/pay`, shopper.token, { method: 'wallet' });
      await pay(await place(cnySku, 1));
      await pay(await place(usdSku, 1));
      await place(cnySku, 2); // never paid
      const refunded = await pay(await place(cnySku, 1));
      await ok('POST', `/api/v1/orders/${refunded.id}/refund`, shopper.token, {});
      await scheduledSale(await product(seller, 900, 'CNY'));

      const overview = await ok<Overview>('GET', '/api/v1/admin/stats/overview', admin.token);
      assert.deepEqual(Object.keys(overview).sort(), ['flashSales', 'gmv', 'orders', 'paidOrders', 'users']);
      assert.equal(overview.users - overviewBefore.users, 2);
      assert.equal(overview.orders - overviewBefore.orders, 4);
      assert.equal(overview.paidOrders - overviewBefore.paidOrders, 3, 'paid, and paid then refunded, count');
      assert.equal(amountIn(overview.gmv, 'CNY') - amountIn(overviewBefore.gmv, 'CNY'), 2 * 1999);
      assert.equal(amountIn(overview.gmv, 'USD') - amountIn(overviewBefore.gmv, 'USD'), 500);
      assert.deepEqual(overview.gmv.map((m) => m.currency), [...overview.gmv.map((m) => m.currency)].sort());
      assert.equal(overview.flashSales - overviewBefore.flashSales, 1);

      const today = (await ok<{ items: Day[] }>('GET', '/api/v1/admin/stats/daily?days=1', admin.token)).items;
      assert.equal(today.length, 1);
      const [now, then] = [today[0], todayBefore[0]];
      assert.ok(now && then);
      assert.equal(now.date, todayUtc());
      assert.equal(now.orders - then.orders, 4);
      assert.equal(now.paidOrders - then.paidOrders, 3);
      assert.equal(amountIn(now.gmv, 'CNY') - amountIn(then.gmv, 'CNY'), 2 * 1999);
      assert.equal(amountIn(now.gmv, 'USD') - amountIn(then.gmv, 'USD'), 500);
      // Everything in this fresh deployment happened today: the day's figures are the overview's.
      assert.deepEqual({ orders: now.orders, paidOrders: now.paidOrders, gmv: now.gmv }, { orders: overview.orders, paidOrders: overview.paidOrders, gmv: overview.gmv });
    });

    it('answers one item per UTC day, oldest first and gaps filled, today last (30 by default, 1–366)', async () => {
      const month = (await ok<{ items: Day[] }>('GET', '/api/v1/admin/stats/daily', admin.token)).items;
      assert.equal(month.length, 30);
      const year = (await ok<{ items: Day[] }>('GET', '/api/v1/admin/stats/daily?days=366', admin.token)).items;
      assert.equal(year.length, 366);
      for (const days of [month, year]) {
        assert.equal(days.at(-1)?.date, todayUtc());
        days.forEach((day, i) => {
          if (i > 0) assert.equal(Date.parse(`${day.date}T00:00:00Z`) - Date.parse(`${days[i - 1]?.date}T00:00:00Z`), 86_400_000);
          assert.deepEqual(Object.keys(day).sort(), ['date', 'gmv', 'orders', 'paidOrders']);
        });
      }
      assert.deepEqual(month[0], { date: month[0]?.date, orders: 0, paidOrders: 0, gmv: [] }, 'a day without orders is there, with zeros');
      for (const bad of ['0', '367', 'x', '1.5']) assertProblem(await call('GET', `/api/v1/admin/stats/daily?days=${bad}`, admin.token), 400, 'validation_failed', bad);
    });

    it('logs each category and brand mutation once, with actor, action, target, ip and status', async () => {
      for (const kind of ['categories', 'brands'] as const) {
        const created = await oneEntry(() => call<{ id: string }>('POST', `/api/v1/admin/${kind}`, admin.token, { name: uname(`Audited ${kind}`) }), { action: `${kind}.create`, status: 201 });
        const id = created.res.body.id;
        assert.equal(created.entry.target, id, 'a create names the id it made');
        await oneEntry(() => call('PATCH', `/api/v1/admin/${kind}/${id}`, admin.token, { name: uname('Renamed') }), { action: `${kind}.update`, status: 200, target: id });
        await oneEntry(() => call('DELETE', `/api/v1/admin/${kind}/${id}`, admin.token), { action: `${kind}.delete`, status: 204, target: id });
      }
    });

    it('logs a flash sale started by an admin (a route of the flashsale module)', async () => {
      const saleId = await scheduledSale(await product(seller, 1500, 'CNY'));
      const { res } = await oneEntry(() => call<{ status: string }>('POST', `/api/v1/admin/flash-sales/${saleId}/start`, admin.token), { action: 'flash-sales.start', status: 200, target: saleId });
      assert.equal(res.body.status, 'active');
      await oneEntry(() => call('POST', `/api/v1/admin/flash-sales/${saleId}/start`, admin.token), { action: 'flash-sales.start', status: 409, target: saleId });
    });

    it('records the status of a failed admin mutation', async () => {
      const missing = randomUUID();
      await oneEntry(() => call('DELETE', `/api/v1/admin/categories/${missing}`, admin.token), { action: 'categories.delete', status: 404, target: missing });
      const taken = await ok<{ name: string }>('POST', '/api/v1/admin/brands', admin.token, { name: uname('Taken') }, 201);
      await oneEntry(() => call('PATCH', `/api/v1/admin/brands/${fixtures.brandId}`, admin.token, { name: taken.name }), { action: 'brands.update', status: 409, target: fixtures.brandId });
    });

    it('logs nothing for invalid requests, replays, reads and non-admin routes', async () => {
      const invalid = await audited(() => call('POST', '/api/v1/admin/categories', admin.token, { title: 'no name' }));
      assertProblem(invalid.res, 400, 'validation_failed');
      assert.deepEqual(invalid.added, []);
      const headers = { 'idempotency-key': randomUUID() };
      const body = { name: uname('Once') };
      const first = await audited(() => ctx.api.post('/api/v1/admin/brands', { token: admin.token, body, headers }));
      assert.equal(first.res.status, 201);
      assert.equal(first.added.length, 1);
      const replay = await audited(() => ctx.api.post('/api/v1/admin/brands', { token: admin.token, body, headers }));
      assert.equal(replay.res.headers['idempotent-replayed'], 'true');
      assert.deepEqual(replay.added, [], 'a replay did nothing and is not logged again');
      const reads = await audited(() => call('GET', '/api/v1/admin/stats/overview', admin.token));
      assert.deepEqual(reads.added, []);
      const userRoute = await audited(() => call('POST', '/api/v1/products', admin.token, { title: 'Not an admin action', skus: [{ price: { amount: 100, currency: 'CNY' }, stock: 1 }] }));
      assert.equal(userRoute.res.status, 201, userRoute.res.text);
      assert.deepEqual(userRoute.added, [], 'an administrator using an ordinary route is not logged');
    });

    it('pages the audit log newest first', async () => {
      const newest = await auditLog(3);
      assert.equal(newest.length, 3);
      const first = await ok<Page<AuditEntry>>('GET', '/api/v1/admin/audit-log?limit=2', admin.token);
      assert.deepEqual(first.items, newest.slice(0, 2));
      const second = await ok<Page<AuditEntry>>('GET', `/api/v1/admin/audit-log?limit=2&cursor=${first.nextCursor}`, admin.token);
      assert.deepEqual(second.items[0], newest[2]);
      assert.ok(Date.parse(newest[0]?.createdAt ?? '') >= Date.parse(newest[2]?.createdAt ?? ''));
      assertProblem(await call('GET', '/api/v1/admin/audit-log?cursor=-1', admin.token), 400, 'validation_failed');
    });
  });
}

describe('audit trail hooks', () => {
  const principal: Principal = { userId: randomUUID(), sessionId: randomUUID(), username: 'hook_admin', roles: ['user', 'admin'], createdAt: new Date().toISOString() };

  /** A bare app: a fixed admin principal, and a log held in memory. */
  function bareApp() {
    const entries: (AuditStart & { id: string; status?: number })[] = [];
    const app = Fastify();
    app.decorateRequest('principal', null);
    app.addHook('onRequest', async (request) => {
      request.principal = principal;
    });
    const log = {
      async begin(entry: AuditStart) {
        const id = String(entries.length + 1);
        entries.push({ ...entry, id });
        return id;
      },
      async finish(id: string, outcome: { status: number; target: string | null }) {
        const entry = entries.find((e) => e.id === id);
        if (entry) Object.assign(entry, outcome);
      },
    };
    return { app, entries, log };
  }

  it('writes the entry before the handler runs and completes it after the answer', async () => {
    const { app, entries, log } = bareApp();
    registerAuditTrail(app, log);
    let seenByHandler: unknown;
    app.post('/api/v1/admin/widgets/:id/polish', { config: { auth: 'admin' } }, async () => {
      seenByHandler = structuredClone(entries);
      return { polished: true };
    });
    app.post('/api/v1/admin/widgets', { config: { auth: 'admin', auditAction: 'widgets.make' } }, async (_request, reply) => reply.code(201).send({ id: 'w-new' }));
    app.get('/api/v1/admin/widgets', { config: { auth: 'admin' } }, async () => ({ items: [] }));
    app.post('/api/v1/widgets', { config: { auth: 'user' } }, async () => ({}));
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/admin/widgets/w1/polish' })).statusCode, 200);
    assert.deepEqual(seenByHandler, [{ actorId: principal.userId, actorUsername: 'hook_admin', action: 'widgets.polish', method: 'POST', route: '/api/v1/admin/widgets/:id/polish', target: 'w1', ip: '127.0.0.1', requestId: entries[0]?.requestId, id: '1' }]);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/admin/widgets' })).statusCode, 201);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/admin/widgets' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/widgets' })).statusCode, 200);
    await waitFor('outcomes', async () => (entries.every((e) => e.status !== undefined) ? true : undefined));
    assert.deepEqual(entries.map((e) => [e.action, e.target, e.status]), [['widgets.polish', 'w1', 200], ['widgets.make', 'w-new', 201]]);
    await app.close();
  });

  it('refuses to run an admin mutation registered before the trail (fails closed)', async () => {
    const { app, entries, log } = bareApp();
    let ran = false;
    app.delete('/api/v1/admin/widgets/:id', { config: { auth: 'admin' } }, async () => {
      ran = true;
      return {};
    });
    registerAuditTrail(app, log);
    const res = await app.inject({ method: 'DELETE', url: '/api/v1/admin/widgets/w1' });
    assert.equal(res.statusCode, 500);
    assert.equal(ran, false);
    assert.deepEqual(entries, []);
    await app.close();
  });

  it('names actions from the method and path', () => {
    assert.equal(auditActionOf('POST', '/api/v1/admin/categories'), 'categories.create');
    assert.equal(auditActionOf('PATCH', '/api/v1/admin/categories/:id'), 'categories.update');
    assert.equal(auditActionOf('PUT', '/api/v1/admin/brands/:id'), 'brands.update');
    assert.equal(auditActionOf('DELETE', '/api/v1/admin/brands/:id'), 'brands.delete');
    assert.equal(auditActionOf('POST', '/api/v1/admin/flash-sales/:id/start'), 'flash-sales.start');
    assert.equal(auditActionOf('POST', '/api/v1/admin/users/:id/roles'), 'users.roles');
    assert.equal(auditActionOf('DELETE', '/api/v1/admin/users/:id/roles/:role'), 'users.roles.delete');
  });
});
