import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/index.js';
import type { Metrics } from '../metrics.js';
import { createPoller } from '../poller.js';
import type { Transport } from './transport.js';

export interface RelayOptions {
  batchSize?: number;
  idleMs?: number;
  /** How long a claim on outbox rows lasts before another relay may publish them. */
  leaseSeconds?: number;
}

/**
 * Publishes outbox rows: claims a batch (SKIP LOCKED, with a lease so a crashed relay's
 * batch is picked up later), publishes it with confirms, then deletes the rows.
 * A crash between publish and delete publishes again: consumers' inboxes absorb that.
 */
export function createRelay(db: Db, transport: Transport, logger: Logger, metrics: Metrics, options: RelayOptions = {}) {
  const batchSize = options.batchSize ?? 500;
  const idleMs = options.idleMs ?? 1000; // LISTEN/NOTIFY wakes it sooner (see app.ts)
  const leaseSeconds = options.leaseSeconds ?? 30;
  async function relayOnce(): Promise<number> {
    const claimed = await sql<{ id: number; message_id: string; topic: string; payload: unknown }>`
      update platform_outbox set lease_until = now() + make_interval(secs => ${leaseSeconds})
      where id in (
        select id from platform_outbox
        where lease_until is null or lease_until < now()
        order by id limit ${batchSize}
        for update skip locked)
      returning id, message_id, topic, payload`.execute(db);
    const rows = claimed.rows.sort((a, b) => a.id - b.id);
    if (rows.length === 0) return 0;
    await transport.publish(rows.map((row) => ({ id: row.message_id, topic: row.topic, payload: row.payload })));
    // One array parameter, not an `in` list: one statement text whatever the batch's size (prepared once).
    await sql`delete from platform_outbox where id = any(${rows.map((row) => row.id)}::bigint[])`.execute(db);
    metrics.outboxPublished.inc(rows.length);
    return rows.length;
  }

  const poller = createPoller('outbox relay', async () => (await relayOnce()) > 0, idleMs, logger);

  return {
    start: poller.start,
    /** Publish now instead of at the next poll (called after a local commit). */
    nudge: poller.nudge,
    relayOnce,
    stop: poller.stop,
  };
}

export type Relay = ReturnType<typeof createRelay>;
