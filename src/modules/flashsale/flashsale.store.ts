import { sql, type Insertable, type Selectable } from 'kysely';
import type { Executor, Recordset } from '../../platform/db/index.js';
import type { FlashsaleTables } from './flashsale.tables.js';

export type SaleRow = Selectable<FlashsaleTables['flash_sales']>;
export type PurchaseRow = Selectable<FlashsaleTables['flash_purchases']>;
export type NewPurchase = Insertable<FlashsaleTables['flash_purchases']>;

export async function insertSale(db: Executor, sale: Insertable<FlashsaleTables['flash_sales']>): Promise<SaleRow> {
  return db.insertInto('flash_sales').values(sale).returningAll().executeTakeFirstOrThrow();
}

export async function findSale(db: Executor, id: string, options: { lock?: boolean } = {}): Promise<SaleRow | undefined> {
  const query = db.selectFrom('flash_sales').selectAll().where('id', '=', id);
  return options.lock ? query.forUpdate().executeTakeFirst() : query.executeTakeFirst();
}

export type SaleFilter = { when?: 'scheduled' | 'running' | 'ended'; sellerId?: string };

/** Newest first; `running` means started and not ended (active or sold out: the hot store tells). */
export async function listSales(db: Executor, filter: SaleFilter, limit: number, beforeSeq?: number): Promise<SaleRow[]> {
  let query = db.selectFrom('flash_sales').selectAll();
  if (filter.sellerId) query = query.where('seller_id', '=', filter.sellerId);
  if (filter.when === 'scheduled') query = query.where('state', '<>', 'ended').where('starts_at', '>', sql<Date>`now()`);
  if (filter.when === 'running') query = query.where('state', '<>', 'ended').where('starts_at', '<=', sql<Date>`now()`).where('ends_at', '>', sql<Date>`now()`);
  if (filter.when === 'ended') query = query.where((eb) => eb.or([eb('state', '=', 'ended'), eb('ends_at', '<=', sql<Date>`now()`)]));
  if (beforeSeq !== undefined) query = query.where('seq', '<', beforeSeq);
  return query.orderBy('seq', 'desc').limit(limit).execute();
}

/** Sales whose quantity is not yet settled back to the SKU: the ones workers look after. */
export async function openSales(db: Executor): Promise<SaleRow[]> {
  return db.selectFrom('flash_sales').selectAll().where('settled_at', 'is', null).orderBy('starts_at').execute();
}

export async function markActive(db: Executor, id: string, startsAt?: Date): Promise<SaleRow | undefined> {
  return db
    .updateTable('flash_sales')
    .set({ state: 'active', ...(startsAt && { starts_at: startsAt }) })
    .where('id', '=', id)
    .where('state', '=', 'scheduled')
    .returningAll()
    .executeTakeFirst();
}

export async function markEnded(db: Executor, id: string): Promise<SaleRow | undefined> {
  return db.updateTable('flash_sales').set({ state: 'ended' }).where('id', '=', id).where('state', '<>', 'ended').returningAll().executeTakeFirst();
}

