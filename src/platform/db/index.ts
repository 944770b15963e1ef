export { openDatabase, type Database, type DatabaseKind } from './database.js';
export { migrate, pendingMigrations, type MigrationSource } from './migrator.js';
export { inTransaction, isUniqueViolation, isCheckViolation } from './transaction.js';
export type { Db, Tx, Executor, Tables, Row, NewRow } from './tables.js';
export { getOrCreateSetting } from './settings.js';
export { insertRecordsets, recordsetCtes, recordsetInsert, writeAllOrNothing, type Recordset, type RecordsetRow } from './bulk.js';
export { createGroupCommit, ItemFailed, succeeded, refused, type Outcome, type BatchWriter, type GroupCommit } from './group-commit.js';

/** The platform's own migrations. */
export const platformMigrations = { module: 'platform', dir: new URL('./migrations/', import.meta.url) };
