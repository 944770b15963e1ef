/**
 * Issue 3: "The worker process killed with SIGKILL while webhooks are being processed, then
 * restarted → each payment credited exactly once, audit clean."
 *
 * Real processes on one fresh deployment (PostgreSQL + Redis + RabbitMQ): one `api`, one
 * `sandbox` delivering its webhooks over real HTTP to the api, and one `worker` that applies
 * them (payments.apply-webhook jobs). The worker is SIGKILLed twice while it is crediting,
 * restarted, and then every wallet, the ledger, the webhook inbox and `flashmart audit` must
 * show each payment credited exactly once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type pg from 'pg';
import { SERVICES_ONLY, stopwatch, useDeployments } from './support/deployments.js';
import { http, type FlashmartProcess, pool, runFlashmart } from './support/processes.js';
import { sleep } from './support/test-events.js';

const USERS = 20;
const RECHARGES = 60;
const CURRENCIES = ['CNY', 'USD', 'JPY'] as const;
/** Share of recharges credited when each SIGKILL is sent (the second one is best effort). */
const KILL_AT = [0.2, 0.6];
const SETTLE_TIMEOUT_MS = 60_000;
/**
 * Requests in flight at once. Each process's pool opens a PostgreSQL connection per concurrent
 * request (up to 20), and the local server (max_connections 100) is shared with other suites:
 * 8 keeps this test's peak near 30 connections and still fires the 60 payments in well under a second.
 */
const CONCURRENCY = 8;

interface Recharge {
  id: string;
  user: number;
  paymentId: string;
  amount: number;
  currency: string;
}

interface Snapshot {
  succeeded: number;
  pending: number;
  eventsRecorded: number;
  eventsProcessed: number;
  jobsLeft: number;
}

function str(value: unknown, what: string): string {
  assert.equal(typeof value, 'string', `${what} must be a string, got ${JSON.stringify(value)}`);
  return String(value);
}


async function snapshot(db: pg.Client): Promise<Snapshot> {
  const { rows } = await db.query<Snapshot>(`
    select
      (select count(*) from wallet_recharges where status = 'succeeded')::int as succeeded,
      (select count(*) from wallet_recharges where status = 'pending')::int as pending,
      (select count(*) from payments_webhook_events)::int as "eventsRecorded",
      (select count(*) from payments_webhook_events where processed_at is not null)::int as "eventsProcessed",
      (select count(*) from platform_jobs where kind = 'payments.apply-webhook')::int as "jobsLeft"`);
  const row = rows[0];
  assert.ok(row);
  return row;
}