/** The unsold quantity goes back to the SKU (the caller moves it there in the same transaction). */
export async function settle(db: Executor, id: string): Promise<SaleRow | undefined> {
  return db
    .updateTable('flash_sales')
    .set({ stock: 0, returned_to_sku: sql<number>`returned_to_sku + stock`, settled_at: new Date() })
    .where('id', '=', id)
    .where('state', '=', 'ended')
    .where('settled_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** stock += delta, guarded: false when it would leave [0, quantity]. */
export async function moveStock(db: Executor, id: string, delta: number): Promise<boolean> {
  const row = await db
    .updateTable('flash_sales')
    .set({ stock: sql<number>`stock + ${delta}` })
    .where('id', '=', id)
    .where(sql<boolean>`stock + ${delta} between 0 and quantity - returned_to_sku`)
    .returning('stock')
    .executeTakeFirst();
  return row !== undefined;
}

export async function decidedPurchases(db: Executor, ids: string[]): Promise<PurchaseRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('flash_purchases').selectAll().where('id', 'in', ids).execute();
}

export async function findPurchase(db: Executor, saleId: string, id: string): Promise<PurchaseRow | undefined> {
  return db.selectFrom('flash_purchases').selectAll().where('id', '=', id).where('sale_id', '=', saleId).executeTakeFirst();
}

/** Decided purchases as rows for a batch's statement (a replayed one breaks its unique key). */
export function purchaseRecordset(rows: NewPurchase[]): Recordset<'flash_purchases'> {
  return { table: 'flash_purchases', rows: rows.map((row) => ({ ...row, accepted_at: new Date(row.accepted_at).toISOString() })) };
}

export async function buyerQuantities(db: Executor, saleId: string, userIds: string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.selectFrom('flash_buyers').select(['user_id', 'quantity']).where('sale_id', '=', saleId).where('user_id', 'in', userIds).execute();
  return new Map(rows.map((r) => [r.user_id, r.quantity]));
}

/** Every buyer's quantity of a sale (rebuilding the hot state). */
export async function allBuyerQuantities(db: Executor, saleId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('flash_buyers').select(['user_id', 'quantity']).where('sale_id', '=', saleId).where('quantity', '>', 0).execute();
  return new Map(rows.map((r) => [r.user_id, r.quantity]));
}

/**
 * quantity += delta per buyer (deltas all positive or all negative). The CHECK (0 <= quantity
 * <= max_quantity) is the last word on the limit. Decreases update existing rows only: an
 * insert's proposed row is checked before its conflict is found.
 */
export async function addBuyerQuantities(db: Executor, saleId: string, maxQuantity: number, deltas: Map<string, number>): Promise<void> {
  if (deltas.size === 0) return;
  const users = [...deltas.keys()].sort(); // rows locked in one order by every batch: no deadlocks between them
  const amounts = users.map((u) => deltas.get(u) ?? 0);
  if (amounts.every((a) => a <= 0)) {
    await sql`
      update flash_buyers b set quantity = b.quantity + t.q
      from unnest(${users}::uuid[], ${amounts}::int[]) as t(u, q)
      where b.sale_id = ${saleId}::uuid and b.user_id = t.u
    `.execute(db);
    return;
  }
  await sql`
    insert into flash_buyers (sale_id, user_id, quantity, max_quantity)
    select ${saleId}::uuid, u, q, ${maxQuantity}::int from unnest(${users}::uuid[], ${amounts}::int[]) as t(u, q)
    on conflict (sale_id, user_id) do update set quantity = flash_buyers.quantity + excluded.quantity
  `.execute(db);
}

/** Records orders given back; returns those recorded now (a replay records nothing). */
export async function insertReturns(db: Executor, rows: Insertable<FlashsaleTables['flash_returns']>[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await db.insertInto('flash_returns').values(rows).onConflict((oc) => oc.column('order_id').doNothing()).returning('order_id').execute();
  return inserted.map((r) => r.order_id);
}

export async function returnedToSale(db: Executor, saleId: string): Promise<string[]> {
  const rows = await db.selectFrom('flash_returns').select('order_id').where('sale_id', '=', saleId).where('destination', '=', 'sale').execute();
  return rows.map((r) => r.order_id);
}

/** Per sale: quantity in live orders (succeeded purchases minus returns), for the audit. */
export async function saleBalances(db: Executor): Promise<{ id: string; quantity: number; stock: number; returned_to_sku: number; sold: number; returned: number }[]> {
  const result = await sql<{ id: string; quantity: number; stock: number; returned_to_sku: number; sold: string; returned: string }>`
    select s.id, s.quantity, s.stock, s.returned_to_sku,
      coalesce((select sum(p.quantity) from flash_purchases p where p.sale_id = s.id and p.status = 'succeeded'), 0) as sold,
      coalesce((select sum(r.quantity) from flash_returns r where r.sale_id = s.id), 0) as returned
    from flash_sales s
  `.execute(db);
  return result.rows.map((r) => ({ ...r, sold: Number(r.sold), returned: Number(r.returned) }));
}

/** Buyers whose recorded quantity differs from their succeeded purchases minus returns. */
export async function buyerMismatches(db: Executor): Promise<{ sale_id: string; user_id: string; quantity: number; expected: string }[]> {
  const result = await sql<{ sale_id: string; user_id: string; quantity: number; expected: string }>`
    with expected as (
      select sale_id, buyer_id, sum(quantity) as q from (
        select sale_id, buyer_id, quantity from flash_purchases where status = 'succeeded'
        union all
        select sale_id, buyer_id, -quantity from flash_returns
      ) m group by sale_id, buyer_id
    )
    select coalesce(b.sale_id, e.sale_id) as sale_id, coalesce(b.user_id, e.buyer_id) as user_id, coalesce(b.quantity, 0) as quantity, coalesce(e.q, 0) as expected
    from flash_buyers b full join expected e on e.sale_id = b.sale_id and e.buyer_id = b.user_id
    where coalesce(b.quantity, 0) <> coalesce(e.q, 0)
    limit 20
  `.execute(db);
  return result.rows;
}

/** Quantity of orders ended after the sale settled went straight back to the SKU. */
export async function addReturnedToSku(db: Executor, saleId: string, quantity: number): Promise<void> {
  await db.updateTable('flash_sales').set({ returned_to_sku: sql<number>`returned_to_sku + ${quantity}` }).where('id', '=', saleId).execute();
}

export async function countSales(db: Executor): Promise<number> {
  const row = await db.selectFrom('flash_sales').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return row.n;
}
