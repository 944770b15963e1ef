import { sql, type RawBuilder } from 'kysely';
import type { Executor, Tables } from './tables.js';

/** A row for `insertRecordsets`: the table's columns with plain JSON values (objects for json/jsonb columns, ISO strings for times). */
export type RecordsetRow<T extends keyof Tables> = { [K in keyof Tables[T]]?: unknown };

/** One table's rows for `insertRecordsets`. */
export interface Recordset<T extends keyof Tables & string = keyof Tables & string> {
  table: T;
  rows: RecordsetRow<T>[];
  /** `on conflict do nothing`: rows that would break a unique key are left out (dedupe keys). */
  skipConflicts?: boolean;
}

/**
 * Inserts into several tables in ONE statement (one round trip): each table's rows are ONE
 * parameter, `insert … select from json_populate_recordset(null::table, $1)` (for hundreds of
 * rows this beats a VALUES list with thousands of bind parameters, on both sides of the wire;
 * columns are those of the first row, omitted ones take their defaults), in a data-modifying CTE. Foreign keys between them hold: PostgreSQL checks them at the end of the
 * statement, when every CTE has written. Empty recordsets are left out.
 */
export async function insertRecordsets(db: Executor, recordsets: Recordset[]): Promise<void> {
  const ctes = recordsetCtes(recordsets);
  if (ctes.length === 0) return;
  await sql`with ${sql.join(ctes)} select 1`.execute(db);
}

/**
 * The inserts of these recordsets as data-modifying CTEs (`rs0 as (insert …)`, …), for a
 * module's own statement to write them in its round trip. Empty recordsets are left out.
 */
export function recordsetCtes(recordsets: Recordset[]): RawBuilder<unknown>[] {
  const inserts = recordsets.flatMap((r) => recordsetInsert(r.table, r.rows, r.skipConflicts) ?? []);
  return inserts.map((insert, i) => sql`${sql.raw(`rs${i}`)} as (${insert})`);
}

/**
 * One recordset's insert (`insert into t (…) select … from json_populate_recordset(…)`), for a
 * statement that wants it as its own CTE, e.g. with a RETURNING clause. Undefined when empty.
 * Its text does not depend on the number of rows (one JSON parameter).
 */
export function recordsetInsert<T extends keyof Tables & string>(table: T, rows: RecordsetRow<T>[], skipConflicts = false) {
  const first = rows[0];
  if (!first) return undefined;
  const columns = sql.join(Object.keys(first).map((column) => sql.ref(column)));
  const conflicts = skipConflicts ? sql` on conflict do nothing` : sql``;
  return sql`insert into ${sql.table(table)} (${columns}) select ${columns} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json)${conflicts}`;
}

/**
 * Runs data-modifying CTEs as ONE statement that writes all or nothing: when `holds` (a boolean
 * over the CTEs' results) is false, the statement fails on purpose (a division by zero,
 * SQLSTATE 22012), nothing it wrote stays, and false is returned.
 */
export async function writeAllOrNothing(db: Executor, ctes: RawBuilder<unknown>[], holds: RawBuilder<unknown>): Promise<boolean> {
  try {
    await sql`with ${sql.join(ctes)} select 1 / (${holds})::int as complete`.execute(db);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === '22012') return false;
    throw error;
  }
}
