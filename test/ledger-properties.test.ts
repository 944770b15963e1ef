/**
 * I3 as a property: random sequences of recharge, withdraw, freeze, unfreeze, capture,
 * release, refund (and points) across several users and the three currencies, run through
 * the wallet service on a real database. After EVERY step the balances the service reports
 * equal an in-test model, every platform account agrees with it, no money appeared or
 * vanished in any currency, and the wallet's four I3 audit checks are clean. Replaying a
 * step's reference books nothing; a refused step leaves no trace.
 *
 * The database outlives each run, so every run starts from a snapshot of it. Reproduce a
 * failure with FLASHMART_FC_SEED=<seed> (and FLASHMART_FC_PATH=<path>) as printed; the
 * first failure before shrinking is printed too (shrinking replays against a database an
 * earlier failing run may have left inconsistent).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { auditChecks } from '../src/app.js';
import { runAudit } from '../src/platform/audit.js';
import { inTransaction } from '../src/platform/db/index.js';
import { AppError } from '../src/platform/http/index.js';
import type { Money } from '../src/platform/money/index.js';
import type { LedgerResult } from '../src/modules/wallet/index.js';
import { startTestApp, type Mode, type TestApp } from './support/harness.js';
import { servicesEnabled } from './support/services.js';

const CURRENCIES = ['CNY', 'USD', 'JPY'] as const;
type Currency = (typeof CURRENCIES)[number];
/** Minor units per whole unit (API.md): 1 point per whole unit paid. */
const MINOR: Record<Currency, number> = { CNY: 100, USD: 100, JPY: 1 };
const USERS = 3;
const ORDERS = 3;
const SEED = Number(process.env.FLASHMART_FC_SEED ?? 20_240_611);
const PATH = process.env.FLASHMART_FC_PATH;

type Posting = LedgerResult['postings'][number];

/** How much a step moves: a fixed amount, a share of the source balance, or all of it (+1). */
type Size = { kind: 'abs'; n: number } | { kind: 'pct'; n: number } | { kind: 'edge'; over: 0 | 1 };

type Op =
  | { op: 'recharge'; user: number; currency: Currency; amount: number }
  | { op: 'withdraw' | 'freeze' | 'unfreeze'; user: number; currency: Currency; size: Size }
  | { op: 'capture'; user: number; currency: Currency; size: Size; order: number }
  /** Escrow → a user. Callers never take more out of an order than it holds: a share of it. */
  | { op: 'release' | 'refund'; user: number; currency: Currency; pct: number; order: number }
  | { op: 'points'; user: number; currency: Currency; amount: number };

const user = fc.integer({ min: 0, max: USERS - 1 });
const order = fc.integer({ min: 0, max: ORDERS - 1 });
const currency = fc.constantFrom(...CURRENCIES);
const size: fc.Arbitrary<Size> = fc.oneof(
  fc.record({ kind: fc.constant('abs' as const), n: fc.integer({ min: 1, max: 2_000 }) }),
  fc.record({ kind: fc.constant('pct' as const), n: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant('edge' as const), over: fc.constantFrom<0 | 1>(0, 1) }),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('recharge' as const), user, currency, amount: fc.integer({ min: 1, max: 5_000 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('withdraw' as const), user, currency, size }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('freeze' as const), user, currency, size }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('unfreeze' as const), user, currency, size }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('capture' as const), user, currency, size, order }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('release' as const), user, currency, pct: fc.integer({ min: 1, max: 100 }), order }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('refund' as const), user, currency, pct: fc.integer({ min: 1, max: 100 }), order }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('points' as const), user, currency, amount: fc.integer({ min: 0, max: 1_000 }) }) },
);

function amountOf(spec: Size, balance: number): number {
  if (spec.kind === 'abs') return spec.n;
  if (spec.kind === 'pct') return Math.max(1, Math.ceil((balance * spec.n) / 100));
  return Math.max(1, balance + spec.over);
}

