import { inTransaction, type Db, type Executor } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import type { Money } from '../../platform/money/index.js';
import { newId } from '../../platform/ids.js';
import type { SandboxStatus } from './sandbox.tables.js';
import './sandbox.tables.js';

export interface SandboxPayment {
  id: string;
  amount: Money;
  description: string;
  status: SandboxStatus;
  createdAt: string;
}

/** The provider's side: payments a merchant registered, the payer's decision, refunds. */
export function createSandboxService(db: Db, publicUrl: string) {
  async function find(executor: Executor, id: string): Promise<SandboxPayment | undefined> {
    const row = await executor.selectFrom('sandbox_payments').selectAll().where('id', '=', id).executeTakeFirst();
    return (
      row && {
        id: row.id,
        amount: { amount: row.amount, currency: row.currency },
        description: row.description,
        status: row.status,
        createdAt: row.created_at.toISOString(),
      }
    );
  }

  return {
    /** A merchant registers a payment (same id as its intent); the payer pays at the returned URL. */
    async createPayment(executor: Executor, payment: { id: string; money: Money; description: string }): Promise<{ payUrl: string }> {
      await executor
        .insertInto('sandbox_payments')
        .values({ id: payment.id, amount: payment.money.amount, currency: payment.money.currency, description: payment.description, status: 'pending' })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return { payUrl: `${publicUrl.replace(/\/$/, '')}/sandbox/pay/${payment.id}` };
    },

    find: (id: string) => find(db, id),

    /** The payer pays or gives up: the payment settles and a webhook is queued for the merchant. */
    async decide(id: string, outcome: 'succeeded' | 'failed'): Promise<SandboxPayment> {
      return inTransaction(db, async (tx) => {
        const updated = await tx
          .updateTable('sandbox_payments')
          .set({ status: outcome, updated_at: new Date() })
          .where('id', '=', id)
          .where('status', '=', 'pending')
          .returning(['id', 'amount', 'currency'])
          .executeTakeFirst();
        if (!updated) {
          const existing = await find(tx, id);
          if (!existing) throw new AppError('not_found', 'no such sandbox payment');
          throw new AppError('invalid_state', `the payment is already ${existing.status}`);
        }
        const eventId = newId();
        const body = JSON.stringify({
          id: eventId,
          type: outcome === 'succeeded' ? 'payment.succeeded' : 'payment.failed',
          data: { paymentId: updated.id, amount: { amount: updated.amount, currency: updated.currency } },
        });
        await tx.insertInto('sandbox_deliveries').values({ event_id: eventId, payment_id: id, type: outcome, body }).execute();
        const payment = await find(tx, id);
        if (!payment) throw new Error('payment vanished');
        return payment;
      });
    },

    /** The merchant hands a captured payment back (it arrived after the order was cancelled). */
    async refund(executor: Executor, id: string): Promise<void> {
      await executor.updateTable('sandbox_payments').set({ status: 'refunded', updated_at: new Date() }).where('id', '=', id).where('status', '=', 'succeeded').execute();
    },
  };
}

export type SandboxService = ReturnType<typeof createSandboxService>;
