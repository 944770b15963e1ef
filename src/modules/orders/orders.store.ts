import { sql, type Selectable } from 'kysely';
import { insertRecordsets, recordsetCtes, writeAllOrNothing, type Executor, type Recordset } from '../../platform/db/index.js';
import { ORDER_TRANSITIONS, type OrderAction, type OrderStatus } from './order-state.js';
import type { OrdersTables, ShippingAddress } from './orders.tables.js';

export type OrderRow = Selectable<OrdersTables['orders']>;
export type ItemRow = Selectable<OrdersTables['orders_items']>;

export interface NewOrder {
  id: string;
  buyerId: string;
  sellerId: string;
  source: 'regular' | 'flash_sale';
  flashSaleId: string | null;
  currency: string;
  subtotal: number;
  discount: number;
  couponCode: string | null;
  shippingAddress: ShippingAddress | null;
  expiresAt: Date;
  items: { skuId: string; productId: string; title: string; quantity: number; unitPrice: number }[];
}

/** Orders in `pending_payment` with their items and first history rows, as recordsets. */
function orderRecordsets(orders: NewOrder[]): Recordset[] {
  return [
    {
      table: 'orders',
      rows: orders.map((order) => ({
        id: order.id,
        buyer_id: order.buyerId,
        seller_id: order.sellerId,
        status: 'pending_payment',
        source: order.source,
        flash_sale_id: order.flashSaleId,
        currency: order.currency,
        subtotal: order.subtotal,
        discount: order.discount,
        total: order.subtotal - order.discount,
        coupon_code: order.couponCode,
        shipping_address: order.shippingAddress,
        expires_at: order.expiresAt.toISOString(),
      })),
    },
    {
      table: 'orders_items',
      rows: orders.flatMap((order) =>
        order.items.map((item, position) => ({ order_id: order.id, position, sku_id: item.skuId, product_id: item.productId, title: item.title, quantity: item.quantity, unit_price: item.unitPrice })),
      ),
    },
    { table: 'orders_status_log', rows: orders.map((order) => ({ order_id: order.id, to_status: 'pending_payment', actor_id: order.buyerId })) },
  ];
}

/**
 * Inserts orders in `pending_payment` with their items and first history rows, and the
 * caller's other rows of the batch (its events, its jobs), in one statement: one round trip.
 */
export async function insertOrders(db: Executor, orders: NewOrder[], alongside: Recordset[] = []): Promise<void> {
  if (orders.length === 0) return;
  await insertRecordsets(db, [...orderRecordsets(orders), ...alongside]);
}

/**
 * The last step of many placements as ONE statement, on its own (autocommit: no BEGIN and
 * COMMIT round trips): their sagas end `completed`, their orders are inserted with items,
 * history and the `alongside` rows. All or nothing: when a saga is no longer running (a worker
 * compensated it), the statement fails and writes nothing, and false is returned.
 */
export async function completeSagasWithOrders(db: Executor, orders: NewOrder[], alongside: Recordset[]): Promise<boolean> {
  if (orders.length === 0) return true;
  const ids = orders.map((order) => order.id);
  const ended = sql`ended as (
    update orders_sagas set status = 'completed', updated_at = now()
    where id = any(${ids}::uuid[]) and status = 'running'
    returning id
  )`;
  // A saga that is no longer running fails the statement, undoing it all.
  return writeAllOrNothing(db, [ended, ...recordsetCtes([...orderRecordsets(orders), ...alongside])], sql`(select count(*) from ended) = ${ids.length}`);
}

export type TransitionFields = Partial<Pick<OrderRow, 'payment_method' | 'carrier' | 'tracking_number' | 'cancel_reason' | 'refund_reason'>>;

/**
 * Applies one transition of the state machine to many orders as one guarded UPDATE and logs
 * each; returns the orders that moved (the others were not in the transition's `from` state).
 */
