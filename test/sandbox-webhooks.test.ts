import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { WebhookSender } from '../src/modules/sandbox/index.js';
import { signWebhook } from '../src/platform/webhook-signature.js';
import { client, type Client } from './support/client.js';
import { MODES, startTestApp, type TestApp } from './support/harness.js';
import {
  WEBHOOK_SECRET,
  assertAuditClean,
  assertProblem,
  available,
  postWebhook,
  shuffle,
  sleep,
  startRecharge,
  waitFor,
  waitForRecharge,
  type LedgerEntry,
  type Page,
  type WebhookEvent,
} from './support/wallet-helpers.js';

const now = (): number => Math.floor(Date.now() / 1000);

function succeededEvent(paymentId: string, amount: number, currency: string, id: string = randomUUID()): WebhookEvent {
  return { id, type: 'payment.succeeded', data: { paymentId, amount: { amount, currency } } };
}

async function webhookEvents(t: TestApp, paymentId: string) {
  return t.app.platform.database.db.selectFrom('payments_webhook_events').selectAll().where('payment_id', '=', paymentId).execute();
}

async function ledgerOf(api: Client, token: string, currency: string): Promise<LedgerEntry[]> {
  const res = await api.get<Page<LedgerEntry>>(`/api/v1/wallet/ledger?currency=${currency}&limit=100`, { token });
  assert.equal(res.status, 200, res.text);
  return res.body.items;
}

