import assert from 'node:assert/strict';
import { auditChecks } from '../../src/app.js';
import { runAudit } from '../../src/platform/audit.js';
import { signWebhook } from '../../src/platform/webhook-signature.js';
import type { Client, Response } from './client.js';
import type { TestApp } from './harness.js';

export interface Money {
  amount: number;
  currency: string;
}

export interface RechargeBody {
  id: string;
  status: 'pending' | 'succeeded' | 'failed';
  amount: Money;
  paymentId: string;
  payUrl?: string;
}

export interface WalletBody {
  accounts: { currency: string; available: number; frozen: number }[];
  points: number;
}

export interface LedgerEntry {
  id: string;
  type: string;
  amount: Money;
  balanceAfter: number;
  reference: string;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
}

export interface WebhookEvent {
  id: string;
  type: 'payment.succeeded' | 'payment.failed';
  data: { paymentId: string; amount: Money };
}

/** The webhook secret the tests configure, so they can sign their own deliveries. */
export const WEBHOOK_SECRET = 'wallet-tests-sandbox-webhook-secret-0123456789';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value (not undefined); fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export function assertProblem(res: Response, status: number, code: string, context = ''): void {
  assert.equal(res.status, status, `${context}: expected ${status} ${code}, got ${res.status} ${res.text}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, `${context}: problem+json`);
  assert.equal((res.body as unknown as Problem).code, code, `${context}: code`);
}

export async function getWallet(api: Client, token: string): Promise<WalletBody> {
  const res = await api.get<WalletBody>('/api/v1/wallet', { token });
  assert.equal(res.status, 200, res.text);
  return res.body;
}

export async function available(api: Client, token: string, currency: string): Promise<number> {
  const account = (await getWallet(api, token)).accounts.find((a) => a.currency === currency);
  assert.ok(account, `an account in ${currency}`);
  return account.available;
}

export async function startRecharge(api: Client, token: string, money: Money): Promise<RechargeBody> {
  const res = await api.post<RechargeBody>('/api/v1/wallet/recharges', { token, body: { amount: money } });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

/** Waits (5 s at most by default) until the recharge has the given status. */
export async function waitForRecharge(api: Client, token: string, id: string, status: RechargeBody['status'], timeoutMs = 5000): Promise<RechargeBody> {
  let last = '';
  try {
    return await waitFor(
      `recharge ${id} to be ${status}`,
      async () => {
        const res = await api.get<RechargeBody>(`/api/v1/wallet/recharges/${id}`, { token });
        last = res.text;
        return res.status === 200 && res.body.status === status ? res.body : undefined;
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; last answer ${last}`);
  }
}

/** Recharges through the sandbox provider (payer presses Pay) and waits until the wallet is credited. */
export async function fund(api: Client, token: string, money: Money): Promise<RechargeBody> {
  const recharge = await startRecharge(api, token, money);
  const paid = await api.post(`/sandbox/api/payments/${recharge.paymentId}/succeed`);
  assert.equal(paid.status, 200, paid.text);
  return waitForRecharge(api, token, recharge.id, 'succeeded');
}

/** Posts a webhook exactly as the provider would, signed with `secret` at `timestamp` (unix seconds). */
export function postWebhook(api: Client, event: WebhookEvent | string, options: { secret?: string; timestamp?: number; signature?: string } = {}): Promise<Response<{ received: boolean; duplicate: boolean }>> {
  const raw = typeof event === 'string' ? event : JSON.stringify(event);
  const signature = options.signature ?? signWebhook(options.secret ?? WEBHOOK_SECRET, raw, options.timestamp ?? Math.floor(Date.now() / 1000));
  return api.post('/api/v1/payments/webhooks/sandbox', { raw, headers: { 'content-type': 'application/json', 'sandbox-signature': signature } });
}

/** `flashmart audit` (I3 and the platform checks) on the test's database: must be clean. */
export async function assertAuditClean(t: TestApp): Promise<void> {
  const report = await runAudit(auditChecks(t.app.platform, t.app.modules));
  assert.ok(report.ok, report.lines.join('\n'));
  assert.ok(report.lines.some((line) => /I3: every account balance equals the sum of its postings/.test(line)), 'the wallet checks ran');
}

/** How many ledger transactions carry this exact business reference. */
export async function ledgerTransactions(t: TestApp, reference: string): Promise<number> {
  const row = await t.app.platform.database.db
    .selectFrom('wallet_transactions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('reference', '=', reference)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const a = copy[i] as T;
    copy[i] = copy[j] as T;
    copy[j] = a;
  }
  return copy;
}
