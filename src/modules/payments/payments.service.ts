import type { Logger } from 'pino';
import { inTransaction, type Db, type Executor, type Recordset, type Tx } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import { scheduleJob } from '../../platform/jobs/index.js';
import type { Money } from '../../platform/money/index.js';
import { verifyWebhookSignature } from '../../platform/webhook-signature.js';
import { newId } from '../../platform/ids.js';
import type { IntentStatus, ProviderName } from './payment-state.js';
import * as store from './payments.store.js';
import type { Intent } from './payments.store.js';

/** A payment provider: where the payer pays, and how money goes back outside the wallet. */
export interface PaymentProvider {
  readonly name: ProviderName;
  /** Registers the payment; `settled` when the payment is decided at once (the wallet). */
  start(tx: Tx, intent: Intent): Promise<{ payUrl?: string; settled?: boolean }>;
  /**
   * For payments settled at once: moves their money, all in one go. Called last in the
   * transaction, after the purpose reacted, so the hot balance rows it locks are held only
   * until the commit; refusing (insufficient funds) rolls the whole transaction back.
   */
  captureMany?(tx: Tx, intents: Intent[]): Promise<void>;
  /** Returns a captured payment to the payer (a success that arrived after cancellation). */
  refund(tx: Tx, intent: Intent, reason: string): Promise<void>;
}

/** What a purpose (a recharge, an order) does when its payment settles or does not. */
export interface PaymentPurpose {
  onSucceeded(tx: Tx, intent: Intent): Promise<void>;
  onFailed(tx: Tx, intent: Intent, outcome: 'failed' | 'expired'): Promise<void>;
}

export interface PaymentsOptions {
  db: Db;
  logger: Logger;
  paymentTimeoutSeconds: number;
  /** The sandbox provider's webhook secret (resolved at start-up). */
  sandboxSecret: () => string;
}

export interface WebhookBody {
  id: string;
  type: 'payment.succeeded' | 'payment.failed';
  data: { paymentId: string; amount: Money };
}

