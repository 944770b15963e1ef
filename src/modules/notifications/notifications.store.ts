import { insertRecordsets, type Executor, type Row } from '../../platform/db/index.js';
import './notifications.tables.js';

export type NotificationRow = Row<'notifications'>;

export interface NewNotification {
  userId: string;
  type: string;
  title: string;
  body: string;
  dedupeKey: string;
}

/** Where a live reader of one user stands: it has seen every id up to `afterId`. */
export interface UserCursor {
  userId: string;
  afterId: number;
}

/** Inserts the notification unless one with its dedupe key exists; returns the new row or undefined. */
export async function insertNotification(db: Executor, n: NewNotification): Promise<NotificationRow | undefined> {
  return db
    .insertInto('notifications')
    .values({ user_id: n.userId, type: n.type, title: n.title, body: n.body, dedupe_key: n.dedupeKey })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Inserts many notifications in one statement; those whose dedupe key exists are skipped. */
export async function insertNotifications(db: Executor, list: NewNotification[]): Promise<void> {
  // A recordset, not a VALUES list: one statement text whatever the batch's size (prepared once).
  await insertRecordsets(db, [{ table: 'notifications', rows: list.map((n) => ({ user_id: n.userId, type: n.type, title: n.title, body: n.body, dedupe_key: n.dedupeKey })), skipConflicts: true }]);
}

/** A user's notifications, newest first, below `beforeId` when given. */
export async function listNotifications(db: Executor, userId: string, page: { limit: number; beforeId?: number; unreadOnly: boolean }): Promise<NotificationRow[]> {
  let query = db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
  if (page.beforeId !== undefined) query = query.where('id', '<', page.beforeId);
  // `not read` spelled literally, so the planner can use the partial index (a parameter would hide it).
  if (page.unreadOnly) query = query.where((eb) => eb.not(eb.ref('read')));
  return query.orderBy('id', 'desc').limit(page.limit).execute();
}

export async function countUnread(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where((eb) => eb.not(eb.ref('read')))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks one of the user's notifications read; undefined when the user has no such notification. */
export async function markRead(db: Executor, userId: string, id: number): Promise<NotificationRow | undefined> {
  return db.updateTable('notifications').set({ read: true }).where('id', '=', id).where('user_id', '=', userId).returningAll().executeTakeFirst();
}

/** Marks every unread notification of the user read; returns how many changed. */
export async function markAllRead(db: Executor, userId: string): Promise<number> {
  const result = await db
    .updateTable('notifications')
    .set({ read: true })
    .where('user_id', '=', userId)
    .where((eb) => eb.not(eb.ref('read')))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The newest id the user has, 0 when none. */
export async function latestId(db: Executor, userId: string): Promise<number> {
  const row = await db.selectFrom('notifications').select((eb) => eb.fn.max('id').as('id')).where('user_id', '=', userId).executeTakeFirst();
  return row?.id == null ? 0 : Number(row.id);
}

/** In one query, the rows each reader has not seen yet, oldest first. */
export async function newerThan(db: Executor, cursors: UserCursor[], limit: number): Promise<NotificationRow[]> {
  if (cursors.length === 0) return [];
  return db
    .selectFrom('notifications')
    .selectAll()
    .where((eb) => eb.or(cursors.map((c) => eb.and([eb('user_id', '=', c.userId), eb('id', '>', c.afterId)]))))
    .orderBy('id')
    .limit(limit)
    .execute();
}
