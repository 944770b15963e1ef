import { randomBytes } from 'node:crypto';
import { getOrCreateSetting } from '../../platform/db/index.js';
import type { FlashmartModule, Platform } from '../../platform/module.js';
import { createPaymentsService, type PaymentsService } from './payments.service.js';
import { registerPaymentsRoutes } from './payments.routes.js';

export type { PaymentsService, PaymentProvider, PaymentPurpose, WebhookBody } from './payments.service.js';
export type { Intent } from './payments.store.js';
export type { IntentStatus, ProviderName } from './payment-state.js';
export { INTENT_TRANSITIONS } from './payment-state.js';

/** Payments: intents and their lifecycle, providers behind one interface, signed webhooks. */
export function createPaymentsModule(platform: Platform): FlashmartModule & { service: PaymentsService; webhookSecret: () => string } {
  let secret: string | undefined;
  const sandboxSecret = (): string => {
    if (secret === undefined) throw new Error('payments module used before bootstrap');
    return secret;
  };
  const service = createPaymentsService({
    db: platform.database.db,
    logger: platform.logger,
    paymentTimeoutSeconds: platform.config.paymentTimeoutSeconds,
    sandboxSecret,
  });
  return {
    name: 'payments',
    service,
    /** The sandbox webhook secret: configured, or generated once and shared through the database. */
    webhookSecret: sandboxSecret,
    async bootstrap() {
      secret = platform.config.sandboxWebhookSecret ?? (await getOrCreateSetting(platform.database.db, 'payments.sandbox_webhook_secret', () => randomBytes(32).toString('hex')));
    },
    migrations: { module: 'payments', dir: new URL('./migrations/', import.meta.url) },
    async registerRoutes(app) {
      await registerPaymentsRoutes(app, service);
    },
    registerWorker() {
      platform.jobs.register('payments.apply-webhook', (tx, payload) => service.applyWebhook(tx, payload.eventId));
      platform.jobs.register('payments.expire-intent', (tx, payload) => service.expireIntent(tx, payload.intentId));
    },
  };
}
