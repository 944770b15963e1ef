import { sql } from 'kysely';
import pino, { type Logger } from 'pino';
import { migrate, openDatabase, platformMigrations, type Database, type Executor } from '../../src/platform/db/index.js';
import { createTestDatabase, type Mode } from './harness.js';

/*
 * Test-only events and jobs, added by declaration merging so publishEvent/scheduleJob stay
 * type-checked in the bus and jobs suites exactly as in production modules.
 */
declare module '../../src/platform/bus/events.js' {
  interface EventMap {
    'test.ping': { n: number; poison?: boolean };
  }
}

declare module '../../src/platform/jobs/jobs.js' {
  interface JobMap {
    'test.effect': { n: number };
    'test.flaky': { n: number };
  }
}

/** A logger that stays quiet unless TEST_LOG_LEVEL asks for more (debugging a failing run). */
export function testLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}

/**
 * The effects the handlers under test produce. Deliberately no unique constraint on `n`:
 * a message or job handled twice shows up as a duplicate row instead of an error.
 */
export async function createEffectsTable(db: Executor): Promise<void> {
  await sql`create table if not exists test_effects (id bigserial primary key, n int not null)`.execute(db);
}

export async function insertEffect(db: Executor, n: number): Promise<void> {
  await sql`insert into test_effects (n) values (${n})`.execute(db);
}

export async function countEffects(db: Executor): Promise<{ total: number; distinct: number }> {
  const result = await sql<{ total: number; distinct: number }>`
    select count(*)::int as total, count(distinct n)::int as distinct from test_effects`.execute(db);
  const row = result.rows[0];
  return { total: row?.total ?? 0, distinct: row?.distinct ?? 0 };
}

export interface ModeDatabase {
  database: Database;
  /** Set in services mode: the fresh PostgreSQL database, for a second pool or a child process. */
  url: string | undefined;
  /** Closes the handle and drops the PostgreSQL database. */
  dispose(): Promise<void>;
}

/** A migrated, empty database for one mode: PGlite in memory, or a fresh PostgreSQL database. */
export async function openModeDatabase(mode: Mode): Promise<ModeDatabase> {
  const fresh = mode === 'services' ? await createTestDatabase() : undefined;
  const database = await openDatabase({ databaseUrl: fresh?.url, dataDir: 'memory://' });
  await migrate(database, [platformMigrations]);
  await createEffectsTable(database.db);
  return {
    database,
    url: fresh?.url,
    async dispose() {
      await database.close().catch(() => undefined);
      await fresh?.drop();
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; throws with `what` after `timeoutMs` (tests never hang). */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