export async function transitionMany(db: Executor, ids: string[], action: OrderAction, actorIds: Map<string, string | null>, fields: TransitionFields = {}): Promise<OrderRow[]> {
  if (ids.length === 0) return [];
  const { from, to, stamp } = ORDER_TRANSITIONS[action];
  let update = db
    .updateTable('orders')
    .set({ ...fields, status: to, [stamp]: sql<Date>`now()` })
    .where('id', '=', sql<string>`any(${ids}::uuid[])`)
    .where('status', '=', from);
  // A payment never lands on an order past its deadline, even before the expiry job ran.
  if (action === 'pay') update = update.where('expires_at', '>', sql<Date>`now()`);
  const actors = [...actorIds].filter(([, actor]) => actor !== null);
  // The guarded update and the history rows of what it moved in one statement (one round trip).
  const result = await sql<OrderRow>`
    with moved as (${update.returningAll()}),
    logged as (
      insert into orders_status_log (order_id, from_status, to_status, actor_id, note)
      select m.id, ${from}, ${to}, a.actor_id, ${action} from moved m
      left join unnest(${actors.map(([id]) => id)}::uuid[], ${actors.map(([, actor]) => actor)}::uuid[]) as a(order_id, actor_id) on a.order_id = m.id
      order by m.id
    )
    select * from moved`.execute(db);
  return result.rows;
}

/** A pay request of a batch: the order, and who asks (only its buyer may pay it). */
export interface PayRequest {
  orderId: string;
  callerId: string;
}

/**
 * A batch of payments' order side in ONE statement: the orders are locked in id order (two
 * batches never wait on each other crosswise), those asked for by their buyer that are
 * `pending_payment` and within their deadline move to `paid` with a history row each, and the
 * answer holds every locked order: as moved (with its items), or as it was (the caller tells
 * why it did not move).
 */
export async function payOrders(db: Executor, requests: PayRequest[], method: 'wallet'): Promise<{ row: OrderRow; paid: boolean; items: ItemRow[] }[]> {
  if (requests.length === 0) return [];
  const { from, to } = ORDER_TRANSITIONS.pay;
  const result = await sql<OrderRow & { paid_now: boolean; items_json: ItemRow[] | null }>`
    with asked as (
      select * from unnest(${requests.map((r) => r.orderId)}::uuid[], ${requests.map((r) => r.callerId)}::uuid[]) as a(order_id, caller_id)
    ),
    locked as (
      select * from orders where id in (select order_id from asked) order by id for update
    ),
    moved as (
      update orders o set status = ${to}, paid_at = now(), payment_method = ${method}
      from locked l
      where o.id = l.id and o.status = ${from} and o.expires_at > now()
        and exists (select 1 from asked a where a.order_id = o.id and a.caller_id = o.buyer_id)
      returning o.*
    ),
    logged as (
      insert into orders_status_log (order_id, from_status, to_status, actor_id, note)
      select id, ${from}, ${to}, buyer_id, 'pay' from moved order by id
    )
    select m.*, true as paid_now,
      (select json_agg(i order by i.position) from orders_items i where i.order_id = m.id) as items_json
    from moved m
    union all
    select l.*, false, null from locked l where not exists (select 1 from moved m where m.id = l.id)`.execute(db);
  return result.rows.map(({ paid_now, items_json, ...row }) => ({ row: row as OrderRow, paid: paid_now, items: items_json ?? [] }));
}

/** One order's transition; undefined when it was not in the transition's `from` state. */
export async function transition(db: Executor, id: string, action: OrderAction, actorId: string | null, fields: TransitionFields = {}): Promise<OrderRow | undefined> {
  const [row] = await transitionMany(db, [id], action, new Map([[id, actorId]]), fields);
  return row;
}

export async function findOrder(db: Executor, id: string, options: { lock?: boolean } = {}): Promise<OrderRow | undefined> {
  const query = db.selectFrom('orders').selectAll().where('id', '=', id);
  return options.lock ? query.forUpdate().executeTakeFirst() : query.executeTakeFirst();
}

export async function itemsOf(db: Executor, orderIds: string[]): Promise<ItemRow[]> {
  if (orderIds.length === 0) return [];
  return db.selectFrom('orders_items').selectAll().where('order_id', 'in', orderIds).orderBy('order_id').orderBy('position').execute();
}

