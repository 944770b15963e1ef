import { sql } from 'kysely';
import type { Executor } from '../../platform/db/index.js';
import './identity.tables.js';

export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  roles: string[];
  createdAt: Date;
}

export interface SessionRecord {
  id: string;
  userId: string;
  refreshHash: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

const userColumns = ['id', 'username', 'password_hash', 'roles', 'created_at'] as const;

function toUser(row: { id: string; username: string; password_hash: string; roles: string[]; created_at: Date }): UserRecord {
  return { id: row.id, username: row.username, passwordHash: row.password_hash, roles: row.roles, createdAt: row.created_at };
}

/** Inserts a user; undefined when the username is taken (case-insensitively). */
export async function insertUser(db: Executor, user: { id: string; username: string; passwordHash: string; roles: string[] }): Promise<UserRecord | undefined> {
  const row = await db
    .insertInto('identity_users')
    .values({ id: user.id, username: user.username, password_hash: user.passwordHash, roles: user.roles })
    .onConflict((oc) => oc.expression(sql`lower(username)`).doNothing())
    .returning(userColumns)
    .executeTakeFirst();
  return row && toUser(row);
}

export async function findUserByUsername(db: Executor, username: string): Promise<UserRecord | undefined> {
  const row = await db
    .selectFrom('identity_users')
    .select(userColumns)
    .where(sql`lower(username)`, '=', username.toLowerCase())
    .executeTakeFirst();
  return row && toUser(row);
}

export async function findUserById(db: Executor, id: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('identity_users').select(userColumns).where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

export async function grantRole(db: Executor, userId: string, role: string): Promise<void> {
  await db
    .updateTable('identity_users')
    .set({ roles: sql<string[]>`array_append(roles, ${role})` })
    .where('id', '=', userId)
    .where(sql<boolean>`not (${role} = any(roles))`)
    .execute();
}

export async function usernamesOf(db: Executor, ids: string[]): Promise<{ id: string; username: string }[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('identity_users').select(['id', 'username']).where('id', 'in', ids).execute();
}

/** A page of users in case-insensitive username order, optionally those whose name starts with `prefix`, after `afterName` (lower case). */
export async function searchUsers(db: Executor, filter: { prefix?: string }, limit: number, afterName?: string): Promise<UserRecord[]> {
  let query = db.selectFrom('identity_users').select(userColumns).orderBy(sql`lower(username)`).limit(limit);
  if (filter.prefix) query = query.where(sql<boolean>`starts_with(lower(username), ${filter.prefix.toLowerCase()})`);
  if (afterName !== undefined) query = query.where(sql`lower(username)`, '>', afterName);
  return (await query.execute()).map(toUser);
}

export async function countUsers(db: Executor): Promise<number> {
  const row = await db.selectFrom('identity_users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return row.n;
}

export async function insertSession(db: Executor, session: { id: string; userId: string; refreshHash: string; expiresAt: Date }): Promise<void> {
  await db
    .insertInto('identity_sessions')
    .values({ id: session.id, user_id: session.userId, refresh_hash: session.refreshHash, expires_at: session.expiresAt })
    .execute();
}

export async function findSession(db: Executor, id: string): Promise<SessionRecord | undefined> {
  const row = await db
    .selectFrom('identity_sessions')
    .select(['id', 'user_id', 'refresh_hash', 'expires_at', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { id: row.id, userId: row.user_id, refreshHash: row.refresh_hash, expiresAt: row.expires_at, revokedAt: row.revoked_at };
}

/** Moves a live session to a new refresh token, only if `oldHash` is still the current one. */
export async function rotateSession(db: Executor, id: string, oldHash: string, newHash: string): Promise<boolean> {
  const result = await db
    .updateTable('identity_sessions')
    .set({ refresh_hash: newHash, rotated_at: new Date() })
    .where('id', '=', id)
    .where('refresh_hash', '=', oldHash)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function revokeSession(db: Executor, id: string, reason: string): Promise<void> {
  await db
    .updateTable('identity_sessions')
    .set({ revoked_at: new Date(), revoke_reason: reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Sessions not revoked whose user row is gone or whose roles are outside the known set (audit). */
export async function countOrphanSessions(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('identity_sessions as s')
    .leftJoin('identity_users as u', 'u.id', 's.user_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('u.id', 'is', null)
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function countUsersWithoutUserRole(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('identity_users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(sql<boolean>`not ('user' = any(roles))`)
    .executeTakeFirstOrThrow();
  return row.n;
}
