// Whether other work shared the PostgreSQL server during a stretch of a benchmark: the CPU of
// the `postgres` processes is reported whole, whichever database it served, so transactions in
// other databases mean that share (and the figures) include someone else's load.
import pg from 'pg';
import { SERVICE_URLS } from '../test/support/services.js';

/** Transactions so far in every database but `ownUrl`'s; undefined when the server does not answer. */
export async function otherDatabaseTransactions(ownUrl: string | undefined): Promise<number | undefined> {
  const own = ownUrl === undefined ? null : decodeURIComponent(new URL(ownUrl).pathname.slice(1));
  const client = new pg.Client({ connectionString: SERVICE_URLS.database, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    const result = await client.query<{ n: string }>('select coalesce(sum(xact_commit + xact_rollback), 0)::text as n from pg_stat_database where datname is distinct from $1', [own]);
    return Number(result.rows[0]?.n ?? 0);
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}
