import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Database } from './database.js';

/** A module's migrations: `NNN_name.sql` files in one folder, applied in name order. */
export interface MigrationSource {
  module: string;
  dir: URL;
}

const MIGRATION_LOCK = 727_001; // advisory lock id shared by every process of a deployment

function listMigrations(source: MigrationSource): { name: string; sql: string }[] {
  const dir = fileURLToPath(source.dir);
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => ({ name: file, sql: fs.readFileSync(`${dir}/${file}`, 'utf8') }));
}

/**
 * Applies every pending migration of every source, in one transaction under an advisory
 * lock, so several processes starting on an empty database at once are safe.
 * Returns the names applied.
 */
export async function migrate(database: Database, sources: MigrationSource[]): Promise<string[]> {
  const applied: string[] = [];
  await database.db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(tx);
    await sql`create table if not exists platform_migrations (
      module text not null, name text not null, applied_at timestamptz not null default now(),
      primary key (module, name))`.execute(tx);
    const done = await tx.selectFrom('platform_migrations').select(['module', 'name']).execute();
    const seen = new Set(done.map((row) => `${row.module}/${row.name}`));
    for (const source of sources) {
      for (const migration of listMigrations(source)) {
        const id = `${source.module}/${migration.name}`;
        if (seen.has(id)) continue;
        await database.execScript(tx, migration.sql);
        await tx.insertInto('platform_migrations').values({ module: source.module, name: migration.name }).execute();
        applied.push(id);
      }
    }
  });
  return applied;
}

/** Migrations present in code but not applied to the database. */
export async function pendingMigrations(database: Database, sources: MigrationSource[]): Promise<string[]> {
  const exists = await sql<{ present: boolean }>`select to_regclass('platform_migrations') is not null as present`.execute(database.db);
  const done = exists.rows[0]?.present
    ? await database.db.selectFrom('platform_migrations').select(['module', 'name']).execute()
    : [];
  const seen = new Set(done.map((row) => `${row.module}/${row.name}`));
  return sources.flatMap((source) =>
    listMigrations(source)
      .map((m) => `${source.module}/${m.name}`)
      .filter((id) => !seen.has(id)),
  );
}
