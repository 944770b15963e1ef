import type { FlashmartModule, Platform } from '../../platform/module.js';
import type { PaymentProvider } from '../payments/index.js';
import { createWebhookDeliverer, type WebhookSender } from './sandbox.deliverer.js';
import { registerSandboxRoutes } from './sandbox.routes.js';
import { createSandboxService, type SandboxService } from './sandbox.service.js';

export type { SandboxService, SandboxPayment } from './sandbox.service.js';
export type { WebhookSender } from './sandbox.deliverer.js';
export { MAX_TRIES as SANDBOX_MAX_TRIES, backoffSeconds as sandboxBackoffSeconds } from './sandbox.deliverer.js';

/**
 * The sandbox payment provider: a stand-in outside party with its own tables, a checkout
 * page, an API to succeed or fail a payment, and signed webhooks delivered with retries.
 * Served by the roles `all` and `sandbox`.
 */
/** The provider's own tables: migrated by every process so the schema never depends on the role. */
export const sandboxMigrations = { module: 'sandbox', dir: new URL('./migrations/', import.meta.url) };

/** The platform's adapter for this provider (what a real PSP's SDK would be). */
export function sandboxProvider(sandbox: SandboxService): PaymentProvider {
  return {
    name: 'sandbox',
    async start(tx, intent) {
      return sandbox.createPayment(tx, {
        id: intent.id,
        money: { amount: intent.amount, currency: intent.currency },
        description: `Flashmart ${intent.purpose} ${intent.reference}`,
      });
    },
    async refund(tx, intent) {
      await sandbox.refund(tx, intent.id);
    },
  };
}

export function createSandboxModule(platform: Platform, secret: () => string, send: WebhookSender): FlashmartModule & { service: SandboxService; startDelivering(): Promise<void> } {
  const service = createSandboxService(platform.database.db, platform.config.publicUrl);
  const deliverer = createWebhookDeliverer(platform.database.db, secret, send, platform.logger);
  return {
    name: 'sandbox',
    service,
    async registerRoutes(app) {
      await registerSandboxRoutes(app, service);
    },
    async startDelivering() {
      await platform.database.listen('sandbox_deliveries', () => deliverer.nudge());
      deliverer.start();
    },
    async stop() {
      await deliverer.stop();
    },
  };
}
