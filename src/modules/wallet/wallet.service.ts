import { inTransaction, type Db, type Executor, type Tx } from '../../platform/db/index.js';
import { publishEvent } from '../../platform/bus/index.js';
import { AppError } from '../../platform/http/index.js';
import { minorUnitsPerUnit, type Money } from '../../platform/money/index.js';
import type { Intent, PaymentProvider, PaymentsService } from '../payments/index.js';
import { newId } from '../../platform/ids.js';
import { POINTS_CURRENCY, PLATFORM, SYSTEM_SHARDS, postLedger, shardOf, postLedgerMany, systemAccount, transfer, userAccount, userOwner, type LedgerResult } from './ledger.js';
import * as ledgerStore from './ledger.store.js';
import * as store from './wallet.store.js';
import './wallet.events.js';

export interface WalletView {
  accounts: { currency: string; available: number; frozen: number }[];
  points: number;
}

export interface Recharge {
  id: string;
  status: 'pending' | 'succeeded' | 'failed';
  amount: Money;
  paymentId: string;
}

export const RECHARGE_PURPOSE = 'recharge';

/** Wallets: accounts per currency, the ledger operations other modules call, recharges and withdrawals. */
export function createWalletService(db: Db, currencies: string[], payments: PaymentsService) {
  function requireCurrency(currency: string): void {
    if (!currencies.includes(currency)) throw new AppError('validation_failed', `currency ${currency} is not enabled`, { errors: [{ path: 'body/amount/currency', message: `must be one of ${currencies.join(', ')}` }] });
  }

  const escrow = (currency: string, key: string) => systemAccount('escrow', currency, key);

  /** Money between two of one user's accounts (freeze, unfreeze). */
  function betweenOwnAccounts(from: 'available' | 'frozen', to: 'available' | 'frozen', type: string) {
    return (tx: Executor, userId: string, money: Money, reference: string) => {
      requireCurrency(money.currency);
      return postLedger(tx, reference, type, transfer(userAccount(userId, from, money.currency), userAccount(userId, to, money.currency), money.amount));
    };
  }

  /** Money into escrow for one order (its key), from the buyer's `from` account. */
  function intoEscrow(from: 'available' | 'frozen', type: string) {
    return (tx: Executor, userId: string, money: Money, reference: string, escrowKey: string) => {
      requireCurrency(money.currency);
      return postLedger(tx, reference, type, transfer(userAccount(userId, from, money.currency), escrow(money.currency, escrowKey), money.amount), escrowKey);
    };
  }

  /**
   * Money out of one order's escrow: never more than that order holds (the shard it shares
   * with other orders could cover it). The ledger statement keeps each order's hold and its
   * CHECK refuses an overdraft, so this is one statement, in the caller's transaction or alone.
   */
  function outOfEscrow(type: string) {
    return (tx: Executor, userId: string, money: Money, reference: string, escrowKey: string): Promise<LedgerResult> => {
      requireCurrency(money.currency);
      return postLedger(tx, reference, type, transfer(escrow(money.currency, escrowKey), userAccount(userId, 'available', money.currency), money.amount), escrowKey);
    };
  }

  /**
   * Many buyers pay their orders' escrow in one statement, in the caller's transaction (a
   * group commit of payments). All or none: `insufficient_funds` when any buyer is short.
   */
  async function payManyToEscrow(tx: Tx, payments: { userId: string; money: Money; reference: string; escrowKey: string }[]): Promise<void> {
    for (const p of payments) requireCurrency(p.money.currency);
    await postLedgerMany(
      tx,
      payments.map((p) => ({
        reference: p.reference,
        type: 'payment',
        moves: transfer(userAccount(p.userId, 'available', p.money.currency), escrow(p.money.currency, p.escrowKey), p.money.amount),
        escrowKey: p.escrowKey,
      })),
    );
  }

  /** 1 point per whole currency unit paid, issued by the platform; undefined when that is none. */
  function pointsMoves(userId: string, paid: Money, reference: string) {
    const points = Math.floor(paid.amount / minorUnitsPerUnit(paid.currency));
    return points > 0 ? transfer(systemAccount('points_issued', POINTS_CURRENCY, reference), userAccount(userId, 'points', POINTS_CURRENCY), points) : undefined;
  }

  /** Available funds → platform escrow: paying an order with the wallet. */
  const payToEscrow = intoEscrow('available', 'payment');
  /** Escrow → back to the buyer's available balance. */
  const refund = outOfEscrow('refund');

  return {
    currencies,

    /** Opens a new user's accounts (called in the registration transaction). */
    async openUserAccounts(tx: Executor, userId: string): Promise<void> {
      const owner = userOwner(userId);
      await ledgerStore.openAccounts(tx, [
        ...currencies.flatMap((currency) => (['available', 'frozen'] as const).map((kind) => ({ owner, userId, kind, currency, shard: 0 }))),
        { owner, userId, kind: 'points', currency: POINTS_CURRENCY, shard: 0 },
      ]);
    },

    /** Opens the platform's own accounts (escrow, provider, points issued) in every enabled currency. */
    async openPlatformAccounts(tx: Executor): Promise<void> {
      const shards = Array.from({ length: SYSTEM_SHARDS }, (_, shard) => shard);
      await ledgerStore.openAccounts(tx, [
        ...currencies.flatMap((currency) =>
          (['escrow', 'provider'] as const).flatMap((kind) => shards.map((shard) => ({ owner: PLATFORM, userId: null, kind, currency, shard }))),
        ),
        ...shards.map((shard) => ({ owner: PLATFORM, userId: null, kind: 'points_issued' as const, currency: POINTS_CURRENCY, shard })),
      ]);
    },

    /** Gives every existing user accounts in each enabled currency (idempotent); returns how many opened. */
    async openMissingUserAccounts(tx: Executor): Promise<number> {
      return ledgerStore.openMissingUserAccounts(tx, currencies, ['available', 'frozen']);
    },

    async getWallet(userId: string): Promise<WalletView> {
      const balances = await ledgerStore.userBalances(db, userId);
      const of = (kind: string, currency: string) => balances.find((b) => b.kind === kind && b.currency === currency)?.balance ?? 0;
      return {
        accounts: currencies.map((currency) => ({ currency, available: of('available', currency), frozen: of('frozen', currency) })),
        points: of('points', POINTS_CURRENCY),
      };
    },

    async ledger(userId: string, currency: string, limit: number, beforeId?: number) {
      requireCurrency(currency);
      return ledgerStore.accountPostings(db, userOwner(userId), 'available', currency, limit, beforeId);
    },

    async withdraw(userId: string, money: Money): Promise<{ id: string; status: 'succeeded'; amount: Money }> {
      requireCurrency(money.currency);
      const id = newId();
      await inTransaction(db, async (tx) => {
        await store.insertWithdrawal(tx, { id, userId, money });
        await postLedger(tx, `withdrawal:${id}`, 'withdrawal', transfer(userAccount(userId, 'available', money.currency), systemAccount('provider', money.currency, id), money.amount));
      });
      return { id, status: 'succeeded', amount: money };
    },

    async createRecharge(userId: string, money: Money): Promise<Recharge & { payUrl: string }> {
      requireCurrency(money.currency);
      const id = newId();
      return inTransaction(db, async (tx) => {
        const { intent, payUrl } = await payments.createIntent(tx, { purpose: RECHARGE_PURPOSE, reference: id, userId, money, provider: 'sandbox' });
        await store.insertRecharge(tx, { id, userId, money, paymentId: intent.id });
        return { id, status: 'pending' as const, amount: money, paymentId: intent.id, payUrl: payUrl ?? '' };
      });
    },

    async getRecharge(userId: string, id: string): Promise<Recharge | undefined> {
      return store.findRecharge(db, userId, id);
    },

    /** Payment purpose `recharge`: credit the wallet from the provider when the money arrived. */
    async completeRecharge(tx: Tx, intent: Intent): Promise<void> {
      const recharge = await store.settleRecharge(tx, intent.reference, 'succeeded');
      if (!recharge) return;
      await postLedger(tx, `recharge:${recharge.id}`, 'recharge', transfer(systemAccount('provider', intent.currency, recharge.id), userAccount(intent.userId, 'available', intent.currency), intent.amount));
      await publishEvent(tx, 'recharge.succeeded', { rechargeId: recharge.id, userId: intent.userId, amount: { amount: intent.amount, currency: intent.currency } });
    },

    async failRecharge(tx: Tx, intent: Intent): Promise<void> {
      await store.settleRecharge(tx, intent.reference, 'failed');
    },

    /** The `wallet` payment provider: the buyer's available balance pays into escrow at once (409 insufficient_funds undoes the whole payment). */
    provider(): PaymentProvider {
      return {
        name: 'wallet',
        async start() {
          return { settled: true };
        },
        captureMany: (tx, intents) =>
          payManyToEscrow(
            tx,
            intents.map((intent) => ({ userId: intent.userId, money: { amount: intent.amount, currency: intent.currency }, reference: `payment:${intent.id}`, escrowKey: intent.reference })),
          ),
        async refund(tx, intent) {
          await refund(tx, intent.userId, { amount: intent.amount, currency: intent.currency }, `payment-refund:${intent.id}`, intent.reference);
        },
      };
    },

    // Operations for other modules. Each takes the caller's transaction and a unique reference.
    freeze: betweenOwnAccounts('available', 'frozen', 'freeze'),
    unfreeze: betweenOwnAccounts('frozen', 'available', 'unfreeze'),
    /** Frozen funds → platform escrow (escrowKey: the order, so release finds the same shard). */
    capture: intoEscrow('frozen', 'capture'),
    payToEscrow,
    /** Money paid outside the wallet (a provider's payment) → one order's escrow. */
    receiveIntoEscrow(tx: Executor, money: Money, reference: string, escrowKey: string): Promise<LedgerResult> {
      requireCurrency(money.currency);
      return postLedger(tx, reference, 'payment', transfer(systemAccount('provider', money.currency, escrowKey), escrow(money.currency, escrowKey), money.amount), escrowKey);
    },
    /** Escrow → the seller's available balance (receipt confirmed). Must run in a transaction. */
    release: outOfEscrow('release'),
    /** Escrow → the buyer's available balance. Must run in a transaction. */
    refund,
    /**
     * Which of `count` lanes a payment into this escrow key belongs to: payments of different
     * lanes never touch the same escrow shard, so a caller may commit the lanes side by side.
     */
    escrowLane: (escrowKey: string, count: number): number => shardOf(escrowKey) % count,
    /** Points for many payments in one ledger statement, in the caller's transaction (a consumer's batch). */
    async creditPointsMany(tx: Tx, credits: { userId: string; paid: Money; reference: string }[]): Promise<void> {
      const seen = new Set<string>(); // the same payment twice in one batch is credited once
      const bookings = credits.flatMap(({ userId, paid, reference }) => {
        const moves = pointsMoves(userId, paid, reference);
        if (!moves || seen.has(reference)) return [];
        seen.add(reference);
        return [{ reference, type: 'points', moves, escrowKey: null }];
      });
      await postLedgerMany(tx, bookings);
    },
    /** 1 point per whole currency unit paid (CNY 12.34 → 12 points, JPY 500 → 500). */
    async creditPoints(tx: Executor, userId: string, paid: Money, reference: string): Promise<LedgerResult | undefined> {
      const moves = pointsMoves(userId, paid, reference);
      return moves && postLedger(tx, reference, 'points', moves);
    },
  };
}

export type WalletService = ReturnType<typeof createWalletService>;
