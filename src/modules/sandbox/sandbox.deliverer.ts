import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../../platform/db/index.js';
import { createPoller } from '../../platform/poller.js';
import { signWebhook } from '../../platform/webhook-signature.js';

export const WEBHOOK_PATH = '/api/v1/payments/webhooks/sandbox';
export const MAX_TRIES = 10;
/** Sends run one after another, each bounded to 10 s: 5 of them fit well inside the 90 s lease. */
const BATCH = 5;

/** Sends one webhook and returns the HTTP status (throws on a network failure). */
export type WebhookSender = (path: string, headers: Record<string, string>, body: string) => Promise<number>;

/** Seconds to wait after the n-th failed try: 1, 2, 4, 8 … */
export function backoffSeconds(failedTries: number): number {
  return 2 ** (failedTries - 1);
}

/**
 * Delivers queued webhooks until the merchant answers 2xx: claims due deliveries with a
 * lease (a crashed deliverer's claim lapses), signs each try afresh, and backs off.
 */
export function createWebhookDeliverer(db: Db, secret: () => string, send: WebhookSender, logger: Logger) {
  async function deliverDue(): Promise<boolean> {
    const claimed = await sql<{ event_id: string; body: string; attempts: number }>`
      update sandbox_deliveries set lease_until = now() + interval '90 seconds'
      where event_id in (
        select event_id from sandbox_deliveries
        where delivered_at is null and given_up_at is null and next_attempt_at <= now()
          and (lease_until is null or lease_until < now())
        order by next_attempt_at limit ${BATCH}
        for update skip locked)
      returning event_id, body, attempts`.execute(db);
    for (const delivery of claimed.rows) await deliverOne(delivery);
    return claimed.rows.length > 0;
  }

  async function deliverOne(delivery: { event_id: string; body: string; attempts: number }): Promise<void> {
    const tries = delivery.attempts + 1;
    let error: string;
    try {
      const signature = signWebhook(secret(), delivery.body, Math.floor(Date.now() / 1000));
      const status = await send(WEBHOOK_PATH, { 'content-type': 'application/json', 'sandbox-signature': signature }, delivery.body);
      if (status >= 200 && status < 300) {
        await db.updateTable('sandbox_deliveries').set({ attempts: tries, delivered_at: new Date(), lease_until: null }).where('event_id', '=', delivery.event_id).execute();
        return;
      }
      error = `HTTP ${status}`;
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const givenUp = tries >= MAX_TRIES;
    await db
      .updateTable('sandbox_deliveries')
      .set({
        attempts: tries,
        last_error: error,
        lease_until: null,
        given_up_at: givenUp ? new Date() : null,
        next_attempt_at: new Date(Date.now() + backoffSeconds(tries) * 1000),
      })
      .where('event_id', '=', delivery.event_id)
      .execute();
    logger.warn({ eventId: delivery.event_id, tries, error, givenUp }, 'sandbox webhook delivery failed');
  }

  const poller = createPoller('sandbox webhook deliverer', deliverDue, 500, logger);
  return { ...poller, deliverDue };
}

export type WebhookDeliverer = ReturnType<typeof createWebhookDeliverer>;
