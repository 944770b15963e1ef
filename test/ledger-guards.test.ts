/**
 * The database is the ledger's last line of defence (I3): whatever SQL reaches it, the
 * ledger stays append-only, every ledger transaction balances per currency with two or more
 * postings, no user balance goes below zero, a reference books once however many callers
 * race, and what the schema cannot refuse (a balance edited behind the ledger's back)
 * `flashmart audit` reports precisely.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql, type RawBuilder } from 'kysely';
import { startApp, type RunningApp } from '../src/app.js';
import { loadConfig } from '../src/platform/config.js';
import { inTransaction, openDatabase, type Db } from '../src/platform/db/index.js';
import { AppError } from '../src/platform/http/index.js';
import type { Money } from '../src/platform/money/index.js';
import { MODES, createTestDatabase, startTestApp, type Mode, type TestApp } from './support/harness.js';
import { runFlashmart } from './support/processes.js';



interface DbError {
  code?: string;
  constraint?: string;
  message: string;
}

/** A refusal by the database with this SQLSTATE (and message), not any error. */
function refusedWith(code: string, message: RegExp, constraint?: string) {
  return (error: unknown): boolean => {
    const e = error as DbError;
    assert.equal(e.code, code, `SQLSTATE of: ${e.message}`);
    assert.match(e.message, message);
    if (constraint !== undefined) assert.equal(e.constraint, constraint);
    return true;
  };
}

async function one<T>(query: Promise<{ rows: T[] }>): Promise<T> {
  return (await query).rows[0] ?? assert.fail('no row');
}

/** A fingerprint of everything in the ledger tables: any change to an existing row shows. */
async function ledgerFingerprint(db: Db) {
  return one(
    sql<{ transactions: number; postings: number; tx_digest: string | null; posting_digest: string | null }>`
      select (select count(*)::int8 from wallet_transactions) as transactions,
             (select count(*)::int8 from wallet_postings) as postings,
             (select md5(string_agg(id || '/' || reference || '/' || type, ',' order by id)) from wallet_transactions) as tx_digest,
             (select md5(string_agg(id || '/' || transaction_id || '/' || account_id || '/' || amount || '/' || balance_after, ',' order by id)) from wallet_postings) as posting_digest`.execute(db),
  );
}

async function accountId(db: Db, owner: string, kind: string, currency: string, shard = 0): Promise<{ id: number; balance: number }> {
  return one(sql<{ id: number; balance: number }>`select id, balance from wallet_accounts where owner = ${owner} and kind = ${kind} and currency = ${currency} and shard = ${shard}`.execute(db));
}

async function referenceCount(db: Db, reference: string): Promise<number> {
  return (await one(sql<{ n: number }>`select count(*)::int8 as n from wallet_transactions where reference = ${reference}`.execute(db))).n;
}

