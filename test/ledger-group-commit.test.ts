import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { AppError } from '../src/platform/http/index.js';
import type { WalletService } from '../src/modules/wallet/index.js';
import { client, type Client } from './support/client.js';
import { MODES, startTestApp, type TestApp } from './support/harness.js';
import { assertAuditClean, fund } from './support/wallet-helpers.js';

// Bookings made outside a transaction are group-committed (many in one statement). These
// tests fire them concurrently and check that every caller's answer is the truth.

const isRefusal = (error: unknown) => error instanceof AppError && error.code === 'insufficient_funds';

type Outcome = { booked: boolean } | { refused: true };

async function settle(calls: Promise<{ booked: boolean }>[]): Promise<Outcome[]> {
  const results = await Promise.allSettled(calls);
  return results.map((r) => {
    if (r.status === 'fulfilled') return { booked: r.value.booked };
    assert.ok(isRefusal(r.reason), `only insufficient_funds may refuse, got ${String(r.reason)}`);
    return { refused: true };
  });
}

const booked = (outcomes: Outcome[]) => outcomes.filter((o) => 'booked' in o && o.booked).length;

for (const mode of MODES) {
  describe(`ledger group commit under concurrency (${mode})`, () => {
    let t: TestApp;
    let api: Client;
    let wallet: WalletService;
    before(async () => {
      t = await startTestApp(mode);
      api = client(t.app.http);
      wallet = t.app.modules.wallet;
    });
    after(async () => t.close());

    it('30 concurrent freezes of 100 against 1,000 → exactly 10 booked, 20 refused', async () => {
      const user = await api.register('gc_freezer');
      await fund(api, user.accessToken, { amount: 1_000, currency: 'CNY' });
      const db = t.app.platform.database.db;
      const outcomes = await settle(Array.from({ length: 30 }, (_, i) => wallet.freeze(db, user.user.id, { amount: 100, currency: 'CNY' }, `gc:freeze:${i}`)));
      assert.equal(booked(outcomes), 10);
      assert.equal(outcomes.filter((o) => 'refused' in o).length, 20);
      const view = await wallet.getWallet(user.user.id);
      assert.deepEqual(view.accounts.find((a) => a.currency === 'CNY'), { currency: 'CNY', available: 0, frozen: 1_000 });
    });

    it('one reference submitted 20 times at once books once', async () => {
      const user = await api.register('gc_repeater');
      await fund(api, user.accessToken, { amount: 500, currency: 'CNY' });
      const db = t.app.platform.database.db;
      const outcomes = await settle(Array.from({ length: 20 }, () => wallet.freeze(db, user.user.id, { amount: 50, currency: 'CNY' }, 'gc:same-reference')));
      assert.equal(booked(outcomes), 1);
      assert.equal((await wallet.getWallet(user.user.id)).accounts.find((a) => a.currency === 'CNY')?.frozen, 50);
    });

    it("50 concurrent releases of 100 from an order holding 1,000 → exactly 10; escrow never overdrawn", async () => {
      const buyer = await api.register('gc_buyer');
      const seller = await api.register('gc_seller');
      await fund(api, buyer.accessToken, { amount: 1_000, currency: 'JPY' });
      const db = t.app.platform.database.db;
      await wallet.payToEscrow(db, buyer.user.id, { amount: 1_000, currency: 'JPY' }, 'gc:pay', 'gc-order');
      const outcomes = await settle(Array.from({ length: 50 }, (_, i) => wallet.release(db, seller.user.id, { amount: 100, currency: 'JPY' }, `gc:release:${i}`, 'gc-order')));
      assert.equal(booked(outcomes), 10);
      assert.equal((await wallet.getWallet(seller.user.id)).accounts.find((a) => a.currency === 'JPY')?.available, 1_000);
      await assertAuditClean(t);
    });

    it('a batch whose running balance would dip below zero at one step is not booked as it stands', async () => {
      const user = await api.register('gc_dipper');
      const other = await api.register('gc_starter');
      await fund(api, user.accessToken, { amount: 200, currency: 'CNY' });
      await fund(api, other.accessToken, { amount: 10, currency: 'CNY' });
      const db = t.app.platform.database.db;
      await wallet.freeze(db, user.user.id, { amount: 100, currency: 'CNY' }, 'gc:dip:setup'); // available 100, frozen 100
      // The first booking keeps the writer busy, so the next two share one batch, in this order:
      // freeze 150 (available 100 → -50 at its turn), then unfreeze 100 (→ 50). The totals end
      // non-negative, but the first step may not be booked as if it had happened.
      const starter = wallet.freeze(db, other.user.id, { amount: 1, currency: 'CNY' }, 'gc:dip:starter');
      const dip = wallet.freeze(db, user.user.id, { amount: 150, currency: 'CNY' }, 'gc:dip:freeze');
      const refill = wallet.unfreeze(db, user.user.id, { amount: 100, currency: 'CNY' }, 'gc:dip:unfreeze');
      await starter;
      await settle([dip, refill]);
      const rows = await sql<{ balance_after: number }>`
        select p.balance_after from wallet_postings p join wallet_accounts a on a.id = p.account_id
        where a.owner = ${`user:${user.user.id}`}`.execute(db);
      assert.ok(rows.rows.every((r) => r.balance_after >= 0), `no posting shows a negative balance: ${rows.rows.map((r) => r.balance_after).join(',')}`);
      await assertAuditClean(t);
    });

    it('random concurrent bookings: balances are exactly the booked ones, running balances never negative, audit clean', async () => {
      const db = t.app.platform.database.db;
      const users = await Promise.all(['gc_r1', 'gc_r2', 'gc_r3', 'gc_r4'].map((name) => api.register(name)));
      for (const user of users) await fund(api, user.accessToken, { amount: 1_000, currency: 'USD' });
      const expected = new Map(users.map((u) => [u.user.id, { available: 1_000, frozen: 0 }]));
      const ops = Array.from({ length: 240 }, (_, i) => {
        const user = users[i % users.length];
        if (!user) throw new Error('no user');
        const amount = 1 + ((i * 37) % 400);
        const kind = i % 3 === 0 ? 'unfreeze' : 'freeze';
        return { userId: user.user.id, amount, kind, reference: `gc:random:${i}` } as const;
      });
      const outcomes = await settle(
        ops.map((op) => (op.kind === 'freeze' ? wallet.freeze : wallet.unfreeze)(db, op.userId, { amount: op.amount, currency: 'USD' }, op.reference)),
      );
      ops.forEach((op, i) => {
        const outcome = outcomes[i];
        if (!outcome || !('booked' in outcome) || !outcome.booked) return;
        const balances = expected.get(op.userId);
        if (!balances) return;
        const delta = op.kind === 'freeze' ? op.amount : -op.amount;
        balances.available -= delta;
        balances.frozen += delta;
      });
      assert.ok(booked(outcomes) > 0 && outcomes.some((o) => 'refused' in o), 'both outcomes occurred');
      for (const user of users) {
        const usd = (await wallet.getWallet(user.user.id)).accounts.find((a) => a.currency === 'USD');
        assert.deepEqual({ available: usd?.available, frozen: usd?.frozen }, expected.get(user.user.id), `${user.user.username}: exactly the booked movements`);
      }
      // Each account's postings, in id order, are a consistent running balance that never dips below zero.
      const postings = await sql<{ account_id: number; amount: number; balance_after: number }>`
        select p.account_id, p.amount, p.balance_after from wallet_postings p
        join wallet_accounts a on a.id = p.account_id
        where a.user_id is not null and a.currency = 'USD' order by p.account_id, p.id`.execute(db);
      const last = new Map<number, number>();
      for (const row of postings.rows) {
        const before = last.get(row.account_id) ?? 0;
        assert.equal(row.balance_after, before + row.amount, `account ${row.account_id}: balance_after follows the postings`);
        assert.ok(row.balance_after >= 0, `account ${row.account_id} never below zero`);
        last.set(row.account_id, row.balance_after);
      }
      const references = await db.selectFrom('wallet_transactions').select('reference').where('reference', 'like', 'gc:random:%').execute();
      assert.equal(references.length, booked(outcomes), 'one ledger transaction per booked answer');
      await assertAuditClean(t);
    });
  });
}
