import { sql } from 'kysely';
import type { Executor, Tables } from './tables.js';

/** A row for `insertRecordset`: the table's columns with plain JSON values (objects for json/jsonb columns, ISO strings for times). */
export type RecordsetRow<T extends keyof Tables> = { [K in keyof Tables[T]]?: unknown };

/**
 * Inserts many rows as ONE parameter: `insert … select from json_populate_recordset(null::table, $1)`.
 * For batches of hundreds of rows this beats a VALUES list with thousands of bind parameters,
 * on both sides of the wire. Columns are those of the first row; omitted ones take their defaults.
 */
export async function insertRecordset<T extends keyof Tables & string>(db: Executor, table: T, rows: RecordsetRow<T>[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = sql.join(Object.keys(first).map((column) => sql.ref(column)));
  await sql`insert into ${sql.table(table)} (${columns}) select ${columns} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json)`.execute(db);
}
