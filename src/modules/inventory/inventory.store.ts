import { sql } from 'kysely';
import { recordsetCtes, writeAllOrNothing, type Executor, type Recordset } from '../../platform/db/index.js';
import type { ReservationStatus } from './inventory.tables.js';

export interface StockLevel {
  skuId: string;
  available: number;
  reserved: number;
}

export interface StockChange {
  actorId: string | null;
  reason: string;
  note?: string | null;
}

export async function insertStock(db: Executor, skuId: string, available: number, change: StockChange): Promise<void> {
  await db.insertInto('inventory_stock').values({ sku_id: skuId, available }).execute();
  if (available > 0) {
    await db
      .insertInto('inventory_log')
      .values({ sku_id: skuId, available_delta: available, reserved_delta: 0, reason: change.reason, actor_id: change.actorId, order_id: null, note: change.note ?? null })
      .execute();
  }
}

/** available += delta unless it would go below zero; returns the new level or undefined. */
export async function adjustAvailable(db: Executor, skuId: string, delta: number, change: StockChange): Promise<number | undefined> {
  const result = await sql<{ available: number }>`
    with changed as (
      update inventory_stock set available = available + ${delta}, updated_at = now()
      where sku_id = ${skuId} and available + ${delta} >= 0
      returning available
    ), logged as (
      insert into inventory_log (sku_id, available_delta, reserved_delta, reason, actor_id, note)
      select ${skuId}, ${delta}, 0, ${change.reason}, ${change.actorId}, ${change.note ?? null} from changed
    )
    select available from changed`.execute(db);
  return result.rows[0]?.available;
}

/** Locks the stock rows of these SKUs (in one order, so batches never deadlock on each other) and reads what is available. */
export async function lockAvailable(db: Executor, skuIds: string[]): Promise<Map<string, number>> {
  if (skuIds.length === 0) return new Map();
  const rows = await db.selectFrom('inventory_stock').select(['sku_id', 'available']).where('sku_id', 'in', skuIds).orderBy('sku_id').forUpdate().execute();
  return new Map(rows.map((r) => [r.sku_id, r.available]));
}

export interface ReservationRow {
  orderId: string;
  skuId: string;
  quantity: number;
  actorId: string | null;
}

/**
 * The reservation CTEs: the stock rows locked in SKU order, the quantities moved from available
 * to reserved (summed per SKU, guarded by `available >= total`), a held reservation and a log
 * row each. `taken` holds the SKUs that moved, `totals` the SKUs asked for.
 */
function reservationCtes(rows: ReservationRow[]) {
  return sql`
    r as (
      select * from unnest(${rows.map((r) => r.orderId)}::uuid[], ${rows.map((r) => r.skuId)}::uuid[], ${rows.map((r) => r.quantity)}::int[], ${rows.map((r) => r.actorId)}::uuid[])
        as r(order_id, sku_id, quantity, actor_id)
    ), totals as (
      select sku_id, sum(quantity)::int as quantity from r group by sku_id
    ), locked as (
      select s.sku_id from inventory_stock s where s.sku_id in (select sku_id from totals) order by s.sku_id for update
    ), taken as (
      update inventory_stock s set available = s.available - t.quantity, reserved = s.reserved + t.quantity, updated_at = now()
      from totals t join locked l on l.sku_id = t.sku_id
      where s.sku_id = t.sku_id and s.available >= t.quantity
      returning s.sku_id
    ), held as (
      insert into inventory_reservations (order_id, sku_id, quantity) select order_id, sku_id, quantity from r
    ), logged as (
      insert into inventory_log (sku_id, available_delta, reserved_delta, reason, actor_id, order_id)
      select sku_id, -quantity, quantity, 'reserve', actor_id, order_id from r
    )`;
}

/**
 * Reserves the rows (see reservationCtes). Returns how many SKUs moved: fewer than asked
 * means one lacked stock, and the caller must roll back.
 */
export async function reserve(db: Executor, rows: ReservationRow[]): Promise<{ moved: number; wanted: number }> {
  const result = await sql<{ moved: number; wanted: number }>`
    with ${reservationCtes(rows)}
    select (select count(*) from taken)::int as moved, (select count(*) from totals)::int as wanted`.execute(db);
  return result.rows[0] ?? { moved: 0, wanted: 0 };
}

/**
 * Reserves every row in ONE statement on its own, with the caller's `alongside` rows, when
 * every SKU has the stock for all of them. When any SKU is short, the statement fails and
 * writes nothing, and false is returned (the caller allocates order by order instead).
 */
