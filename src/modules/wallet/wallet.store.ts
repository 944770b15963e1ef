import type { Executor } from '../../platform/db/index.js';
import type { Money } from '../../platform/money/index.js';
import './wallet.tables.js';

export async function insertWithdrawal(db: Executor, w: { id: string; userId: string; money: Money }): Promise<void> {
  await db.insertInto('wallet_withdrawals').values({ id: w.id, user_id: w.userId, amount: w.money.amount, currency: w.money.currency, status: 'succeeded' }).execute();
}

export async function insertRecharge(db: Executor, r: { id: string; userId: string; money: Money; paymentId: string }): Promise<void> {
  await db
    .insertInto('wallet_recharges')
    .values({ id: r.id, user_id: r.userId, amount: r.money.amount, currency: r.money.currency, status: 'pending', payment_id: r.paymentId })
    .execute();
}

export async function findRecharge(db: Executor, userId: string, id: string) {
  const row = await db.selectFrom('wallet_recharges').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  return row && { id: row.id, status: row.status, amount: { amount: row.amount, currency: row.currency }, paymentId: row.payment_id };
}

/** Settles a pending recharge once; undefined when it was already settled. */
export async function settleRecharge(db: Executor, id: string, status: 'succeeded' | 'failed') {
  return db
    .updateTable('wallet_recharges')
    .set({ status, updated_at: new Date() })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning(['id', 'user_id', 'amount', 'currency'])
    .executeTakeFirst();
}
