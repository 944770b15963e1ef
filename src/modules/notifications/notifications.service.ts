import type { Db, Executor } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import * as store from './notifications.store.js';

/** A notification as the API shows it to its owner. */
export interface Notification {
  id: string;
  type: string;
  title: string;
  body: string;
  read: boolean;
  createdAt: string;
}

/**
 * What another module asks to tell a user. `dedupeKey` names the occasion (e.g.
 * `order.paid:<orderId>:buyer`): a second notify with the same key adds nothing.
 */
export type NotificationInput = store.NewNotification;

export interface NotificationPage {
  items: Notification[];
  nextCursor: string | null;
}

/** The API view of a stored row. */
export function notificationView(row: store.NotificationRow): Notification {
  return { id: String(row.id), type: row.type, title: row.title, body: row.body, read: row.read, createdAt: row.created_at.toISOString() };
}

/** Notifications: writing them (in the caller's transaction), listing and marking them read. */
export function createNotificationsService(db: Db) {
  return {
    /** Adds a notification in the caller's transaction; undefined when its dedupe key was already used. */
    async notify(tx: Executor, input: NotificationInput): Promise<Notification | undefined> {
      const row = await store.insertNotification(tx, input);
      return row && notificationView(row);
    },

    /** Adds many notifications in one statement (a consumer's batch); already used dedupe keys are skipped. */
    async notifyMany(tx: Executor, inputs: NotificationInput[]): Promise<void> {
      await store.insertNotifications(tx, inputs);
    },

    /** The user's notifications, newest first; the cursor is the id of the last item of the previous page. */
    async list(userId: string, page: { limit: number; cursor?: string; unreadOnly?: boolean }): Promise<NotificationPage> {
      const beforeId = page.cursor === undefined ? undefined : Number(page.cursor);
      const rows = await store.listNotifications(db, userId, { limit: page.limit + 1, beforeId, unreadOnly: page.unreadOnly ?? false });
      const items = rows.slice(0, page.limit).map(notificationView);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > page.limit && last ? last.id : null };
    },

    async unreadCount(userId: string): Promise<number> {
      return store.countUnread(db, userId);
    },

    /** Marks one of the user's notifications read (again is fine); someone else's is not_found. */
    async markRead(userId: string, id: string): Promise<Notification> {
      const row = await store.markRead(db, userId, Number(id));
      if (!row) throw new AppError('not_found', 'no such notification');
      return notificationView(row);
    },

    /** Marks all the user's notifications read; returns how many were unread. */
    async markAllRead(userId: string): Promise<number> {
      return store.markAllRead(db, userId);
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