// Model cells: every balance a run can move.
const available = (u: number, c: string) => `available/${u}/${c}`;
const frozen = (u: number, c: string) => `frozen/${u}/${c}`;
const pointsOf = (u: number) => `points/${u}`;
/** Provider and points-issued accounts: shards picked per payment, so tracked as totals. */
const platformTotal = (kind: string, c: string) => `platform/${kind}/${c}`;
/** Escrow accounts one by one: an order's capture, release and refund must hit the same row. */
const escrowAccount = (id: number) => `escrow/${id}`;
const orderCell = (o: number, c: string) => `order/${o}/${c}`;

class Model {
  readonly cells = new Map<string, number>();
  /** The escrow account each order of this run was captured into, per currency. */
  readonly orderAccounts = new Map<string, number>();
  get(key: string): number {
    return this.cells.get(key) ?? 0;
  }
  move(from: string, to: string, amount: number): void {
    this.cells.set(from, this.get(from) - amount);
    this.cells.set(to, this.get(to) + amount);
  }
}

function isInsufficientFunds(error: unknown): boolean {
  return error instanceof AppError && error.code === 'insufficient_funds';
}

const NOTHING = { booked: false, postings: [] };

function ledgerProperty(mode: Mode, numRuns: number, maxSteps: number): void {
  describe(`ledger model property, ${numRuns} runs of up to ${maxSteps} steps (${mode})`, () => {
    let t: TestApp;
    const userIds: string[] = [];
    before(async () => {
      t = await startTestApp(mode);
      for (let i = 0; i < USERS; i++) {
        userIds.push((await t.app.modules.identity.register(`ledger_prop_${i}`, 'ledger-property-pw', '127.0.0.1')).user.id);
      }
    });
    after(async () => t.close());

    it('keeps I3 and the model after every step; replays book nothing; refusals leave no trace', { timeout: 240_000 }, async () => {
      const { wallet } = t.app.modules;
      const sandbox = t.app.modules.sandbox ?? assert.fail('the sandbox provider is off');
      const db = t.app.platform.database.db;
      assert.deepEqual(wallet.currencies, [...CURRENCIES]);
      const walletAudits = t.app.modules.all.find((m) => m.name === 'wallet')?.audits ?? [];
      assert.equal(walletAudits.filter((a) => a.name.startsWith('I3:')).length, 7, 'the wallet module declares its seven I3 checks');
      const uid = (u: number): string => userIds[u] ?? assert.fail(`no user ${u}`);
      const stats = { runs: 0, steps: 0, booked: 0, refused: 0, replays: 0, recharges: 0, withdrawals: 0, escrowMoves: 0 };

      async function platformAccounts() {
        const rows = await sql<{ id: number; kind: string; currency: string; balance: number }>`
          select id, kind, currency, balance from wallet_accounts where user_id is null`.execute(db);
        return rows.rows;
      }

      /** Reads every balance the model tracks from the database (the start of a run). */
      async function snapshot(): Promise<Model> {
        const model = new Model();
        for (let u = 0; u < USERS; u++) {
          const view = await wallet.getWallet(uid(u));
          for (const a of view.accounts) {
            model.cells.set(available(u, a.currency), a.available);
            model.cells.set(frozen(u, a.currency), a.frozen);
          }
          model.cells.set(pointsOf(u), view.points);
        }
        for (const row of await platformAccounts()) {
          if (row.kind === 'escrow') model.cells.set(escrowAccount(row.id), row.balance);
          else model.cells.set(platformTotal(row.kind, row.currency), model.get(platformTotal(row.kind, row.currency)) + row.balance);
        }
        return model;
      }

      async function referenceCount(reference: string): Promise<number> {
        const row = await sql<{ n: number }>`select count(*)::int8 as n from wallet_transactions where reference = ${reference}`.execute(db);
        return row.rows[0]?.n ?? -1;
      }

      /** The whole comparison: service view = model, platform accounts = model, conservation, audits clean. */
      async function check(model: Model, where: string): Promise<void> {
        for (let u = 0; u < USERS; u++) {
          assert.deepEqual(
            await wallet.getWallet(uid(u)),
            {
              accounts: CURRENCIES.map((c) => ({ currency: c, available: model.get(available(u, c)), frozen: model.get(frozen(u, c)) })),
              points: model.get(pointsOf(u)),
            },
            `${where}: wallet of user ${u}`,
          );
        }
        const totals = new Map<string, number>();
        for (const row of await platformAccounts()) {
          if (row.kind === 'escrow') assert.equal(row.balance, model.get(escrowAccount(row.id)), `${where}: escrow account ${row.id} (${row.currency})`);
          else totals.set(platformTotal(row.kind, row.currency), (totals.get(platformTotal(row.kind, row.currency)) ?? 0) + row.balance);
        }
        for (const [key, total] of totals) assert.equal(total, model.get(key), `${where}: ${key}`);
        const sums = await sql<{ currency: string; total: number }>`select currency, sum(balance)::int8 as total from wallet_accounts group by currency`.execute(db);
        assert.ok(sums.rows.length >= CURRENCIES.length, `${where}: every currency has accounts`);
        for (const row of sums.rows) assert.equal(row.total, 0, `${where}: money appeared or vanished in ${row.currency}`);
        for (const audit of walletAudits) assert.deepEqual(await audit.run(), [], `${where}: ${audit.name}`);
      }

      /** The real recharge flow: intent → the sandbox payer pays → signed webhook → job credits. */
      async function recharge(userId: string, money: Money): Promise<void> {
        const created = await wallet.createRecharge(userId, money);
        await sandbox.service.decide(created.paymentId, 'succeeded');
        const deadline = Date.now() + 15_000;
        for (;;) {
          const status = (await wallet.getRecharge(userId, created.id))?.status;
          if (status === 'succeeded') return;
          assert.ok(status === 'pending' && Date.now() < deadline, `recharge ${created.id} ended ${status ?? 'missing'}`);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }

      async function runStep(model: Model, run: string, i: number, step: Op): Promise<void> {
        const where = `${run} step ${i} ${JSON.stringify(step)}`;
        const reference = `prop:${run}:${i}:${step.op}`;
        const u = step.user;
        const c = step.currency;
        const userId = uid(u);
        const mine = `user:${userId}`;
        const money = (amount: number): Money => ({ amount, currency: c });

        if (step.op === 'recharge') {
          await recharge(userId, money(step.amount));
          model.move(platformTotal('provider', c), available(u, c), step.amount);
          stats.recharges++;
          return;
        }

        if (step.op === 'withdraw') {
          const amount = amountOf(step.size, model.get(available(u, c)));
          const count = async () => (await sql<{ n: number }>`select count(*)::int8 as n from wallet_withdrawals where user_id = ${userId}`.execute(db)).rows[0]?.n;
          const before = await count();
          if (amount <= model.get(available(u, c))) {
            const done = await wallet.withdraw(userId, money(amount));
            assert.deepEqual({ status: done.status, amount: done.amount }, { status: 'succeeded', amount: money(amount) }, where);
            assert.equal(await referenceCount(`withdrawal:${done.id}`), 1, `${where}: the withdrawal is one ledger transaction`);
            model.move(available(u, c), platformTotal('provider', c), amount);
            stats.withdrawals++;
          } else {
            await assert.rejects(wallet.withdraw(userId, money(amount)), isInsufficientFunds, `${where}: overdraft refused`);
            assert.equal(await count(), before, `${where}: a refused withdrawal leaves no record`);
            stats.refused++;
          }
          return;
        }

        if (step.op === 'points') {
          const points = Math.floor(step.amount / MINOR[c]);
          const credit = (paid: number) => inTransaction(db, (tx) => wallet.creditPoints(tx, userId, money(paid), reference));
          const result = await credit(step.amount);
          if (points === 0) {
            assert.equal(result, undefined, `${where}: less than one whole unit earns nothing`);
            assert.equal(await referenceCount(reference), 0, `${where}: nothing booked`);
            return;
          }
          assert.equal(result?.booked, true, `${where}: points booked`);
          model.move(platformTotal('points_issued', 'PTS'), pointsOf(u), points);
          assert.deepEqual(
            result.postings.map((p) => [p.kind, p.currency, p.amount]).sort(),
            [['points', 'PTS', points], ['points_issued', 'PTS', -points]],
            `${where}: postings`,
          );
          assert.equal(result.postings.find((p) => p.owner === mine)?.balanceAfter, model.get(pointsOf(u)), `${where}: balance after`);
          assert.deepEqual(await credit(step.amount * 2 + MINOR[c]), NOTHING, `${where}: replay books nothing`);
          stats.booked++;
          stats.replays++;
          return;
        }

        // freeze, unfreeze, capture, release, refund: one ledger transaction under the caller's reference.
        const orderKey = `${run}:order${'order' in step ? step.order : 0}`;
        const held = 'order' in step ? model.get(orderCell(step.order, c)) : 0;
        const knownEscrow = 'order' in step ? model.orderAccounts.get(orderCell(step.order, c)) : undefined;
        let source: string;
        let amount: number;
        let call: (amount: number) => Promise<LedgerResult>;
        /** The legs expected: which account, which model cell it follows, debit or credit. */
        let legs: { owner: string; kind: string; cell: string | undefined; sign: 1 | -1 }[];
        switch (step.op) {
          case 'freeze':
            source = available(u, c);
            amount = amountOf(step.size, model.get(source));
            call = (a) => inTransaction(db, (tx) => wallet.freeze(tx, userId, money(a), reference));
            legs = [{ owner: mine, kind: 'available', cell: source, sign: -1 }, { owner: mine, kind: 'frozen', cell: frozen(u, c), sign: 1 }];
            break;
          case 'unfreeze':
            source = frozen(u, c);
            amount = amountOf(step.size, model.get(source));
            call = (a) => inTransaction(db, (tx) => wallet.unfreeze(tx, userId, money(a), reference));
            legs = [{ owner: mine, kind: 'frozen', cell: source, sign: -1 }, { owner: mine, kind: 'available', cell: available(u, c), sign: 1 }];
            break;
          case 'capture':
            source = frozen(u, c);
            amount = amountOf(step.size, model.get(source));
            call = (a) => inTransaction(db, (tx) => wallet.capture(tx, userId, money(a), reference, orderKey));
            legs = [{ owner: mine, kind: 'frozen', cell: source, sign: -1 }, { owner: 'platform', kind: 'escrow', cell: knownEscrow === undefined ? undefined : escrowAccount(knownEscrow), sign: 1 }];
            break;
          case 'release':
          case 'refund': {
            if (held === 0) return; // nothing held for this order in this currency: no caller moves anything
            assert.ok(knownEscrow !== undefined, `${where}: an order holding money was captured`);
            source = escrowAccount(knownEscrow);
            amount = Math.ceil((held * step.pct) / 100);
            const op = step.op;
            call = (a) => inTransaction(db, (tx) => wallet[op](tx, userId, money(a), reference, orderKey));
            legs = [{ owner: 'platform', kind: 'escrow', cell: source, sign: -1 }, { owner: mine, kind: 'available', cell: available(u, c), sign: 1 }];
            break;
          }
        }

        // Escrow has no floor of its own (a platform account): an order's bound is what it holds.
        const bound = step.op === 'release' || step.op === 'refund' ? held : model.get(source);
        if (amount > bound) {
          await assert.rejects(call(amount), isInsufficientFunds, `${where}: moving ${amount} out of ${bound} is refused`);
          assert.equal(await referenceCount(reference), 0, `${where}: a refused movement leaves no transaction`);
          stats.refused++;
          return;
        }

        const result = await call(amount);
        assert.equal(result.booked, true, `${where}: booked`);
        assert.equal(result.postings.length, 2, `${where}: two postings`);
        const found: Posting[] = [];
        for (const leg of legs) {
          const posting = result.postings.find((p) => p.owner === leg.owner && p.kind === leg.kind);
          assert.ok(posting, `${where}: a posting on ${leg.owner} ${leg.kind}`);
          assert.equal(posting.currency, c, `${where}: posting currency`);
          assert.equal(posting.amount, leg.sign * amount, `${where}: posting amount`);
          if (leg.kind === 'escrow') {
            // capture, release and refund of one order meet in one escrow row
            if (leg.cell === undefined) model.orderAccounts.set(orderCell('order' in step ? step.order : 0, c), posting.accountId);
            else assert.equal(escrowAccount(posting.accountId), leg.cell, `${where}: the order's escrow row`);
            leg.cell = escrowAccount(posting.accountId);
          }
          found.push(posting);
        }
        const [debit, credit] = legs;
        assert.ok(debit?.cell && credit?.cell);
        model.move(debit.cell, credit.cell, amount);
        if ('order' in step) {
          model.cells.set(orderCell(step.order, c), held + (step.op === 'capture' ? amount : -amount));
          stats.escrowMoves++;
        }
        for (const [n, leg] of legs.entries()) assert.equal(found[n]?.balanceAfter, model.get(leg.cell ?? ''), `${where}: balance after on ${leg.owner} ${leg.kind}`);
        stats.booked++;
        // The same reference again, with the same or another amount: booked once, nothing moves.
        assert.deepEqual(await call(amount), NOTHING, `${where}: replay books nothing`);
        assert.deepEqual(await call(amount + 1), NOTHING, `${where}: replay with another amount books nothing`);
        assert.equal(await referenceCount(reference), 1, `${where}: one transaction for the reference`);
        stats.replays += 2;
      }

      let runNo = 0;
      let firstFailure: string | undefined;
      const property = fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: maxSteps, size: 'max' }), async (ops) => {
        const run = `${mode}-run${++runNo}`;
        stats.runs++;
        try {
          const model = await snapshot();
          await check(model, `${run} start`);
          for (const [i, step] of ops.entries()) {
            stats.steps++;
            await runStep(model, run, i, step);
            await check(model, `${run} after step ${i} ${JSON.stringify(step)}`);
          }
          // Once per run: the whole `flashmart audit` (platform checks included).
          const report = await runAudit(auditChecks(t.app.platform, t.app.modules));
          assert.ok(report.ok, report.lines.join('\n'));
        } catch (error) {
          firstFailure ??= `${run} ops=${JSON.stringify(ops)}\n${error instanceof Error ? error.message : String(error)}`;
          throw error;
        }
      });

      const started = Date.now();
      try {
        await fc.assert(property, { seed: SEED, numRuns, ...(PATH ? { path: PATH } : {}) });
      } catch (error) {
        throw new Error(`first failure, before shrinking: ${firstFailure ?? '(none)'}\n\n${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      console.log(`[${mode}] seed ${SEED}: ${JSON.stringify(stats)} in ${Date.now() - started} ms`);
      assert.ok(stats.booked > 0 && stats.refused > 0 && stats.replays > 0 && stats.recharges > 0 && stats.withdrawals > 0 && stats.escrowMoves > 0, `every kind of step ran: ${JSON.stringify(stats)}`);
    });
  });
}

describe('I3 property on PostgreSQL', { skip: servicesEnabled ? false : 'needs PostgreSQL: run with FLASHMART_TEST_SERVICES=1 (npm test sets it when the services answer)' }, () => {
  ledgerProperty('services', 50, 25);
});

// The same property on embedded PGlite, fewer runs (it is slower).
ledgerProperty('embedded', 12, 20);
