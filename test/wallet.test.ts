import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { client, type Client } from './support/client.js';
import { MODES, startTestApp, type TestApp } from './support/harness.js';
import {
  assertAuditClean,
  assertProblem,
  available,
  fund,
  getWallet,
  startRecharge,
  waitForRecharge,
  type LedgerEntry,
  type Page,
  type RechargeBody,
} from './support/wallet-helpers.js';

interface Withdrawal {
  id: string;
  status: string;
  amount: { amount: number; currency: string };
}

for (const mode of MODES) {
  describe(`wallet (${mode})`, () => {
    let t: TestApp;
    let api: Client;
    before(async () => {
      t = await startTestApp(mode);
      api = client(t.app.http);
    });
    after(async () => t.close());

    const db = () => t.app.platform.database.db;

    async function rowsOf(table: 'wallet_withdrawals' | 'wallet_recharges' | 'payments_intents', userId: string): Promise<number> {
      const row = await db()
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }

    async function ledger(token: string, query: string): Promise<Page<LedgerEntry>> {
      const res = await api.get<Page<LedgerEntry>>(`/api/v1/wallet/ledger?${query}`, { token });
      assert.equal(res.status, 200, res.text);
      return res.body;
    }

    it('GET /wallet right after registration: one zero account per enabled currency, 0 points', async () => {
      const user = await api.register('w_fresh');
      const view = await getWallet(api, user.accessToken);
      assert.deepEqual(view, {
        accounts: [
          { currency: 'CNY', available: 0, frozen: 0 },
          { currency: 'USD', available: 0, frozen: 0 },
          { currency: 'JPY', available: 0, frozen: 0 },
        ],
        points: 0,
      });
      // The view shows 0 for a missing account too: check the accounts really exist.
      const accounts = await db().selectFrom('wallet_accounts').select(['kind', 'currency', 'balance']).where('user_id', '=', user.user.id).execute();
      const names = accounts.map((a) => `${a.kind}/${a.currency}`).sort();
      assert.deepEqual(names, ['available/CNY', 'available/JPY', 'available/USD', 'frozen/CNY', 'frozen/JPY', 'frozen/USD', 'points/PTS']);
      assert.ok(accounts.every((a) => Number(a.balance) === 0));
      assertProblem(await api.get('/api/v1/wallet'), 401, 'unauthorized', 'no token');
    });

    it('recharge: pending, checkout page, Pay → credited, ledger shows it', async () => {
      const user = await api.register('w_recharge');
      const token = user.accessToken;
      const res = await api.post<RechargeBody>('/api/v1/wallet/recharges', { token, body: { amount: { amount: 5000, currency: 'CNY' } } });
      assert.equal(res.status, 201, res.text);
      const recharge = res.body;
      assert.deepEqual(Object.keys(recharge).sort(), ['amount', 'id', 'payUrl', 'paymentId', 'status']);
      assert.equal(recharge.status, 'pending');
      assert.deepEqual(recharge.amount, { amount: 5000, currency: 'CNY' });
      assert.ok(recharge.payUrl?.endsWith(`/sandbox/pay/${recharge.paymentId}`), recharge.payUrl);

      const page = await api.get(`/sandbox/pay/${recharge.paymentId}`);
      assert.equal(page.status, 200);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.match(page.text, new RegExp(`<form method="post" action="/sandbox/api/payments/${recharge.paymentId}/succeed"><button[^>]*>Pay</button>`));
      assert.match(page.text, new RegExp(`<form method="post" action="/sandbox/api/payments/${recharge.paymentId}/fail"><button[^>]*>Fail</button>`));
      assert.match(page.text, /50\.00 CNY/);

      const pending = await api.get<RechargeBody>(`/api/v1/wallet/recharges/${recharge.id}`, { token });
      assert.equal(pending.status, 200);
      assert.deepEqual(pending.body, { id: recharge.id, status: 'pending', amount: recharge.amount, paymentId: recharge.paymentId });
      assert.equal(await available(api, token, 'CNY'), 0, 'nothing before the payment');

      const paid = await api.post<{ id: string; status: string }>(`/sandbox/api/payments/${recharge.paymentId}/succeed`);
      assert.equal(paid.status, 200, paid.text);
      assert.equal(paid.body.id, recharge.paymentId);
      assert.equal(paid.body.status, 'succeeded');
      const done = await waitForRecharge(api, token, recharge.id, 'succeeded', 5000);
      assert.deepEqual(done, { id: recharge.id, status: 'succeeded', amount: recharge.amount, paymentId: recharge.paymentId });
      const view = await getWallet(api, token);
      assert.deepEqual(view.accounts, [
        { currency: 'CNY', available: 5000, frozen: 0 },
        { currency: 'USD', available: 0, frozen: 0 },
        { currency: 'JPY', available: 0, frozen: 0 },
      ]);
      assert.doesNotMatch((await api.get(`/sandbox/pay/${recharge.paymentId}`)).text, /<button/, 'no buttons once decided');

      const lines = await ledger(token, 'currency=CNY');
      assert.equal(lines.items.length, 1);
      const [entry] = lines.items;
      assert.ok(entry);
      assert.equal(entry.type, 'recharge');
      assert.deepEqual(entry.amount, { amount: 5000, currency: 'CNY' });
      assert.equal(entry.balanceAfter, 5000);
      assert.ok(entry.reference.includes(recharge.id), entry.reference);
      assert.ok(!Number.isNaN(Date.parse(entry.createdAt)));
      assert.equal(lines.nextCursor, null);
      assert.deepEqual((await ledger(token, 'currency=USD')).items, [], 'other currencies untouched');
    });

    it('a failed payment and decisions on decided or unknown payments credit nothing', async () => {
      const user = await api.register('w_fail');
      const token = user.accessToken;
      await fund(api, token, { amount: 700, currency: 'USD' });
      const second = await startRecharge(api, token, { amount: 300, currency: 'USD' });
      const failed = await api.post<{ status: string }>(`/sandbox/api/payments/${second.paymentId}/fail`);
      assert.equal(failed.status, 200, failed.text);
      assert.equal(failed.body.status, 'failed');
      await waitForRecharge(api, token, second.id, 'failed');
      assert.equal(await available(api, token, 'USD'), 700, 'the failed recharge credited nothing');

      assertProblem(await api.post(`/sandbox/api/payments/${second.paymentId}/succeed`), 409, 'invalid_state', 'succeed after fail');
      const movements = await ledger(token, 'currency=USD');
      assert.deepEqual(
        movements.items.map((e) => [e.type, e.amount.amount]),
        [['recharge', 700]],
        'one movement: the first recharge',
      );
      const settled = await db().selectFrom('wallet_recharges').select(['id', 'payment_id', 'status']).where('user_id', '=', user.user.id).where('status', '=', 'succeeded').execute();
      assert.equal(settled.length, 1);
      const paidId = settled[0]?.payment_id ?? '';
      assertProblem(await api.post(`/sandbox/api/payments/${paidId}/succeed`), 409, 'invalid_state', 'succeed twice');
      assertProblem(await api.post(`/sandbox/api/payments/${paidId}/fail`), 409, 'invalid_state', 'fail after succeed');
      assertProblem(await api.post(`/sandbox/api/payments/${randomUUID()}/succeed`), 404, 'not_found', 'unknown payment');
      assertProblem(await api.post(`/sandbox/api/payments/${randomUUID()}/fail`), 404, 'not_found', 'unknown payment (fail)');
      assertProblem(await api.get(`/sandbox/pay/${randomUUID()}`), 404, 'not_found', 'unknown checkout page');
      // A second webhook (if the refused calls had queued one) would be applied within this pause.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal(await available(api, token, 'USD'), 700, 'still nothing more');
      assert.equal((await waitForRecharge(api, token, second.id, 'failed', 0)).status, 'failed');
      const deliveries = await db().selectFrom('sandbox_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('payment_id', 'in', [paidId, second.paymentId]).executeTakeFirstOrThrow();
      assert.equal(Number(deliveries.n), 2, 'one webhook per decision, none for the refused calls');
    });

    it("the checkout page's form post answers 303 back to the page and pays", async () => {
      const user = await api.register('w_form');
      const recharge = await startRecharge(api, user.accessToken, { amount: 1200, currency: 'JPY' });
      const res = await api.post(`/sandbox/api/payments/${recharge.paymentId}/succeed`, { raw: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(res.status, 303, res.text);
      assert.equal(res.headers.location, `/sandbox/pay/${recharge.paymentId}`);
      await waitForRecharge(api, user.accessToken, recharge.id, 'succeeded');
      assert.equal(await available(api, user.accessToken, 'JPY'), 1200);
      assert.match((await api.get(`/sandbox/pay/${recharge.paymentId}`)).text, /This payment is <strong>succeeded<\/strong>/);
    });

    it('the checkout page takes the shop back with ?return= (paths of this site only)', async () => {
      const user = await api.register('w_return');
      const recharge = await startRecharge(api, user.accessToken, { amount: 300, currency: 'CNY' });
      const back = '/account/wallet?recharge=' + recharge.id;
      const page = await api.get(`/sandbox/pay/${recharge.paymentId}?return=${encodeURIComponent(back)}`);
      assert.equal(page.status, 200);
      assert.ok(page.text.includes(`/succeed?return=${encodeURIComponent(back)}`), 'the Pay form carries the return path');
      for (const evil of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'relative']) {
        assertProblem(await api.get(`/sandbox/pay/${recharge.paymentId}?return=${encodeURIComponent(evil)}`), 400, 'validation_failed', evil);
        const refused = await api.post(`/sandbox/api/payments/${recharge.paymentId}/succeed?return=${encodeURIComponent(evil)}`, { raw: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
        assertProblem(refused, 400, 'validation_failed', `post ${evil}`);
      }
      assert.equal((await api.get<{ status: string }>(`/api/v1/wallet/recharges/${recharge.id}`, { token: user.accessToken })).body.status, 'pending', 'refused posts changed nothing');
      const res = await api.post(`/sandbox/api/payments/${recharge.paymentId}/succeed?return=${encodeURIComponent(back)}`, { raw: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(res.status, 303, res.text);
      assert.equal(res.headers.location, back);
      await waitForRecharge(api, user.accessToken, recharge.id, 'succeeded');
    });

    it("another user's recharge answers 404, like one that does not exist", async () => {
      const owner = await api.register('w_owner');
      const other = await api.register('w_other');
      const recharge = await startRecharge(api, owner.accessToken, { amount: 100, currency: 'CNY' });
      assert.equal((await api.get(`/api/v1/wallet/recharges/${recharge.id}`, { token: owner.accessToken })).status, 200);
      assertProblem(await api.get(`/api/v1/wallet/recharges/${recharge.id}`, { token: other.accessToken }), 404, 'not_found', 'not yours');
      assertProblem(await api.get(`/api/v1/wallet/recharges/${randomUUID()}`, { token: other.accessToken }), 404, 'not_found', 'unknown');
    });

    it('withdrawals: 201, the ledger shows the debit and sums to available; paging by cursor', async () => {
      const user = await api.register('w_ledger');
      const token = user.accessToken;
      await fund(api, token, { amount: 1000, currency: 'CNY' });
      const withdrawals: Withdrawal[] = [];
      for (const amount of [100, 200, 50, 25]) {
        const res = await api.post<Withdrawal>('/api/v1/wallet/withdrawals', { token, body: { amount: { amount, currency: 'CNY' } } });
        assert.equal(res.status, 201, res.text);
        assert.deepEqual(Object.keys(res.body).sort(), ['amount', 'id', 'status']);
        assert.equal(res.body.status, 'succeeded');
        assert.deepEqual(res.body.amount, { amount, currency: 'CNY' });
        withdrawals.push(res.body);
      }
      assert.equal(await available(api, token, 'CNY'), 625);

      const all = await ledger(token, 'currency=CNY&limit=100');
      assert.deepEqual(
        all.items.map((e) => [e.type, e.amount.amount, e.balanceAfter]),
        [
          ['withdrawal', -25, 625],
          ['withdrawal', -50, 650],
          ['withdrawal', -200, 700],
          ['withdrawal', -100, 900],
          ['recharge', 1000, 1000],
        ],
        'newest first, signed amounts, balance after each',
      );
      assert.equal(
        all.items.reduce((sum, e) => sum + e.amount.amount, 0),
        625,
        'all entries sum to available',
      );
      assert.ok(all.items[0]?.reference.includes(withdrawals[3]?.id ?? '?'), 'the newest entry is the last withdrawal');

      const seen: string[] = [];
      let cursor: string | null = null;
      const pageSizes: number[] = [];
      do {
        const page: Page<LedgerEntry> = await ledger(token, `currency=CNY&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        pageSizes.push(page.items.length);
        seen.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor !== null && pageSizes.length < 10);
      assert.deepEqual(pageSizes, [2, 2, 1]);
      assert.deepEqual(seen, all.items.map((e) => e.id), 'pages cover the ledger once, in order');
      assert.equal((await ledger(token, 'currency=CNY&limit=5')).nextCursor, null, 'no next page when exactly full');

      assertProblem(await api.get('/api/v1/wallet/ledger?currency=CNY&limit=0', { token }), 400, 'validation_failed', 'limit 0');
      assertProblem(await api.get('/api/v1/wallet/ledger?currency=CNY&limit=101', { token }), 400, 'validation_failed', 'limit 101');
      assertProblem(await api.get('/api/v1/wallet/ledger?currency=EUR', { token }), 400, 'validation_failed', 'currency not enabled');
    });

    it('a withdrawal above available → 409 insufficient_funds and nothing changes', async () => {
      const user = await api.register('w_poor');
      const token = user.accessToken;
      await fund(api, token, { amount: 500, currency: 'CNY' });
      assertProblem(await api.post('/api/v1/wallet/withdrawals', { token, body: { amount: { amount: 501, currency: 'CNY' } } }), 409, 'insufficient_funds', 'over');
      assertProblem(await api.post('/api/v1/wallet/withdrawals', { token, body: { amount: { amount: 1, currency: 'USD' } } }), 409, 'insufficient_funds', 'empty currency');
      assert.equal(await available(api, token, 'CNY'), 500);
      assert.equal(await rowsOf('wallet_withdrawals', user.user.id), 0);
      assert.equal((await ledger(token, 'currency=CNY')).items.length, 1);
      const exact = await api.post('/api/v1/wallet/withdrawals', { token, body: { amount: { amount: 500, currency: 'CNY' } } });
      assert.equal(exact.status, 201, 'the whole balance can be withdrawn');
      assert.equal(await available(api, token, 'CNY'), 0);
    });

    it('bad input on recharges and withdrawals → 400 problem, nothing changes', async () => {
      const user = await api.register('w_bad');
      const token = user.accessToken;
      await fund(api, token, { amount: 10_000, currency: 'CNY' });
      const intentsBefore = await rowsOf('payments_intents', user.user.id);
      const bodies: [string, unknown][] = [
        ['missing amount', {}],
        ['amount null', { amount: null }],
        ['bare number', { amount: 100 }],
        ['float amount', { amount: { amount: 10.5, currency: 'CNY' } }],
        ['string amount', { amount: { amount: '100', currency: 'CNY' } }],
        ['negative amount', { amount: { amount: -100, currency: 'CNY' } }],
        ['zero amount', { amount: { amount: 0, currency: 'CNY' } }],
        ['currency not enabled', { amount: { amount: 100, currency: 'EUR' } }],
        ['lowercase currency', { amount: { amount: 100, currency: 'cny' } }],
        ['missing currency', { amount: { amount: 100 } }],
        ['unknown top-level field', { amount: { amount: 100, currency: 'CNY' }, note: 'x' }],
        ['unknown money field', { amount: { amount: 100, currency: 'CNY', scale: 2 } }],
      ];
      for (const path of ['/api/v1/wallet/recharges', '/api/v1/wallet/withdrawals']) {
        for (const [name, body] of bodies) assertProblem(await api.post(path, { token, body }), 400, 'validation_failed', `${path} ${name}`);
        assertProblem(await api.post(path, { token, raw: '{"amount":' }), 400, 'validation_failed', `${path} malformed JSON`);
      }
      assert.equal(await available(api, token, 'CNY'), 10_000);
      assert.equal(await rowsOf('wallet_withdrawals', user.user.id), 0);
      assert.equal(await rowsOf('wallet_recharges', user.user.id), 1, 'only the funding recharge');
      assert.equal(await rowsOf('payments_intents', user.user.id), intentsBefore);
      assert.equal((await ledger(token, 'currency=CNY')).items.length, 1);
      assertProblem(await api.post('/api/v1/wallet/withdrawals', { body: { amount: { amount: 1, currency: 'CNY' } } }), 401, 'unauthorized', 'no token');
    });

    it('30 concurrent withdrawals of 100 against 1,000 → exactly 10 succeed, balance 0', async () => {
      const user = await api.register('w_race');
      const token = user.accessToken;
      await fund(api, token, { amount: 1000, currency: 'CNY' });
      const results = await Promise.all(
        Array.from({ length: 30 }, () => api.post<Withdrawal>('/api/v1/wallet/withdrawals', { token, body: { amount: { amount: 100, currency: 'CNY' } } })),
      );
      const ok = results.filter((r) => r.status === 201);
      const refused = results.filter((r) => r.status === 409 && (r.body as unknown as { code: string }).code === 'insufficient_funds');
      assert.equal(ok.length, 10, `statuses: ${results.map((r) => r.status).join(',')}`);
      assert.equal(refused.length, 20, 'every other one is refused with insufficient_funds');
      assert.equal(new Set(ok.map((r) => r.body.id)).size, 10);
      assert.equal(await available(api, token, 'CNY'), 0);
      assert.equal(await rowsOf('wallet_withdrawals', user.user.id), 10);
      const lines = await ledger(token, 'currency=CNY&limit=100');
      assert.equal(lines.items.filter((e) => e.type === 'withdrawal').length, 10);
      assert.deepEqual(
        lines.items.map((e) => e.balanceAfter),
        [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000],
        'every withdrawal saw the one before it',
      );
    });

    it('50 concurrent identical withdrawals with one Idempotency-Key → exactly one withdrawal', async () => {
      const user = await api.register('w_idem');
      const token = user.accessToken;
      await fund(api, token, { amount: 10_000, currency: 'CNY' });
      const request = { token, body: { amount: { amount: 100, currency: 'CNY' } }, headers: { 'idempotency-key': 'withdraw-once' } };
      const results = await Promise.all(Array.from({ length: 50 }, () => api.post<Withdrawal>('/api/v1/wallet/withdrawals', request)));
      const created = results.filter((r) => r.status === 201);
      const inUse = results.filter((r) => r.status === 409 && (r.body as unknown as { code: string }).code === 'idempotency_key_in_use');
      assert.equal(created.length + inUse.length, 50, `only 201 or 409 in use: ${[...new Set(results.map((r) => `${r.status} ${r.text}`))].join(' | ')}`);
      assert.ok(created.length >= 1);
      assert.equal(new Set(created.map((r) => r.text)).size, 1, 'every 201 carries the same body');
      assert.equal(created.filter((r) => r.headers['idempotent-replayed'] !== 'true').length, 1, 'one original, the other 201s are replays');
      assert.equal(await rowsOf('wallet_withdrawals', user.user.id), 1);
      assert.equal(await available(api, token, 'CNY'), 9_900);
      const again = await api.post<Withdrawal>('/api/v1/wallet/withdrawals', request);
      assert.equal(again.status, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.text, created[0]?.text);
      assert.equal(await rowsOf('wallet_withdrawals', user.user.id), 1, 'a later replay does not withdraw either');
      const other = await api.post('/api/v1/wallet/withdrawals', { ...request, body: { amount: { amount: 200, currency: 'CNY' } } });
      assertProblem(other, 422, 'idempotency_key_reused', 'same key, another body');
      assert.equal(await available(api, token, 'CNY'), 9_900);
    });

    it('audit is clean afterwards', async () => {
      await assertAuditClean(t);
    });
  });
}