for (const mode of MODES) {
  describe(`sandbox webhooks (${mode})`, () => {
    let t: TestApp;
    let api: Client;
    before(async () => {
      t = await startTestApp(mode, { FLASHMART_SANDBOX_WEBHOOK_SECRET: WEBHOOK_SECRET });
      api = client(t.app.http);
    });
    after(async () => t.close());

    it('bad signature, stale timestamp, wrong amount → 400 and no effect; the same event signed right is applied', async () => {
      const user = await api.register('hook_refused');
      const recharge = await startRecharge(api, user.accessToken, { amount: 2500, currency: 'CNY' });
      const event = succeededEvent(recharge.paymentId, 2500, 'CNY');
      const raw = JSON.stringify(event);
      const refusals: [string, ReturnType<typeof postWebhook>][] = [
        ['wrong secret', postWebhook(api, event, { secret: 'not-the-secret-not-the-secret-not-the-secret' })],
        ['garbage signature', postWebhook(api, event, { signature: `t=${now()},v1=${'0'.repeat(64)}` })],
        ['no v1', postWebhook(api, event, { signature: `t=${now()}` })],
        ['empty header', postWebhook(api, event, { signature: '' })],
        ['body changed after signing', postWebhook(api, raw.replace('2500', '2500 '), { signature: signWebhook(WEBHOOK_SECRET, raw, now()) })],
        ['stale by 301 s', postWebhook(api, event, { timestamp: now() - 301 })],
        ['stale by an hour', postWebhook(api, event, { timestamp: now() - 3600 })],
        // 305 s, not 301: the server reads its clock a moment later, which can shave a second off.
        ['305 s in the future', postWebhook(api, event, { timestamp: now() + 305 })],
        ['amount too high', postWebhook(api, succeededEvent(recharge.paymentId, 2501, 'CNY', event.id))],
        ['amount too low', postWebhook(api, succeededEvent(recharge.paymentId, 1, 'CNY', event.id))],
        ['other currency', postWebhook(api, succeededEvent(recharge.paymentId, 2500, 'USD', event.id))],
        ['unknown payment', postWebhook(api, succeededEvent(randomUUID(), 2500, 'CNY', event.id))],
      ];
      for (const [name, pending] of refusals) assertProblem(await pending, 400, 'validation_failed', name);
      assert.deepEqual(await webhookEvents(t, recharge.paymentId), [], 'no refused event was recorded');
      await sleep(1000);
      assert.equal((await api.get<{ status: string }>(`/api/v1/wallet/recharges/${recharge.id}`, { token: user.accessToken })).body.status, 'pending');
      assert.equal(await available(api, user.accessToken, 'CNY'), 0);

      // The same event id, signed right and 250 s old (inside the tolerance): applied once.
      const accepted = await postWebhook(api, event, { timestamp: now() - 250 });
      assert.equal(accepted.status, 200, accepted.text);
      assert.deepEqual(accepted.body, { received: true, duplicate: false });
      await waitForRecharge(api, user.accessToken, recharge.id, 'succeeded');
      assert.equal(await available(api, user.accessToken, 'CNY'), 2500);
    });

    it('the same valid event delivered 5 times in random order, concurrently → credited once', async () => {
      const user = await api.register('hook_replayed');
      const token = user.accessToken;
      const cny = await startRecharge(api, token, { amount: 1111, currency: 'CNY' });
      const usd = await startRecharge(api, token, { amount: 2222, currency: 'USD' });
      const events = [succeededEvent(cny.paymentId, 1111, 'CNY'), succeededEvent(usd.paymentId, 2222, 'USD')];
      const deliveries = shuffle(events.flatMap((event) => Array.from({ length: 5 }, () => event)));
      const answers = await Promise.all(deliveries.map(async (event) => ({ event, res: await postWebhook(api, event) })));
      for (const event of events) {
        const mine = answers.filter((a) => a.event.id === event.id);
        assert.equal(mine.length, 5);
        assert.ok(
          mine.every((a) => a.res.status === 200),
          mine.map((a) => a.res.text).join(' | '),
        );
        assert.equal(mine.filter((a) => !a.res.body.duplicate).length, 1, 'one first delivery');
        assert.equal(mine.filter((a) => a.res.body.duplicate).length, 4, 'four replays answer duplicate:true');
      }
      await waitForRecharge(api, token, cny.id, 'succeeded');
      await waitForRecharge(api, token, usd.id, 'succeeded');
      await sleep(1000);
      assert.equal(await available(api, token, 'CNY'), 1111);
      assert.equal(await available(api, token, 'USD'), 2222);
      assert.deepEqual((await ledgerOf(api, token, 'CNY')).map((e) => [e.type, e.amount.amount]), [['recharge', 1111]]);
      assert.deepEqual((await ledgerOf(api, token, 'USD')).map((e) => [e.type, e.amount.amount]), [['recharge', 2222]]);
      assert.equal((await webhookEvents(t, cny.paymentId)).length, 1, 'one inbox row per event id');

      // Another success event for the same, already succeeded payment (the payer presses Pay at
      // the provider too): acknowledged, credits nothing.
      const paid = await api.post(`/sandbox/api/payments/${cny.paymentId}/succeed`);
      assert.equal(paid.status, 200, paid.text);
      const second = await waitFor('the second event to be processed', async () => {
        const rows = await webhookEvents(t, cny.paymentId);
        return rows.length === 2 && rows.every((r) => r.processed_at !== null) ? rows : undefined;
      });
      assert.deepEqual(second.map((r) => r.outcome).sort(), ['ignored', 'succeeded']);
      assert.equal(await available(api, token, 'CNY'), 1111);
    });

    it('the provider retries with back-off (1 s, then 2 s) until a 2xx, and the wallet is credited once', async () => {
      const user = await api.register('hook_retried');
      const recharge = await startRecharge(api, user.accessToken, { amount: 4200, currency: 'JPY' });
      const http = t.app.http;
      const inject: WebhookSender = async (path, headers, body) => (await http.inject({ method: 'POST', url: path, headers, payload: body })).statusCode;
      const tries: { at: number; status: number }[] = [];
      t.app.modules.setWebhookTarget(async (path, headers, body) => {
        if (!body.includes(recharge.paymentId)) return inject(path, headers, body);
        const at = Date.now();
        // Try 1: the platform is down. Try 2: it processes the event but the answer is lost.
        // Try 3: delivered (a replay for the platform by then).
        if (tries.length === 0) {
          tries.push({ at, status: 500 });
          return 500;
        }
        const status = await inject(path, headers, body);
        tries.push({ at, status });
        return tries.length === 2 ? 500 : status;
      });
      try {
        const paid = await api.post(`/sandbox/api/payments/${recharge.paymentId}/succeed`);
        assert.equal(paid.status, 200, paid.text);
        const delivery = await waitFor(
          'the webhook to be delivered',
          async () => {
            const row = await t.app.platform.database.db.selectFrom('sandbox_deliveries').selectAll().where('payment_id', '=', recharge.paymentId).executeTakeFirst();
            return row?.delivered_at ? row : undefined;
          },
          10_000,
        );
        assert.equal(delivery.attempts, 3);
        assert.equal(delivery.last_error, 'HTTP 500');
        assert.equal(delivery.given_up_at, null);
        assert.deepEqual(
          tries.map((x) => x.status),
          [500, 200, 200],
        );
        const [first, secondTry, third] = tries.map((x) => x.at);
        assert.ok(first !== undefined && secondTry !== undefined && third !== undefined);
        assert.ok(secondTry - first >= 900, `first back-off ${secondTry - first} ms`);
        assert.ok(third - secondTry >= 1900, `second back-off ${third - secondTry} ms`);
        assert.ok(third - secondTry < 6000 && secondTry - first < 5000, 'the back-off is not much longer than 1 s and 2 s');
        await waitForRecharge(api, user.accessToken, recharge.id, 'succeeded');
        await sleep(1500);
        assert.equal(tries.length, 3, 'no try after the 2xx');
        assert.equal(await available(api, user.accessToken, 'JPY'), 4200);
        assert.deepEqual((await ledgerOf(api, user.accessToken, 'JPY')).map((e) => e.amount.amount), [4200], 'credited once');
        assert.equal((await webhookEvents(t, recharge.paymentId)).length, 1);
      } finally {
        t.app.modules.setWebhookTarget(inject);
      }
    });

    it('audit is clean afterwards', async () => {
      await assertAuditClean(t);
    });
  });

  describe(`a payment that succeeds after its intent expired is refunded (${mode})`, () => {
    let t: TestApp;
    let api: Client;
    before(async () => {
      t = await startTestApp(mode, { FLASHMART_PAYMENT_TIMEOUT_SECONDS: '1' });
      api = client(t.app.http);
    });
    after(async () => t.close());

    it('expired recharge → failed; the late success is refunded, logged, and nothing is credited', async () => {
      const user = await api.register('late_payer');
      const token = user.accessToken;
      const recharge = await startRecharge(api, token, { amount: 3000, currency: 'CNY' });
      await waitForRecharge(api, token, recharge.id, 'failed', 8000);
      const db = t.app.platform.database.db;
      assert.equal((await t.app.modules.payments.getIntent(db, recharge.paymentId))?.status, 'expired');
      assert.match((await api.get(`/sandbox/pay/${recharge.paymentId}`)).text, /<button class="pay"/, 'the provider still offers to pay');

      const paid = await api.post(`/sandbox/api/payments/${recharge.paymentId}/succeed`);
      assert.equal(paid.status, 200, paid.text);
      await waitFor('the intent to be refunded', async () => ((await t.app.modules.payments.getIntent(db, recharge.paymentId))?.status === 'refunded' ? true : undefined));

      const log = await db.selectFrom('payments_log').select(['from_status', 'to_status', 'note']).where('intent_id', '=', recharge.paymentId).orderBy('id').execute();
      assert.deepEqual(
        log.map((l) => [l.from_status, l.to_status]),
        [
          [null, 'pending'],
          ['pending', 'expired'],
          ['expired', 'refunded'],
        ],
      );
      assert.match(log[2]?.note ?? '', /refund/);
      const sandboxPayment = await db.selectFrom('sandbox_payments').select('status').where('id', '=', recharge.paymentId).executeTakeFirstOrThrow();
      assert.equal(sandboxPayment.status, 'refunded', 'the money went back to the payer at the provider');
      assert.match((await api.get(`/sandbox/pay/${recharge.paymentId}`)).text, /This payment is <strong>refunded<\/strong>/);
      const events = await webhookEvents(t, recharge.paymentId);
      assert.deepEqual(
        events.map((e) => e.outcome),
        ['refunded_late_success'],
      );

      await sleep(500);
      assert.equal((await waitForRecharge(api, token, recharge.id, 'failed', 0)).status, 'failed');
      assert.equal(await available(api, token, 'CNY'), 0, 'the wallet is not credited');
      assert.deepEqual(await ledgerOf(api, token, 'CNY'), []);
    });

    it('audit is clean afterwards', async () => {
      await assertAuditClean(t);
    });
  });
}
