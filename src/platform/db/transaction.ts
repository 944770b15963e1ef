import type { IsolationLevel } from 'kysely';
import { isStalePreparedStatement } from './prepared.js';
import type { Db, Tx } from './tables.js';

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock detected

export interface TransactionOptions {
  isolation?: IsolationLevel;
  /** Attempts for serialization failures, deadlocks and stale prepared statements (default 5). */
  attempts?: number;
}

function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * Runs `work` in one database transaction and retries it when PostgreSQL reports a
 * serialization failure, a deadlock, or a prepared statement whose result columns changed (a
 * migration added a column; the statement is prepared afresh). `work` must only touch the database through `tx`.
 */
export async function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      const builder = options.isolation ? db.transaction().setIsolationLevel(options.isolation) : db.transaction();
      return await builder.execute(work);
    } catch (error) {
      const state = sqlState(error);
      const retryable = (state !== undefined && RETRYABLE.has(state)) || isStalePreparedStatement(error);
      if (attempt >= attempts || !retryable) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

/** True when the error is PostgreSQL's unique_violation (optionally on a named constraint). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (sqlState(error) !== '23505') return false;
  if (constraint === undefined) return true;
  return (error as { constraint?: unknown }).constraint === constraint;
}

/** True when the error is PostgreSQL's check_violation (a CHECK constraint, e.g. balance >= 0). */
export function isCheckViolation(error: unknown): boolean {
  return sqlState(error) === '23514';
}