/** The real recharge flow: the sandbox payer pays, the signed webhook is applied by a job. */
async function recharge(app: RunningApp, userId: string, money: Money): Promise<void> {
  const sandbox = app.modules.sandbox ?? assert.fail('the sandbox provider is off');
  const created = await app.modules.wallet.createRecharge(userId, money);
  await sandbox.service.decide(created.paymentId, 'succeeded');
  const deadline = Date.now() + 15_000;
  while ((await app.modules.wallet.getRecharge(userId, created.id))?.status !== 'succeeded') {
    assert.ok(Date.now() < deadline, `recharge ${created.id} was not credited`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function walletAuditViolations(app: RunningApp): Promise<string[]> {
  const audits = app.modules.all.find((m) => m.name === 'wallet')?.audits ?? [];
  assert.equal(audits.length, 7);
  return (await Promise.all(audits.map((a) => a.run()))).flat();
}

/**
 * Books a ledger transaction by hand, bypassing the service: a transaction row and the given
 * postings, in one database transaction. Says whether every statement was accepted (so a
 * refusal can only have come at COMMIT) and what the commit answered.
 */
async function rawBooking(db: Db, reference: string | number, legs: { accountId: number; currency: string; amount: number }[]): Promise<{ statementsAccepted: boolean; error: unknown }> {
  let statementsAccepted = false;
  try {
    await db.transaction().execute(async (tx) => {
      const id =
        typeof reference === 'number'
          ? reference
          : (await one(sql<{ id: number }>`insert into wallet_transactions (reference, type) values (${reference}, 'raw') returning id`.execute(tx))).id;
      for (const leg of legs) {
        await sql`insert into wallet_postings (transaction_id, account_id, currency, amount, balance_after) values (${id}, ${leg.accountId}, ${leg.currency}, ${leg.amount}, 0)`.execute(tx);
      }
      statementsAccepted = true;
    });
    return { statementsAccepted, error: undefined };
  } catch (error) {
    return { statementsAccepted, error };
  }
}

for (const mode of MODES) {
  describe(`the database guards the ledger (${mode})`, () => {
    let t: TestApp;
    let db: Db;
    let alice: string;
    let bob: string;
    /** Two shards of the platform's CNY provider account and one USD one: targets for raw postings. */
    let providerA: number;
    let providerB: number;
    let providerUsd: number;
    before(async () => {
      t = await startTestApp(mode);
      db = t.app.platform.database.db;
      alice = (await t.app.modules.identity.register('guard_alice', 'guard-password-1', '127.0.0.1')).user.id;
      bob = (await t.app.modules.identity.register('guard_bob', 'guard-password-1', '127.0.0.1')).user.id;
      await recharge(t.app, alice, { amount: 10_000, currency: 'CNY' });
      await inTransaction(db, (tx) => t.app.modules.wallet.freeze(tx, alice, { amount: 1_000, currency: 'CNY' }, 'guard:freeze:setup'));
      providerA = (await accountId(db, 'platform', 'provider', 'CNY', 0)).id;
      providerB = (await accountId(db, 'platform', 'provider', 'CNY', 1)).id;
      providerUsd = (await accountId(db, 'platform', 'provider', 'USD', 0)).id;
      assert.deepEqual(await walletAuditViolations(t.app), []);
    });
    after(async () => t.close());

    it('(a) refuses UPDATE, DELETE and TRUNCATE on wallet_postings and wallet_transactions: the ledger is append-only', async () => {
      const before = await ledgerFingerprint(db);
      assert.ok(before.transactions >= 2 && before.postings >= 4, 'there are rows to protect');
      const attempts: [string, string, RawBuilder<unknown>][] = [
        ['UPDATE', 'wallet_postings', sql`update wallet_postings set amount = amount + 1 where id = (select max(id) from wallet_postings)`],
        ['UPDATE', 'wallet_postings', sql`update wallet_postings set balance_after = 0`],
        ['DELETE', 'wallet_postings', sql`delete from wallet_postings where id = (select max(id) from wallet_postings)`],
        ['TRUNCATE', 'wallet_postings', sql`truncate wallet_postings`],
        ['UPDATE', 'wallet_transactions', sql`update wallet_transactions set reference = reference || ':moved' where reference = 'guard:freeze:setup'`],
        ['DELETE', 'wallet_transactions', sql`delete from wallet_transactions where reference = 'guard:freeze:setup'`],
        ['TRUNCATE', 'wallet_(postings|transactions)', sql`truncate wallet_transactions cascade`],
      ];
      for (const [operation, table, statement] of attempts) {
        await assert.rejects(statement.execute(db), refusedWith('42501', new RegExp(`append-only: ${operation} on ${table} refused`)), `${operation} on ${table}`);
      }
      assert.deepEqual(await ledgerFingerprint(db), before, 'no ledger row changed');
      assert.deepEqual(await walletAuditViolations(t.app), []);
    });

    it('(b) refuses at COMMIT a ledger transaction whose postings do not sum to zero per currency', async () => {
      const before = await ledgerFingerprint(db);
      const cases = [
        { reference: 'raw:unbalanced', legs: [{ accountId: providerA, currency: 'CNY', amount: 5 }, { accountId: providerB, currency: 'CNY', amount: -3 }] },
        { reference: 'raw:two-currencies', legs: [{ accountId: providerA, currency: 'CNY', amount: 5 }, { accountId: providerUsd, currency: 'USD', amount: -5 }] },
        { reference: 'raw:three-legs', legs: [{ accountId: providerA, currency: 'CNY', amount: 5 }, { accountId: providerB, currency: 'CNY', amount: -3 }, { accountId: providerUsd, currency: 'USD', amount: -2 }] },
      ];
      for (const { reference, legs } of cases) {
        const outcome = await rawBooking(db, reference, legs);
        assert.equal(outcome.statementsAccepted, true, `${reference}: each statement passes; the check is deferred`);
        assert.ok(outcome.error, `${reference} must be refused`);
        refusedWith('23514', /ledger transaction \d+ does not balance/)(outcome.error);
        assert.equal(await referenceCount(db, reference), 0, `${reference} left nothing`);
      }
      // A posting slipped into a transaction committed earlier unbalances it: refused as well.
      const booked = await one(sql<{ id: number }>`select id from wallet_transactions where reference = 'guard:freeze:setup'`.execute(db));
      const appended = await rawBooking(db, booked.id, [{ accountId: providerA, currency: 'CNY', amount: 1 }]);
      assert.equal(appended.statementsAccepted, true);
      refusedWith('23514', new RegExp(`ledger transaction ${booked.id} does not balance`))(appended.error);
      assert.deepEqual(await ledgerFingerprint(db), before, 'nothing was booked');
      // The control: the same kind of raw booking, balanced, is accepted (then corrected, below).
      const balanced = await rawBooking(db, 'raw:balanced', [{ accountId: providerA, currency: 'CNY', amount: 5 }, { accountId: providerB, currency: 'CNY', amount: -5 }]);
      assert.equal(balanced.error, undefined);
      // What no constraint sees: balances left untouched by that booking. The audit names both accounts.
      const violations = await walletAuditViolations(t.app);
      assert.deepEqual(violations.sort(), [
        `account ${providerA} (platform provider CNY) holds ${(await accountId(db, 'platform', 'provider', 'CNY', 0)).balance} but its postings sum to ${(await accountId(db, 'platform', 'provider', 'CNY', 0)).balance + 5}`,
        `account ${providerB} (platform provider CNY) holds ${(await accountId(db, 'platform', 'provider', 'CNY', 1)).balance} but its postings sum to ${(await accountId(db, 'platform', 'provider', 'CNY', 1)).balance - 5}`,
      ].sort());
      await sql`update wallet_accounts set balance = balance + 5 where id = ${providerA}`.execute(db);
      await sql`update wallet_accounts set balance = balance - 5 where id = ${providerB}`.execute(db);
      assert.deepEqual(await walletAuditViolations(t.app), []);
    });

    it('(c) refuses a ledger transaction with a single posting, or none', async () => {
      const before = await ledgerFingerprint(db);
      const single = await rawBooking(db, 'raw:single', [{ accountId: providerA, currency: 'CNY', amount: 7 }]);
      assert.equal(single.statementsAccepted, true);
      refusedWith('23514', /ledger transaction \d+ has fewer than two postings/)(single.error);
      const zero = await rawBooking(db, 'raw:empty', []);
      assert.equal(zero.statementsAccepted, true);
      refusedWith('23514', /ledger transaction \d+ has fewer than two postings/)(zero.error);
      // and a zero-amount posting cannot pad one out
      const padded = await rawBooking(db, 'raw:padded', [{ accountId: providerA, currency: 'CNY', amount: 0 }, { accountId: providerB, currency: 'CNY', amount: 0 }]);
      assert.equal(padded.statementsAccepted, false);
      refusedWith('23514', /wallet_postings_amount_check|check constraint/)(padded.error);
      for (const reference of ['raw:single', 'raw:empty', 'raw:padded']) assert.equal(await referenceCount(db, reference), 0);
      assert.deepEqual(await ledgerFingerprint(db), before);
    });

    it('(d) a raw UPDATE making a user balance negative violates the CHECK; the service answers insufficient_funds', async () => {
      const available = await accountId(db, `user:${alice}`, 'available', 'CNY');
      const frozen = await accountId(db, `user:${alice}`, 'frozen', 'CNY');
      assert.equal(available.balance, 9_000);
      assert.equal(frozen.balance, 1_000);
      for (const account of [available, frozen]) {
        await assert.rejects(
          sql`update wallet_accounts set balance = balance - ${account.balance + 1} where id = ${account.id}`.execute(db),
          refusedWith('23514', /wallet_user_balance_non_negative/, 'wallet_user_balance_non_negative'),
        );
      }
      // exactly zero is allowed (and put back)
      await sql`update wallet_accounts set balance = 0 where id = ${available.id}`.execute(db);
      await sql`update wallet_accounts set balance = ${available.balance} where id = ${available.id}`.execute(db);
      const before = await ledgerFingerprint(db);
      await assert.rejects(
        inTransaction(db, (tx) => t.app.modules.wallet.freeze(tx, alice, { amount: 9_001, currency: 'CNY' }, 'guard:overdraft')),
        (error: unknown) => error instanceof AppError && error.code === 'insufficient_funds',
      );
      assert.equal(await referenceCount(db, 'guard:overdraft'), 0);
      assert.deepEqual(await ledgerFingerprint(db), before);
      assert.equal((await accountId(db, `user:${alice}`, 'available', 'CNY')).balance, 9_000);
      assert.deepEqual(await walletAuditViolations(t.app), []);
    });

    it('(e) one reference books once: 20 parallel calls → exactly one booked; 20 racing freezes of 100 against 1,000 → exactly 10', async () => {
      const { wallet } = t.app.modules;
      const before = await accountId(db, `user:${alice}`, 'available', 'CNY');
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => inTransaction(db, (tx) => wallet.freeze(tx, alice, { amount: 250 + i, currency: 'CNY' }, 'guard:same-reference'))),
      );
      const booked = results.filter((r) => r.booked);
      assert.equal(booked.length, 1, 'exactly one call booked');
      assert.ok(results.every((r) => r.booked || r.postings.length === 0), 'the others moved nothing');
      const amount = booked[0]?.postings.find((p) => p.kind === 'frozen')?.amount ?? assert.fail('no frozen posting');
      assert.equal((await accountId(db, `user:${alice}`, 'available', 'CNY')).balance, before.balance - amount);
      assert.equal(await referenceCount(db, 'guard:same-reference'), 1);
      const postings = await one(
        sql<{ n: number }>`select count(*)::int8 as n from wallet_postings p join wallet_transactions t on t.id = p.transaction_id where t.reference = 'guard:same-reference'`.execute(db),
      );
      assert.equal(postings.n, 2);
      // the reference is spent whatever operation presents it again
      assert.equal((await inTransaction(db, (tx) => wallet.unfreeze(tx, alice, { amount: 1, currency: 'CNY' }, 'guard:same-reference'))).booked, false);

      await recharge(t.app, bob, { amount: 1_000, currency: 'USD' });
      const race = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => inTransaction(db, (tx) => wallet.freeze(tx, bob, { amount: 100, currency: 'USD' }, `guard:race:${i}`))),
      );
      const won = race.filter((r) => r.status === 'fulfilled' && r.value.booked);
      const lost = race.filter((r) => r.status === 'rejected');
      assert.equal(won.length, 10);
      assert.equal(lost.length, 10);
      for (const r of lost) assert.ok(r.status === 'rejected' && r.reason instanceof AppError && r.reason.code === 'insufficient_funds', String(r.status === 'rejected' && r.reason));
      assert.deepEqual((await wallet.getWallet(bob)).accounts.find((a) => a.currency === 'USD'), { currency: 'USD', available: 0, frozen: 1_000 });
      assert.deepEqual(await walletAuditViolations(t.app), []);
    });

    it(
      '(g) a posting carries its account’s currency: a booking that moves money across currencies is refused',
      async () => {
        const outcome = await db
          .transaction()
          .execute(async (tx) => {
            const id = (await one(sql<{ id: number }>`insert into wallet_transactions (reference, type) values ('raw:cross-currency', 'raw') returning id`.execute(tx))).id;
            await sql`update wallet_accounts set balance = balance + 500 where id = ${providerA}`.execute(tx);
            await sql`update wallet_accounts set balance = balance - 500 where id = ${providerUsd}`.execute(tx);
            await sql`insert into wallet_postings (transaction_id, account_id, currency, amount, balance_after) values (${id}, ${providerA}, 'USD', 500, 0), (${id}, ${providerUsd}, 'USD', -500, 0)`.execute(tx);
          })
          .then(
            () => undefined,
            (error: unknown) => error,
          );
        assert.ok(outcome, 'CNY 500 appeared and USD 500 vanished, yet the database accepted it');
        // a constraint trigger (23514) or a foreign key on (account_id, currency) (23503)
        assert.ok(['23514', '23503'].includes((outcome as DbError).code ?? ''), (outcome as DbError).message);
      },
    );

    it(
      '(h) an order’s escrow pays out no more than was captured for that order',
      async () => {
        const { wallet } = t.app.modules;
        const jpy = (amount: number): Money => ({ amount, currency: 'JPY' });
        const tooMuch = (error: unknown) => error instanceof AppError && error.code === 'insufficient_funds';
        await assert.rejects(inTransaction(db, (tx) => wallet.release(tx, alice, jpy(777), 'guard:h:release-nothing', 'guard-order-empty')), tooMuch, 'nothing was captured for this order');
        await recharge(t.app, bob, jpy(2_000));
        await inTransaction(db, (tx) => wallet.freeze(tx, bob, jpy(2_000), 'guard:h:freeze'));
        const captured = await inTransaction(db, (tx) => wallet.capture(tx, bob, jpy(100), 'guard:h:capture', 'guard-order-h'));
        const row = captured.postings.find((p) => p.kind === 'escrow')?.accountId;
        // another order whose escrow shares the row
        let neighbour = false;
        for (let i = 0; i < 64 && !neighbour; i++) {
          const other = await inTransaction(db, (tx) => wallet.capture(tx, bob, jpy(10), `guard:h:neighbour:${i}`, `guard-order-h-neighbour-${i}`));
          neighbour = other.postings.some((p) => p.kind === 'escrow' && p.accountId === row);
        }
        assert.ok(neighbour, 'found an order sharing the escrow row');
        await assert.rejects(inTransaction(db, (tx) => wallet.release(tx, alice, jpy(150), 'guard:h:release', 'guard-order-h')), tooMuch, 'the order holds 100');
      },
    );
  });

  // After the suite above closed its app: a database of its own, and fewer connections held at once.
  describe(`flashmart audit over the ledger (${mode})`, () => {
    it('(f) is clean on a healthy ledger and exits 1 naming each account whose balance was edited', { timeout: 180_000 }, async () => {
      await cliAuditScenario(mode);
    });
  });
}

