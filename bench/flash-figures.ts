// What the drain did, read after the run from the database the deployment wrote (PostgreSQL,
// or the embedded PGlite folder once its process has stopped): every purchase carries
// accepted_at (admission, on the api process) and decided_at (the drain transaction), so the
// backlog, the drain rate and the end-to-end latency follow from them.
import { sql, type RawBuilder } from 'kysely';
import { openDatabase } from '../src/platform/db/index.js';
import type { Db } from '../src/platform/db/index.js';

export interface DrainFigures {
  purchases: number;
  succeeded: number;
  /** Failed purchases by reason. */
  failed: Map<string, number>;
  flashOrders: number;
  /** decided_at − accepted_at over every purchase, ms. */
  e2eP50: number;
  e2eP99: number;
  e2eMax: number;
  /** Mean decided per second over the seconds the drain had a full batch waiting throughout. */
  backloggedRate: number | undefined;
  backloggedSeconds: number;
  /** The busiest whole second. */
  peakRate: number;
  /** The most purchases accepted and not yet decided, at whole seconds and at the end of the load. */
  maxBacklog: number;
  /** Accepted but not yet decided when the load stopped. */
  backlogAtLoadEnd: number;
  /** From the end of the load to the last decision (0 when it had kept up), ms. */
  drainedAfterLoadMs: number;
  /** Decided after the load stopped, per second (the drain alone with the machine). */
  afterLoadRate: number | undefined;
  sale: { state: string; settled: boolean; stock: number; quantity: number; returnedToSku: number };
  /** Events still in the outbox (not yet relayed to the broker) when the processes stopped. */
  outboxWaiting: number;
}

type Totals = { purchases: number; succeeded: number; e2e_p50: number | null; e2e_p99: number | null; e2e_max: number | null; last_decided: number | null; acc_before: number; dec_before: number };

async function totals(db: Db, saleId: string, loadEnd: Date): Promise<Totals> {
  const result = await sql<Totals>`
    select count(*)::int as purchases,
      (count(*) filter (where status = 'succeeded'))::int as succeeded,
      percentile_cont(0.5) within group (order by extract(epoch from decided_at - accepted_at)) * 1000 as e2e_p50,
      percentile_cont(0.99) within group (order by extract(epoch from decided_at - accepted_at)) * 1000 as e2e_p99,
      (max(extract(epoch from decided_at - accepted_at)) * 1000)::float8 as e2e_max,
      (extract(epoch from max(decided_at)) * 1000)::float8 as last_decided,
      (count(*) filter (where accepted_at < ${loadEnd}))::int as acc_before,
      (count(*) filter (where decided_at < ${loadEnd}))::int as dec_before
    from flash_purchases where sale_id = ${saleId}
  `.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error('no totals');
  return row;
}

async function perSecond(db: Db, saleId: string, column: 'accepted_at' | 'decided_at'): Promise<Map<number, number>> {
  const result = await sql<{ s: number; n: number }>`
    select floor(extract(epoch from ${sql.ref(column)}))::int8 as s, count(*)::int as n
    from flash_purchases where sale_id = ${saleId} group by 1
  `.execute(db);
  return new Map(result.rows.map((r) => [Number(r.s), r.n]));
}

/** Backlog at each second's start; the drain's rate over the whole seconds it never ran dry. */
function backlogFigures(accepted: Map<number, number>, decided: Map<number, number>, batch: number) {
  const seconds = [...accepted.keys(), ...decided.keys()];
  if (seconds.length === 0) return { backloggedRate: undefined, backloggedSeconds: 0, peakRate: 0, maxBacklog: 0 };
  const first = Math.min(...seconds);
  const last = Math.max(...seconds);
  // Seconds before the drain's first decision (a worker started late) do not measure its rate.
  const drainFrom = Math.min(...decided.keys());
  let backlog = 0;
  let maxBacklog = 0;
  let saturated = 0;
  let saturatedDecided = 0;
  for (let s = first; s <= last; s++) {
    const next = backlog + (accepted.get(s) ?? 0) - (decided.get(s) ?? 0);
    if (s > drainFrom && backlog >= batch && next >= batch) {
      saturated += 1;
      saturatedDecided += decided.get(s) ?? 0;
    }
    backlog = next;
    maxBacklog = Math.max(maxBacklog, backlog);
  }
  return {
    backloggedRate: saturated > 0 ? saturatedDecided / saturated : undefined,
    backloggedSeconds: saturated,
    peakRate: Math.max(0, ...decided.values()),
    maxBacklog,
  };
}

