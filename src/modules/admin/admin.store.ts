import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/index.js';
import type { AdminTables } from './admin.tables.js';

export type AuditRow = Selectable<AdminTables['admin_audit_log']>;
export type NewAuditRow = Insertable<AdminTables['admin_audit_log']>;

/** The write-ahead row of an admin mutation (status null: still running). */
export async function insertAuditEntry(db: Executor, row: NewAuditRow): Promise<void> {
  await db.insertInto('admin_audit_log').values(row).execute();
}

/** Records the outcome of a pending entry; an entry already completed is left as it is. */
export async function finishAuditEntry(db: Executor, id: string, outcome: { status: number; target: string | null }): Promise<void> {
  await db
    .updateTable('admin_audit_log')
    .set({ status: outcome.status, target: outcome.target, finished_at: new Date() })
    .where('id', '=', id)
    .where('status', 'is', null)
    .execute();
}

/** Newest first, before the cursor's `seq`. */
export async function listAuditEntries(db: Executor, limit: number, beforeSeq?: number): Promise<AuditRow[]> {
  let query = db.selectFrom('admin_audit_log').selectAll();
  if (beforeSeq !== undefined) query = query.where('seq', '<', beforeSeq);
  return query.orderBy('seq', 'desc').limit(limit).execute();
}