export async function listOrders(db: Executor, filter: { buyerId?: string; sellerId?: string; status?: OrderStatus }, limit: number, beforeSeq?: number): Promise<OrderRow[]> {
  let query = db.selectFrom('orders').selectAll();
  if (filter.buyerId) query = query.where('buyer_id', '=', filter.buyerId);
  if (filter.sellerId) query = query.where('seller_id', '=', filter.sellerId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (beforeSeq !== undefined) query = query.where('seq', '<', beforeSeq);
  return query.orderBy('seq', 'desc').limit(limit).execute();
}

// ---- the placement saga's record ----

export async function startSagas(db: Executor, sagas: { id: string; buyerId: string }[], step: string): Promise<void> {
  if (sagas.length === 0) return;
  await db.insertInto('orders_sagas').values(sagas.map((saga) => ({ id: saga.id, buyer_id: saga.buyerId, step, failure: null }))).execute();
}

/** The same sagas as rows for another module's statement (the step that starts them writes them with its own rows). */
export function sagaRecordset(sagas: { id: string; buyerId: string }[], step: string): Recordset<'orders_sagas'> {
  return { table: 'orders_sagas', rows: sagas.map((saga) => ({ id: saga.id, buyer_id: saga.buyerId, step, failure: null })) };
}

/** Removes sagas whose first step was refused in the same transaction (nothing to compensate). */
export async function deleteSagas(db: Executor, ids: string[]): Promise<void> {
  await db.deleteFrom('orders_sagas').where('id', 'in', ids).where('status', '=', 'running').execute();
}

/** Moves a running saga on (false when it is no longer running: a worker compensated it). */
export async function advanceSaga(db: Executor, id: string, step: string): Promise<boolean> {
  const row = await db.updateTable('orders_sagas').set({ step, updated_at: new Date() }).where('id', '=', id).where('status', '=', 'running').returning('id').executeTakeFirst();
  return row !== undefined;
}

/** Ends running sagas as completed or failed; returns the ids that were still running. */
export async function endSagas(db: Executor, ids: string[], status: 'completed' | 'failed', failure: string | null): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.updateTable('orders_sagas').set({ status, failure, updated_at: new Date() }).where('id', 'in', ids).where('status', '=', 'running').returning('id').execute();
  return new Set(rows.map((r) => r.id));
}

/** Sagas that stopped moving (their process died), locked for this transaction. */
export async function staleSagas(db: Executor, olderThanSeconds: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('orders_sagas')
    .select('id')
    .where('status', '=', 'running')
    .where('updated_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .orderBy('updated_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((r) => r.id);
}

/** Quantity held by live (not cancelled, not refunded) orders of each flash sale. */
export async function flashSaleQuantities(db: Executor, saleIds: string[]): Promise<Map<string, number>> {
  if (saleIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('orders')
    .innerJoin('orders_items', 'orders_items.order_id', 'orders.id')
    .select(['orders.flash_sale_id', (eb) => eb.fn.sum<string>('orders_items.quantity').as('quantity')])
    .where('orders.flash_sale_id', 'in', saleIds)
    .where('orders.status', 'not in', ['cancelled', 'refunded'])
    .groupBy('orders.flash_sale_id')
    .execute();
  return new Map(rows.map((r) => [r.flash_sale_id ?? '', Number(r.quantity)]));
}

// ---- back-office figures (read only) ----

/** Orders ever paid (paid, then maybe shipped, completed or refunded: `paid_at` stays) in one currency. */
export interface PaidFigures {
  currency: string;
  orders: number;
  amount: number;
}

/** How many orders exist, and the ever-paid ones per currency (sorted by currency). */
export async function orderTotals(db: Executor): Promise<{ placed: number; paid: PaidFigures[] }> {
  const placed = await db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const paid = await sql<PaidFigures>`
    select currency, count(*)::int8 as orders, sum(total)::int8 as amount
    from orders where paid_at is not null group by currency order by currency`.execute(db);
  return { placed: placed.n, paid: paid.rows };
}

/** Orders placed per UTC day (`YYYY-MM-DD`) from `since` on. */
export async function placedByDay(db: Executor, since: Date): Promise<{ day: string; orders: number }[]> {
  const result = await sql<{ day: string; orders: number }>`
    select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int8 as orders
    from orders where created_at >= ${since} group by 1 order by 1`.execute(db);
  return result.rows;
}

/** Orders paid per UTC day (`YYYY-MM-DD`, the day of `paid_at`) and currency from `since` on, with their totals. */
export async function paidByDay(db: Executor, since: Date): Promise<(PaidFigures & { day: string })[]> {
  const result = await sql<PaidFigures & { day: string }>`
    select to_char(paid_at at time zone 'UTC', 'YYYY-MM-DD') as day, currency, count(*)::int8 as orders, sum(total)::int8 as amount
    from orders where paid_at >= ${since} group by 1, 2 order by 1, 2`.execute(db);
  return result.rows;
}
