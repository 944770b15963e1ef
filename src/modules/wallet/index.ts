import type { FlashmartModule, Platform } from '../../platform/module.js';
import { scheduleJob } from '../../platform/jobs/index.js';
import type { PaymentsService } from '../payments/index.js';
import {
  balancesNotMatchingPostings,
  currenciesNotSummingToZero,
  negativeUserBalances,
  escrowHoldsNotMatchingPostings,
  overdrawnEscrows,
  transactionsWithoutTwoPostings,
  unbalancedTransactions,
} from './ledger-audit.store.js';
import { registerWalletRoutes } from './wallet.routes.js';
import { RECHARGE_PURPOSE, createWalletService, type WalletService } from './wallet.service.js';

export type { WalletService, WalletView, Recharge } from './wallet.service.js';
export type { LedgerResult } from './ledger.js';
export type { WalletEvents } from './wallet.events.js';

const PROVISIONED_KEY = 'wallet.provisioned_currencies';

/** Wallet: multi-currency accounts, the double-entry ledger (I3), recharges, withdrawals, points. */
export function createWalletModule(platform: Platform, payments: PaymentsService): FlashmartModule & { service: WalletService } {
  const { database, config } = platform;
  const service = createWalletService(database.db, config.currencies, payments);
  payments.registerProvider(service.provider());
  payments.registerPurpose(RECHARGE_PURPOSE, {
    onSucceeded: (tx, intent) => service.completeRecharge(tx, intent),
    onFailed: (tx, intent) => service.failRecharge(tx, intent),
  });
  const db = database.db;
  return {
    name: 'wallet',
    service,
    migrations: { module: 'wallet', dir: new URL('./migrations/', import.meta.url) },
    registerRoutes(app) {
      registerWalletRoutes(app, service);
    },
    async bootstrap() {
      // The platform's own accounts must exist before the first payment. When the enabled
      // currencies changed since the last provisioning, a job gives every existing user the
      // new accounts (the original system's scheduled job).
      await service.openPlatformAccounts(db);
      const wanted = [...config.currencies].sort().join(',');
      const provisioned = await db.selectFrom('platform_settings').select('value').where('key', '=', PROVISIONED_KEY).executeTakeFirst();
      if (provisioned?.value !== wanted) {
        await scheduleJob(db, 'wallet.ensure-currency-accounts', { currencies: wanted.split(',') }, { key: `wallet.currencies:${wanted}` });
      }
    },
    async registerWorker() {
      // 1 point per whole currency unit of each paid order, once (the inbox drops replays).
      await platform.bus.subscribe('wallet-points', {
        'order.paid': {
          batch: (tx, events) => service.creditPointsMany(tx, events.map((e) => ({ userId: e.buyerId, paid: e.total, reference: `points:order:${e.orderId}` }))),
        },
      });
      platform.jobs.register('wallet.ensure-currency-accounts', async (tx, payload) => {
        const opened = await service.openMissingUserAccounts(tx);
        const value = payload.currencies.join(',');
        await tx.insertInto('platform_settings').values({ key: PROVISIONED_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
        platform.logger.info({ opened, currencies: value }, 'user accounts provisioned for the enabled currencies');
      });
    },
    audits: [
      { name: 'I3: every ledger transaction sums to zero per currency', run: () => unbalancedTransactions(db) },
      { name: 'I3: every ledger transaction has two or more postings', run: () => transactionsWithoutTwoPostings(db) },
      { name: 'I3: every account balance equals the sum of its postings', run: () => balancesNotMatchingPostings(db) },
      { name: 'I3: no user balance is negative', run: () => negativeUserBalances(db) },
      { name: "I3: no order's escrow paid out more than it received", run: () => overdrawnEscrows(db) },
      { name: 'I3: all balances of each currency sum to zero', run: () => currenciesNotSummingToZero(db) },
      { name: "I3: each order's escrow hold equals its escrow postings", run: () => escrowHoldsNotMatchingPostings(db) },
    ],
  };
}