async function saleState(db: Db, saleId: string): Promise<DrainFigures['sale']> {
  const result = await sql<{ state: string; settled: boolean; stock: number; quantity: number; returned_to_sku: number }>`
    select state, settled_at is not null as settled, stock, quantity, returned_to_sku from flash_sales where id = ${saleId}
  `.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error(`sale ${saleId} is not in the database`);
  return { state: row.state, settled: row.settled, stock: row.stock, quantity: row.quantity, returnedToSku: row.returned_to_sku };
}

async function count(db: Db, query: RawBuilder<{ n: number }>): Promise<number> {
  return (await query.execute(db)).rows[0]?.n ?? 0;
}

async function readFrom(db: Db, saleId: string, loadEnd: Date, batch: number): Promise<DrainFigures> {
  const t = await totals(db, saleId, loadEnd);
  const backlog = backlogFigures(await perSecond(db, saleId, 'accepted_at'), await perSecond(db, saleId, 'decided_at'), batch);
  const failedRows = await sql<{ reason: string; n: number }>`select reason, count(*)::int as n from flash_purchases where sale_id = ${saleId} and status = 'failed' group by reason`.execute(db);
  const afterLoadMs = t.last_decided === null ? 0 : Math.max(0, t.last_decided - loadEnd.getTime());
  const decidedAfter = t.purchases - t.dec_before;
  return {
    purchases: t.purchases,
    succeeded: t.succeeded,
    failed: new Map(failedRows.rows.map((r) => [r.reason, r.n])),
    flashOrders: await count(db, sql<{ n: number }>`select count(*)::int as n from orders where flash_sale_id = ${saleId}`),
    e2eP50: t.e2e_p50 ?? Number.NaN,
    e2eP99: t.e2e_p99 ?? Number.NaN,
    e2eMax: t.e2e_max ?? Number.NaN,
    ...backlog,
    maxBacklog: Math.max(backlog.maxBacklog, t.acc_before - t.dec_before),
    backlogAtLoadEnd: t.acc_before - t.dec_before,
    drainedAfterLoadMs: afterLoadMs,
    afterLoadRate: afterLoadMs >= 1000 ? decidedAfter / (afterLoadMs / 1000) : undefined,
    sale: await saleState(db, saleId),
    outboxWaiting: await count(db, sql<{ n: number }>`select count(*)::int as n from platform_outbox`),
  };
}

/** Opens the deployment's database (PostgreSQL by URL, else the PGlite folder), reads, closes. */
export async function readDrainFigures(where: { databaseUrl: string | undefined; dataDir: string | undefined }, saleId: string, loadEnd: Date, batch: number): Promise<DrainFigures> {
  const database = await openDatabase({ databaseUrl: where.databaseUrl, dataDir: where.dataDir ?? 'memory://', poolSize: 2 });
  try {
    return await readFrom(database.db, saleId, loadEnd, batch);
  } finally {
    await database.close();
  }
}

/** PostgreSQL only (the embedded database is inside the running process): whether the sale has settled. */
export async function saleSettled(databaseUrl: string, saleId: string): Promise<boolean> {
  const database = await openDatabase({ databaseUrl, dataDir: 'memory://', poolSize: 1 });
  try {
    return (await saleState(database.db, saleId)).settled;
  } finally {
    await database.close();
  }
}
