import type { Logger } from 'pino';
import type { Database } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import type { EventStream } from '../../platform/http/index.js';
import { notificationView } from './notifications.service.js';
import * as store from './notifications.store.js';

/** The channel the notifications table's insert trigger notifies (platform_notify_table: the table name). */
const CHANNEL = 'notifications';
/** Rows fetched per query; a full batch is followed by another at once. */
const BATCH = 500;

export interface LiveFeedOptions {
  /** Safety-net poll while streams are open, for notifications the LISTEN connection missed. */
  pollMs?: number;
  heartbeatMs?: number;
}

interface Reader {
  userId: string;
  lastId: number;
  stream: EventStream;
}

/**
 * Live notifications for the SSE streams of this process. Notifications are written by worker
 * processes; the insert trigger wakes this one (LISTEN), which then runs one query for all its
 * connected users and fans the rows out to their streams. Nothing runs while no stream is open.
 */
export function createLiveFeed(database: Database, logger: Logger, options: LiveFeedOptions = {}) {
  const db = database.db;
  const readers = new Map<string, Set<Reader>>();
  let timers: NodeJS.Timeout[] = [];
  let listening: Promise<(() => Promise<void>) | undefined> | undefined;
  let pass: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  /** Each connected user with the oldest position among its streams. */
  function cursors(): store.UserCursor[] {
    return [...readers].map(([userId, set]) => ({ userId, afterId: Math.min(...[...set].map((r) => r.lastId)) }));
  }

  function fanOut(rows: store.NotificationRow[]): void {
    for (const row of rows) {
      const view = notificationView(row);
      for (const reader of readers.get(row.user_id) ?? []) {
        if (row.id <= reader.lastId) continue;
        reader.stream.send('notification', view.id, view);
        reader.lastId = row.id;
      }
    }
  }

  async function deliver(): Promise<void> {
    for (;;) {
      const rows = await store.newerThan(db, cursors(), BATCH);
      if (stopped) return;
      fanOut(rows);
      if (rows.length < BATCH) return;
    }
  }

  /** Runs a delivery pass; a wake-up during one runs another right after (none is lost). */
  function wake(): void {
    if (stopped || readers.size === 0) return;
    if (pass) {
      again = true;
      return;
    }
    pass = (async () => {
      do {
        again = false;
        await deliver().catch((error: unknown) => logger.warn({ err: error }, 'notification stream delivery failed; the poll retries'));
      } while (again && !stopped && readers.size > 0);
    })().finally(() => {
      pass = undefined;
    });
  }

  function heartbeat(): void {
    for (const set of readers.values()) {
      for (const reader of set) {
        if (reader.stream.closed) remove(reader);
        else reader.stream.comment('heartbeat');
      }
    }
  }

  /**
   * LISTEN from the first stream on, until the module stops. Not stopped with the last stream:
   * the database keeps every listener it opened until it closes, so cycling would grow it.
   */
  async function ensureListening(): Promise<void> {
    listening ??= database.listen(CHANNEL, wake).catch((error: unknown) => {
      logger.warn({ err: error }, 'LISTEN notifications failed; streams rely on the poll');
      listening = undefined;
      return undefined;
    });
    await listening;
  }

  function add(reader: Reader): void {
    if (readers.size === 0) {
      timers = [setInterval(wake, options.pollMs ?? 2000), setInterval(heartbeat, options.heartbeatMs ?? 15_000)];
      for (const timer of timers) timer.unref();
    }
    const set = readers.get(reader.userId) ?? new Set<Reader>();
    set.add(reader);
    readers.set(reader.userId, set);
  }

  function remove(reader: Reader): void {
    const set = readers.get(reader.userId);
    if (!set?.delete(reader)) return;
    reader.stream.end();
    if (set.size === 0) readers.delete(reader.userId);
    if (readers.size === 0) {
      for (const timer of timers) clearInterval(timer);
      timers = [];
    }
  }

  return {
    /**
     * Opens a stream for the user: first what came after `lastEventId` (when resuming), then
     * every new notification. `open` is called once the starting point is known.
     */
    async subscribe(userId: string, lastEventId: number | undefined, open: () => EventStream): Promise<void> {
      if (stopped) throw new AppError('service_unavailable', 'the server is shutting down');
      await ensureListening();
      // A Last-Event-ID beyond the user's newest id (another server's, or made up) would mute the stream.
      const latest = await store.latestId(db, userId);
      if (stopped) throw new AppError('service_unavailable', 'the server is shutting down');
      const reader: Reader = { userId, lastId: Math.min(lastEventId ?? latest, latest), stream: open() };
      add(reader);
      reader.stream.onClose(() => remove(reader));
      // The client may have left while the starting point was looked up: its close already fired.
      if (reader.stream.closed) remove(reader);
      else wake();
    },

    /** Ends every stream, so the HTTP server can close, and stops listening. */
    async stop(): Promise<void> {
      stopped = true;
      for (const set of [...readers.values()]) for (const reader of [...set]) remove(reader);
      await pass;
      const unlisten = await listening;
      listening = undefined;
      await unlisten?.();
    },
  };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;
