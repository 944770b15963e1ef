import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { prepareRepeatedStatements } from './prepared.js';
import { PGliteDialect } from './pglite-dialect.js';
import { startPGliteThread } from './pglite-thread.js';
import type { Db, Executor } from './tables.js';

export type DatabaseKind = 'pglite' | 'postgres';

/** The database handle every module receives: Kysely plus what differs between the two engines. */
export interface Database {
  readonly db: Db;
  readonly kind: DatabaseKind;
  /** Runs a multi-statement SQL script (migrations) on the given executor. */
  execScript(executor: Executor, script: string): Promise<void>;
  /**
   * Calls `onNotify` whenever a transaction that ran `pg_notify(channel, …)` commits (LISTEN).
   * Best effort: callers keep a slow poll as the safety net. Returns a function that stops it.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const INT8_OID = 20;
/** A text is prepared from its third use; at most 256 per process (each connection plans each once). */
const PREPARED_STATEMENTS = { minUses: 3, max: 256 };

/** int8 (bigint, count(*)) as a JS number: minor units and counts stay far below 2^53. */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds the safe integer range`);
  return n;
}

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  /** Folder for the embedded database, or `memory://` for a throw-away one. */
  dataDir: string;
  poolSize?: number;
  /** Prepare the statements a process repeats (default on; off behind a pooler that cannot). */
  preparedStatements?: boolean;
}

/** PostgreSQL when a URL is given, otherwise PGlite persisted in the data folder. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 20, options.preparedStatements ?? true) : openPGlite(options.dataDir);
}

async function openPostgres(url: string, poolSize: number, preparedStatements: boolean): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    idleTimeoutMillis: 30_000,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  if (preparedStatements) prepareRepeatedStatements(pool, PREPARED_STATEMENTS);
  const db: Db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  const listeners = new Set<() => Promise<void>>();
  return {
    db,
    kind: 'postgres',
    async listen(channel, onNotify) {
      const stopListening = await listenOnPostgres(url, channel, onNotify);
      // Forgotten once stopped, so a process that listens and stops many times keeps nothing.
      const stop = async () => {
        listeners.delete(stop);
        await stopListening();
      };
      listeners.add(stop);
      return stop;
    },
    async execScript(executor, script) {
      // node-postgres sends a parameterless query over the simple protocol, which allows many statements.
      await sql.raw(script).execute(executor);
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await Promise.all([...listeners].map((stop) => stop()));
      await db.destroy();
    },
  };
}

/** LISTEN on a dedicated connection that reconnects (with a pause) whenever it is lost. */
async function listenOnPostgres(url: string, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
  let stopped = false;
  let client: pg.Client | undefined;
  const reconnectLater = (): void => {
    setTimeout(() => void connect().catch(reconnectLater), 1000).unref();
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', () => onNotify());
    next.on('error', () => undefined);
    next.on('end', () => {
      if (stopped) return;
      client = undefined;
      reconnectLater();
      onNotify(); // notifications may have been missed meanwhile: look once
    });
    await next.connect();
    await next.query(`listen ${channel}`);
    client = next;
  };
  await connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => undefined);
  };
}

async function openPGlite(dataDir: string): Promise<Database> {
  let location = dataDir;
  if (!dataDir.startsWith('memory://')) {
    location = path.join(dataDir, 'pgdata');
    fs.mkdirSync(location, { recursive: true });
  }
  const pglite = await startPGliteThread(location);
  const db: Db = new Kysely({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    async listen(channel, onNotify) {
      return pglite.listen(channel, onNotify);
    },
    async execScript(_executor, script) {
      // The caller holds PGlite's only session (inside its transaction); exec runs many statements on it.
      await pglite.exec(script);
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