describe('payments: the worker SIGKILLed while applying sandbox webhooks (real processes)', { skip: SERVICES_ONLY }, () => {
  const deployments = useDeployments();

  it('each payment is credited exactly once, and the audit is clean', { timeout: 120_000 }, async (t) => {
    const elapsed = stopwatch();
    const { environment, db: client, start } = await deployments.deploy({});
    const databaseUrl = environment.env.DATABASE_URL ?? '';

    // Each worker names its PostgreSQL sessions, so the test can see when one of its job transactions is open.
    let workers = 0;
    const startWorker = async (): Promise<FlashmartProcess & { appName: string }> => {
      const appName = `chaos-worker-${++workers}`;
      return { ...(await start('worker', { PGAPPNAME: appName })), appName };
    };
    // The api first (the sandbox needs its URL as FLASHMART_PUBLIC_URL), the worker alongside.
    const [api, firstWorker] = await Promise.all([start('api'), startWorker()]);
    const sandbox = await start('sandbox', { FLASHMART_PUBLIC_URL: api.url });
    t.diagnostic(`api, sandbox and worker up after ${elapsed()}`);

    // Users and recharges of various amounts and currencies.
    const tokens = await pool(Array.from({ length: USERS }, (_, i) => i), CONCURRENCY, async (i) => {
      const reg = await http('POST', `${api.url}/api/v1/auth/register`, { body: { username: `chaos_payer_${i}`, password: `payer-password-${i}` } });
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      return str(reg.body.accessToken, 'accessToken');
    });
    const recharges = await pool(Array.from({ length: RECHARGES }, (_, i) => i), CONCURRENCY, async (i): Promise<Recharge> => {
      const user = i % USERS;
      const currency = CURRENCIES[(i * 7 + Math.floor(i / USERS)) % CURRENCIES.length] ?? 'CNY';
      const amount = 1 + ((i * 7_919 + 13) % 50_000);
      const res = await http('POST', `${api.url}/api/v1/wallet/recharges`, { token: tokens[user], body: { amount: { amount, currency } } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.status, 'pending');
      return { id: str(res.body.id, 'recharge id'), user, paymentId: str(res.body.paymentId, 'paymentId'), amount, currency };
    });
    t.diagnostic(`${USERS} users, ${RECHARGES} recharges created after ${elapsed()}`);

    // Every payer pays, as fast as possible: the sandbox queues 60 webhooks and delivers them over HTTP.
    const paid = await pool(recharges, CONCURRENCY, (r) => http('POST', `${sandbox.url}/sandbox/api/payments/${r.paymentId}/succeed`));
    for (const res of paid) assert.equal(res.status, 200, `${JSON.stringify(res.body)}\n${sandbox.output()}`);
    t.diagnostic(`all ${RECHARGES} payments succeeded at the sandbox after ${elapsed()}`);

    // SIGKILL the worker while it is crediting: when a share of the recharges is credited.
    let worker = firstWorker;
    const atKill: Snapshot[] = [];
    for (const [round, share] of KILL_AT.entries()) {
      const threshold = Math.max(Math.ceil(RECHARGES * share), (atKill[round - 1]?.succeeded ?? 0) + 1);
      const deadline = Date.now() + 30_000;
      let now = await snapshot(client);
      while (now.succeeded < threshold && Date.now() < deadline) {
        await sleep(5);
        now = await snapshot(client);
      }
      if (now.succeeded >= RECHARGES) {
        assert.ok(round > 0, `the worker credited all ${RECHARGES} recharges before the first SIGKILL could land`);
        t.diagnostic(`kill ${round + 1} skipped: the restarted worker finished first`);
        break;
      }
      assert.ok(now.succeeded >= threshold, `worker ${round + 1} credited only ${now.succeeded} recharges in 30 s:\n${worker.output()}`);
      // Aim the SIGKILL into a job: up to 2 s for a moment when the worker holds a transaction with
      // a transaction id (a claimed job's row lock or a write), then kill at once, caught or not.
      let midTransaction = false;
      const aimUntil = Date.now() + 2_000;
      while (!midTransaction && Date.now() < aimUntil) {
        const open = await client.query<{ n: number }>(
          `select count(*)::int as n from pg_stat_activity where application_name = $1 and backend_xid is not null`,
          [worker.appName],
        );
        midTransaction = (open.rows[0]?.n ?? 0) > 0;
      }
      await worker.stop('SIGKILL');
      assert.equal(worker.child.signalCode, 'SIGKILL', 'the worker died of SIGKILL');
      // Nothing credits recharges but the worker: this is the state it left behind.
      const left = await snapshot(client);
      atKill.push(left);
      t.diagnostic(`SIGKILL ${round + 1} after ${elapsed()}${midTransaction ? ', a job transaction open' : ''}: ${JSON.stringify(left)}`);
      worker = await startWorker();
      t.diagnostic(`worker restarted after ${elapsed()}`);
    }

    const first = atKill[0];
    assert.ok(first, 'the worker was killed at least once');
    assert.ok(first.succeeded >= 1, 'at least one recharge was credited before the kill');
    assert.ok(first.pending >= 1, 'at least one recharge was still pending when the worker was killed');

    // Bounded wait, through the API, until every recharge is credited.
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    let pending = recharges;
    while (pending.length > 0) {
      const statuses = await pool(pending, CONCURRENCY, async (r) => {
        const res = await http('GET', `${api.url}/api/v1/wallet/recharges/${r.id}`, { token: tokens[r.user] });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.notEqual(res.body.status, 'failed', `recharge ${r.id} failed`);
        return res.body.status;
      });
      pending = pending.filter((_, i) => statuses[i] !== 'succeeded');
      if (pending.length === 0) break;
      // Every webhook recorded and marked processed, no job left, yet a recharge pending: its credit is lost for good.
      const now = await snapshot(client);
      const stuck = now.eventsRecorded === RECHARGES && now.eventsProcessed === RECHARGES && now.jobsLeft === 0;
      assert.ok(!stuck || now.pending === 0, `credits lost: every webhook is marked processed but ${now.pending} recharge(s) stay pending: ${JSON.stringify(now)}`);
      if (Date.now() > deadline) {
        assert.fail(`${pending.length} recharge(s) still pending after ${SETTLE_TIMEOUT_MS} ms: ${JSON.stringify(await snapshot(client))}\n${worker.output()}`);
      }
      await sleep(250);
    }
    t.diagnostic(`every recharge succeeded after ${elapsed()}`);

    // Every wallet holds exactly the sum of its owner's recharges, per currency.
    for (let user = 0; user < USERS; user++) {
      const wallet = await http('GET', `${api.url}/api/v1/wallet`, { token: tokens[user] });
      assert.equal(wallet.status, 200);
      const accounts = wallet.body.accounts as { currency: string; available: number; frozen: number }[];
      for (const currency of CURRENCIES) {
        const expected = recharges.filter((r) => r.user === user && r.currency === currency).reduce((sum, r) => sum + r.amount, 0);
        const account = accounts.find((a) => a.currency === currency);
        assert.deepEqual(account, { currency, available: expected, frozen: 0 }, `user ${user} ${currency}`);
      }
    }

    // The ledger booked one recharge transaction per recharge; the inbox is fully processed.
    const ledger = await client.query<{ n: number; distinct: number }>(
      `select count(*)::int as n, count(distinct reference)::int as distinct from wallet_transactions where reference like 'recharge:%'`,
    );
    assert.deepEqual(ledger.rows[0], { n: RECHARGES, distinct: RECHARGES });
    const credited = await client.query<{ reference: string; credit: string }>(`
      select t.reference, sum(p.amount)::text as credit from wallet_transactions t
      join wallet_postings p on p.transaction_id = t.id join wallet_accounts a on a.id = p.account_id
      where t.reference like 'recharge:%' and a.user_id is not null group by t.reference`);
    const byReference = new Map(credited.rows.map((row) => [row.reference, Number(row.credit)]));
    for (const r of recharges) assert.equal(byReference.get(`recharge:${r.id}`), r.amount, `recharge ${r.id} credited its amount once`);
    const events = await client.query<{ n: number; unprocessed: number; succeeded: number; payments: number }>(`
      select count(*)::int as n, count(*) filter (where processed_at is null)::int as unprocessed,
             count(*) filter (where outcome = 'succeeded')::int as succeeded, count(distinct payment_id)::int as payments
      from payments_webhook_events`);
    assert.deepEqual(events.rows[0], { n: RECHARGES, unprocessed: 0, succeeded: RECHARGES, payments: RECHARGES });
    const final = await snapshot(client);
    assert.equal(final.jobsLeft, 0, 'no apply-webhook job is left');
    const intents = await client.query<{ status: string; n: number }>(`select status, count(*)::int as n from payments_intents group by status`);
    assert.deepEqual(intents.rows, [{ status: 'succeeded', n: RECHARGES }]);

    // flashmart audit (I1, I3, I7) against that database.
    const audit = runFlashmart(['audit'], { DATABASE_URL: databaseUrl });
    assert.equal(audit.code, 0, audit.output);
    assert.match(audit.output, /audit clean/);
    t.diagnostic(`kills: ${atKill.length}; done after ${elapsed()}`);
  });
});