export async function reserveAll(db: Executor, rows: ReservationRow[], alongside: Recordset[]): Promise<boolean> {
  if (rows.length === 0) return true;
  // A SKU short of stock fails the statement, undoing it all.
  return writeAllOrNothing(db, [reservationCtes(rows), ...recordsetCtes(alongside)], sql`(select count(*) from taken) = (select count(*) from totals)`);
}

/**
 * Ends the orders' reservations that are in `from` (to `to`), moving their quantities by the
 * given signs (+1 back to available, -1 out of reserved …), summed per SKU, with a log row
 * each. Guarded by the status, so it acts at most once per reservation; returns how many it ended.
 */
export async function endReservations(
  db: Executor,
  orderIds: string[],
  transition: { from: ReservationStatus; to: ReservationStatus; availableSign: 0 | 1; reservedSign: 0 | -1; reason: string },
  actorId: string | null,
): Promise<number> {
  if (orderIds.length === 0) return 0;
  const { from, to, availableSign, reservedSign, reason } = transition;
  const result = await sql<{ n: number }>`
    with ended as (
      update inventory_reservations set status = ${to}, ended_at = now()
      where order_id = any(${orderIds}::uuid[]) and status = ${from}
      returning order_id, sku_id, quantity
    ), totals as (
      select sku_id, sum(quantity)::int as quantity from ended group by sku_id
    ), locked as (
      -- in SKU order, as reservations lock them: two batches never wait on each other crosswise
      select s.sku_id from inventory_stock s where s.sku_id in (select sku_id from totals) order by s.sku_id for update
    ), moved as (
      update inventory_stock s set available = s.available + ${availableSign} * t.quantity, reserved = s.reserved + ${reservedSign} * t.quantity, updated_at = now()
      from totals t join locked l on l.sku_id = t.sku_id where s.sku_id = t.sku_id
      returning s.sku_id
    ), logged as (
      insert into inventory_log (sku_id, available_delta, reserved_delta, reason, actor_id, order_id)
      select sku_id, ${availableSign} * quantity, ${reservedSign} * quantity, ${reason}, ${actorId}, order_id from ended
    )
    select count(*)::int as n from ended`.execute(db);
  return result.rows[0]?.n ?? 0;
}

export async function stockLevels(db: Executor, skuIds: string[]): Promise<StockLevel[]> {
  if (skuIds.length === 0) return [];
  const rows = await db.selectFrom('inventory_stock').select(['sku_id', 'available', 'reserved']).where('sku_id', 'in', skuIds).execute();
  return rows.map((r) => ({ skuId: r.sku_id, available: r.available, reserved: r.reserved }));
}

// ---- I1 audit queries ----

export async function negativeStock(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('inventory_stock').select(['sku_id', 'available', 'reserved']).where((eb) => eb.or([eb('available', '<', 0), eb('reserved', '<', 0)])).execute();
  return rows.map((r) => `SKU ${r.sku_id}: available ${r.available}, reserved ${r.reserved}`);
}

export async function reservedNotMatchingReservations(db: Executor): Promise<string[]> {
  const result = await sql<{ sku_id: string; reserved: number; held: number }>`
    select s.sku_id, s.reserved, coalesce(h.held, 0)::int as held
    from inventory_stock s
    left join (select sku_id, sum(quantity) as held from inventory_reservations where status = 'held' group by sku_id) h on h.sku_id = s.sku_id
    where s.reserved <> coalesce(h.held, 0)`.execute(db);
  return result.rows.map((r) => `SKU ${r.sku_id}: reserved ${r.reserved} but live reservations hold ${r.held}`);
}

export async function stockNotMatchingLog(db: Executor): Promise<string[]> {
  const result = await sql<{ sku_id: string; available: number; reserved: number; logged_available: number; logged_reserved: number }>`
    select s.sku_id, s.available, s.reserved, coalesce(l.a, 0)::int as logged_available, coalesce(l.r, 0)::int as logged_reserved
    from inventory_stock s
    left join (select sku_id, sum(available_delta) as a, sum(reserved_delta) as r from inventory_log group by sku_id) l on l.sku_id = s.sku_id
    where s.available <> coalesce(l.a, 0) or s.reserved <> coalesce(l.r, 0)`.execute(db);
  return result.rows.map((r) => `SKU ${r.sku_id}: stock ${r.available}/${r.reserved} but the stock log sums to ${r.logged_available}/${r.logged_reserved}`);
}