export function createPaymentsService(options: PaymentsOptions) {
  const { db, logger } = options;
  const providers = new Map<ProviderName, PaymentProvider>();
  const purposes = new Map<string, PaymentPurpose>();

  function purposeOf(intent: Intent): PaymentPurpose {
    const purpose = purposes.get(intent.purpose);
    if (!purpose) throw new Error(`no handler registered for payment purpose ${intent.purpose}`);
    return purpose;
  }

  function providerOf(name: ProviderName): PaymentProvider {
    const provider = providers.get(name);
    if (!provider) throw new AppError('service_unavailable', `payment provider ${name} is not enabled on this deployment`);
    return provider;
  }

  async function succeed(tx: Tx, intentId: string, note: string): Promise<Intent | undefined> {
    const intent = await store.transitionIntent(tx, intentId, 'succeeded', note, ['pending']);
    if (intent) await purposeOf(intent).onSucceeded(tx, intent);
    return intent;
  }

  async function fail(tx: Tx, intentId: string, outcome: 'failed' | 'expired', note: string): Promise<Intent | undefined> {
    const intent = await store.transitionIntent(tx, intentId, outcome, note, ['pending']);
    if (intent) await purposeOf(intent).onFailed(tx, intent, outcome);
    return intent;
  }

  /** A success for an intent that was cancelled or expired: hand the money back and record it. */
  async function refundLateSuccess(tx: Tx, intentId: string): Promise<boolean> {
    const intent = await store.transitionIntent(tx, intentId, 'refunded', 'payment succeeded after the intent ended: refunded', ['cancelled', 'expired']);
    if (!intent) return false;
    await providerOf(intent.provider).refund(tx, intent, 'late_success');
    logger.warn({ intentId, purpose: intent.purpose, reference: intent.reference }, 'late payment success refunded');
    return true;
  }

  return {
    registerProvider(provider: PaymentProvider): void {
      providers.set(provider.name, provider);
    },
    registerPurpose(name: string, purpose: PaymentPurpose): void {
      purposes.set(name, purpose);
    },

    /** Opens a payment intent in the caller's transaction and starts it with the provider. */
    async createIntent(
      tx: Tx,
      request: { purpose: string; reference: string; userId: string; money: Money; provider: ProviderName; expiresInSeconds?: number },
    ): Promise<{ intent: Intent; payUrl: string | undefined }> {
      const provider = providerOf(request.provider);
      const expiresAt = new Date(Date.now() + (request.expiresInSeconds ?? options.paymentTimeoutSeconds) * 1000);
      let intent = await store.insertIntent(tx, {
        id: newId(),
        purpose: request.purpose,
        reference: request.reference,
        userId: request.userId,
        amount: request.money.amount,
        currency: request.money.currency,
        provider: request.provider,
        expiresAt,
      });
      const started = await provider.start(tx, intent);
      if (started.settled) {
        intent = (await succeed(tx, intent.id, `settled by ${provider.name}`)) ?? intent;
        await provider.captureMany?.(tx, [intent]);
      }
      // Only a payment still waiting for its payer needs a deadline.
      else await scheduleJob(tx, 'payments.expire-intent', { intentId: intent.id }, { runAt: expiresAt, key: `payments.expire:${intent.id}` });
      return { intent, payUrl: started.payUrl };
    },

    /** Ends a pending intent on the caller's request (its order was cancelled). */
    async cancelIntent(tx: Tx, intentId: string): Promise<boolean> {
      return (await store.transitionIntent(tx, intentId, 'cancelled', 'cancelled by the platform', ['pending'])) !== undefined;
    },

    /**
     * Locks the pending intents of these references. A purpose that will cancel them calls this
     * before locking its own rows: a webhook locks the intent first too, so the two never deadlock.
     */
    async lockPendingIntents(tx: Tx, purpose: string, references: string[]): Promise<void> {
      await store.lockPendingIntents(tx, purpose, references);
    },

    /** Cancels every pending intent of these references of one purpose (orders paid another way, or cancelled). */
    async cancelPendingIntents(tx: Tx, purpose: string, references: string[]): Promise<number> {
      return store.cancelPendingIntents(tx, purpose, references, 'cancelled by the platform');
    },

    /**
     * Many payments with a provider that settles at once (the wallet), in the caller's
     * transaction, group-committed: the intents are recorded `succeeded` in one statement (any
     * other pending intent of the same references is cancelled: they are settled), together
     * with the caller's `alongside` rows, and the provider captures them all last. The purpose
     * reacts itself, in the same transaction (it is the caller); a refusal (insufficient
     * funds) rolls it all back. Returns the intents in order.
     */
    async settleAtOnce(
      tx: Tx,
      providerName: ProviderName,
      requests: { purpose: string; reference: string; userId: string; money: Money }[],
      alongside: Recordset[] = [],
    ): Promise<Intent[]> {
      const provider = providerOf(providerName);
      if (!provider.captureMany) throw new Error(`payment provider ${providerName} does not settle at once`);
      const now = new Date();
      const intents = await store.insertSettledIntents(
        tx,
        requests.map((r) => ({ id: newId(), purpose: r.purpose, reference: r.reference, userId: r.userId, amount: r.money.amount, currency: r.money.currency, provider: providerName, expiresAt: now })),
        `cancelled: paid with ${providerName}`,
        alongside,
      );
      await provider.captureMany(tx, intents);
      return intents;
    },

    async getIntent(db: Executor, intentId: string): Promise<Intent | undefined> {
      return store.findIntent(db, intentId);
    },

    async paymentLog(intentId: string): Promise<{ from: IntentStatus | null; to: IntentStatus; note: string | null }[]> {
      return store.intentLog(db, intentId);
    },

    /**
     * The sandbox webhook: signature and amount are checked first (400 and no effect when
     * wrong), then the event id is recorded (a replay is acknowledged and ignored) and the
     * work is left to a job, so the provider gets its 2xx at once.
     */
    async receiveSandboxWebhook(rawBody: string, signature: string | undefined, body: WebhookBody): Promise<'accepted' | 'duplicate'> {
      const check = verifyWebhookSignature(options.sandboxSecret(), signature, rawBody, Math.floor(Date.now() / 1000));
      if (!check.ok) throw new AppError('validation_failed', `webhook refused: ${check.reason}`);
      const intent = await store.findIntent(db, body.data.paymentId);
      if (!intent || intent.provider !== 'sandbox') throw new AppError('validation_failed', 'webhook refused: unknown payment');
      if (intent.amount !== body.data.amount.amount || intent.currency !== body.data.amount.currency) {
        throw new AppError('validation_failed', 'webhook refused: the amount does not match the payment');
      }
      return inTransaction(db, async (tx) => {
        const fresh = await store.recordWebhookEvent(tx, {
          eventId: body.id,
          provider: 'sandbox',
          type: body.type,
          paymentId: intent.id,
          amount: body.data.amount.amount,
          currency: body.data.amount.currency,
        });
        if (!fresh) return 'duplicate';
        await scheduleJob(tx, 'payments.apply-webhook', { eventId: body.id }, { key: `payments.webhook:${body.id}` });
        return 'accepted';
      });
    },

    /** Job: acts on a recorded webhook event, once. */
    async applyWebhook(tx: Tx, eventId: string): Promise<void> {
      const event = await store.findWebhookEvent(tx, eventId);
      if (!event || event.processed_at) return;
      let outcome: string;
      if (event.type === 'payment.succeeded') {
        if (await succeed(tx, event.payment_id, `webhook ${eventId}`)) outcome = 'succeeded';
        else if (await refundLateSuccess(tx, event.payment_id)) outcome = 'refunded_late_success';
        else outcome = 'ignored';
      } else {
        outcome = (await fail(tx, event.payment_id, 'failed', `webhook ${eventId}`)) ? 'failed' : 'ignored';
      }
      await store.markWebhookProcessed(tx, eventId, outcome);
    },

    /** Job: an intent still pending at its deadline expires. */
    async expireIntent(tx: Tx, intentId: string): Promise<void> {
      await fail(tx, intentId, 'expired', 'payment deadline passed');
    },
  };
}

export type PaymentsService = ReturnType<typeof createPaymentsService>;