/** A database of its own for the CLI: PostgreSQL (services) or a PGlite folder (embedded). */
async function cliAuditScenario(mode: Mode): Promise<void> {
  let env: Record<string, string>;
  let dispose: () => Promise<void>;
  if (mode === 'services') {
    const database = await createTestDatabase();
    env = { DATABASE_URL: database.url };
    dispose = database.drop;
  } else {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashmart-ledger-audit-'));
    env = { FLASHMART_DATA_DIR: dataDir };
    dispose = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  }
  try {
    const migrated = runFlashmart(['migrate'], env);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stdout, /applied \d+ migration/);

    // A healthy ledger with every kind of movement, booked by the real service.
    const app = await startApp(loadConfig({ ...env, LOG_LEVEL: 'silent', PORT: '0' }), { listen: false });
    let ids: { user: string; available: number; balance: number; escrow: number; escrowBalance: number };
    try {
      const { wallet, identity } = app.modules;
      const db = app.platform.database.db;
      const buyer = (await identity.register('audit_buyer', 'audit-password-1', '127.0.0.1')).user.id;
      const seller = (await identity.register('audit_seller', 'audit-password-1', '127.0.0.1')).user.id;
      const cny = (amount: number): Money => ({ amount, currency: 'CNY' });
      await recharge(app, buyer, cny(5_000));
      await inTransaction(db, async (tx) => {
        await wallet.freeze(tx, buyer, cny(1_200), 'audit:freeze');
        await wallet.capture(tx, buyer, cny(1_000), 'audit:capture', 'audit-order');
        await wallet.release(tx, seller, cny(600), 'audit:release', 'audit-order');
        await wallet.unfreeze(tx, buyer, cny(200), 'audit:unfreeze');
      });
      await wallet.withdraw(buyer, cny(300));
      const available = await accountId(db, `user:${buyer}`, 'available', 'CNY');
      assert.equal(available.balance, 5_000 - 1_200 + 200 - 300);
      const escrow = await one(sql<{ id: number; balance: number }>`select id, balance from wallet_accounts where kind = 'escrow' and currency = 'CNY' and balance <> 0`.execute(db));
      assert.equal(escrow.balance, 400);
      ids = { user: buyer, available: available.id, balance: available.balance, escrow: escrow.id, escrowBalance: escrow.balance };
    } finally {
      await app.close();
    }

    const healthy = runFlashmart(['audit'], env);
    assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
    for (const check of ['every ledger transaction sums to zero per currency', 'every ledger transaction has two or more postings', 'every account balance equals the sum of its postings', 'no user balance is negative']) {
      assert.match(healthy.stdout, new RegExp(`^ok {4}I3: ${check}$`, 'm'));
    }
    assert.match(healthy.stdout, /audit clean/);

    // Corrupt two balances behind the ledger's back (the accounts table is not append-only).
    const edit = async (statements: RawBuilder<unknown>[]) => {
      const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.FLASHMART_DATA_DIR ?? 'memory://', poolSize: 1 });
      try {
        for (const statement of statements) await statement.execute(database.db);
      } finally {
        await database.close();
      }
    };
    await edit([sql`update wallet_accounts set balance = balance + 1 where id = ${ids.available}`, sql`update wallet_accounts set balance = balance - 7 where id = ${ids.escrow}`]);
    const broken = runFlashmart(['audit'], env);
    assert.equal(broken.code, 1, broken.stdout + broken.stderr);
    const report = broken.stdout.split('\n');
    const failAt = report.indexOf('FAIL  I3: every account balance equals the sum of its postings');
    assert.ok(failAt >= 0, broken.stdout);
    assert.deepEqual(
      report.slice(failAt + 1, failAt + 3).sort(),
      [
        `      - account ${ids.available} (user:${ids.user} available CNY) holds ${ids.balance + 1} but its postings sum to ${ids.balance}`,
        `      - account ${ids.escrow} (platform escrow CNY) holds ${ids.escrowBalance - 7} but its postings sum to ${ids.escrowBalance}`,
      ].sort(),
      broken.stdout,
    );
    assert.doesNotMatch(report[failAt + 3] ?? '', /^ {6}- /, 'exactly the two edited accounts are named');
    for (const check of ['every ledger transaction sums to zero per currency', 'every ledger transaction has two or more postings', 'no user balance is negative']) {
      assert.match(broken.stdout, new RegExp(`^ok {4}I3: ${check}$`, 'm'), 'the other checks stay clean');
    }
    assert.match(broken.stdout, /^audit found violations$/m);

    await edit([sql`update wallet_accounts set balance = balance - 1 where id = ${ids.available}`, sql`update wallet_accounts set balance = balance + 7 where id = ${ids.escrow}`]);
    const repaired = runFlashmart(['audit'], env);
    assert.equal(repaired.code, 0, repaired.stdout + repaired.stderr);
  } finally {
    await dispose();
  }
}
