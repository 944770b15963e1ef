import { eventRecordset, publishEvent, publishEvents } from '../../platform/bus/index.js';
import { createGroupCommit, inTransaction, refused, succeeded, type BatchWriter, type Db, type Executor, type Outcome, type Tx } from '../../platform/db/index.js';
import { AppError } from '../../platform/http/index.js';
import { scheduleJob } from '../../platform/jobs/index.js';
import type { InventoryService } from '../inventory/index.js';
import type { Intent, PaymentsService } from '../payments/index.js';
import type { PromotionsService } from '../promotions/index.js';
import type { WalletService } from '../wallet/index.js';
import { ORDER_TRANSITIONS, type OrderAction, type OrderStatus } from './order-state.js';
import { toOrder, type Order } from './order-view.js';
import type { OrderEventBase } from './orders.events.js';
import * as store from './orders.store.js';
import { createFlashOrders } from './flash-orders.js';
import type { OrderRow, TransitionFields } from './orders.store.js';

export type { FlashOrderInput } from './flash-orders.js';

export const ORDER_PURPOSE = 'order';

export interface OrdersDeps {
  db: Db;
  inventory: InventoryService;
  promotions: PromotionsService;
  wallet: WalletService;
  payments: PaymentsService;
  autoConfirmDays: number;
}

export interface Caller {
  userId: string;
  isAdmin: boolean;
}

function eventOf(row: OrderRow): OrderEventBase {
  return { orderId: row.id, buyerId: row.buyer_id, sellerId: row.seller_id, total: { amount: row.total, currency: row.currency }, source: row.source, flashSaleId: row.flash_sale_id };
}

const notFound = () => new AppError('not_found', 'no such order');

/** A flash-sale order that ended unsold (cancelled, expired, refunded): its quantity goes back to the sale. */
export interface EndedFlashOrder {
  orderId: string;
  buyerId: string;
  flashSaleId: string;
  quantity: number;
}
export type FlashOrdersEndedHandler = (tx: Tx, orders: EndedFlashOrder[]) => Promise<void>;

/** The order lifecycle after placement: pay, cancel/expire, ship, confirm receipt, refund. */
export function createOrdersService(deps: OrdersDeps) {
  const { db, inventory, promotions, wallet, payments } = deps;
  const flashEndedHandlers: FlashOrdersEndedHandler[] = [];

  /** Flash-sale orders that ended unsold go back to their sale, in the same transaction. */
  async function flashOrdersEnded(tx: Tx, rows: OrderRow[]): Promise<void> {
    const flash = rows.filter((row) => row.source === 'flash_sale' && row.flash_sale_id !== null);
    if (flash.length === 0 || flashEndedHandlers.length === 0) return;
    const items = await store.itemsOf(tx, flash.map((row) => row.id));
    const ended = flash.map((row) => ({
      orderId: row.id,
      buyerId: row.buyer_id,
      flashSaleId: row.flash_sale_id ?? '',
      quantity: items.filter((item) => item.order_id === row.id).reduce((sum, item) => sum + item.quantity, 0),
    }));
    for (const handler of flashEndedHandlers) await handler(tx, ended);
  }

  async function view(executor: Executor, row: OrderRow): Promise<Order> {
    return toOrder(row, await store.itemsOf(executor, [row.id]));
  }

  /** Why the caller may not ask for this action on the order: a stranger gets 404, the other party 403. */
  function partyError(row: OrderRow | undefined, caller: Caller, action: OrderAction): AppError | undefined {
    const party = !row ? undefined : row.buyer_id === caller.userId ? 'buyer' : row.seller_id === caller.userId ? 'seller' : undefined;
    if (!party) return notFound();
    const by = ORDER_TRANSITIONS[action].by;
    return party === by ? undefined : new AppError('forbidden', `only the ${by} may ${action.replace('_', ' ')} this order`);
  }

  /** The order as the caller may act on it. */
  async function orderFor(executor: Executor, caller: Caller, id: string, action: OrderAction, lock = false): Promise<OrderRow> {
    const row = await store.findOrder(executor, id, { lock });
    const error = partyError(row, caller, action);
    if (error || !row) throw error ?? notFound();
    return row;
  }

  /** Why an order cannot be paid now (its state, or its deadline), if it cannot. */
  function unpayable(row: OrderRow): AppError | undefined {
    if (row.status !== 'pending_payment') return new AppError('invalid_state', `the order is ${row.status}`);
    if (row.expires_at.getTime() <= Date.now()) return new AppError('invalid_state', 'the payment deadline has passed');
    return undefined;
  }

  /**
   * Wallet payments, group-committed, in three statements: the orders (locked in id order,
   * checked, moved to `paid` with their history), the payment intents with the `order.paid`
   * events, and last the money, booked buyer → escrow for all in one ledger statement (hot
   * rows held only until the commit). A buyer short of funds fails the batch; then each
   * payment is tried alone and only that buyer gets 409 insufficient_funds.
   */
  const writeWalletPayments: BatchWriter<{ caller: Caller; orderId: string }, Order> = async (tx, requests) => {
    const answered = await store.payOrders(tx, requests.map((r) => ({ orderId: r.orderId, callerId: r.caller.userId })), 'wallet');
    const byId = new Map(answered.map((entry) => [entry.row.id, entry]));
    const taken = new Set<string>();
    const outcomes = requests.map((request): Outcome<Order> => {
      const entry = byId.get(request.orderId);
      const row = entry?.row;
      const error = partyError(row, request.caller, 'pay');
      if (error || !entry) return refused(error ?? notFound());
      if (!entry.paid) return refused(unpayable(entry.row) ?? new AppError('invalid_state', 'the order cannot be paid now'));
      if (taken.has(request.orderId)) return refused(new AppError('invalid_state', 'the order is being paid'));
      taken.add(request.orderId);
      return succeeded(toOrder(entry.row, entry.items));
    });
    const paid = answered.filter((entry) => entry.paid).map((entry) => entry.row);
    // The money last: the wallet books every buyer → escrow in one statement, holding the hot
    // balance rows only until the commit.
    await payments.settleAtOnce(
      tx,
      'wallet',
      paid.map((row) => ({ purpose: ORDER_PURPOSE, reference: row.id, userId: row.buyer_id, money: { amount: row.total, currency: row.currency } })),
      [eventRecordset('order.paid', paid.map((row) => ({ ...eventOf(row), method: 'wallet' as const })))],
    );
    return outcomes;
  };
  // Two lanes by escrow shard: a lane's batches lock only its own escrow rows, so the lanes
  // commit side by side; within a lane one batch is in flight and the next takes everyone who
  // queued meanwhile (bigger batches, and no batch waiting on another's escrow rows).
  const walletPayments = createGroupCommit(db, { maxBatch: 200, lanes: { count: 2, of: (request) => wallet.escrowLane(request.orderId, 2) } }, writeWalletPayments);

  /** Applies a guarded transition or answers 409 invalid_state with the order's current status. */
  async function apply(tx: Tx, row: OrderRow, action: OrderAction, actorId: string | null, fields?: TransitionFields): Promise<OrderRow> {
    const updated = await store.transition(tx, row.id, action, actorId, fields);
    if (!updated) {
      const current = await store.findOrder(tx, row.id);
      throw new AppError('invalid_state', `the order is ${current?.status ?? row.status}; ${action.replace('_', ' ')} needs ${ORDER_TRANSITIONS[action].from}`);
    }
    return updated;
  }

  /** Everything unpaid orders held goes back, once: stock (or flash-sale quantity), coupon, pending payments. */
  async function cancelled(tx: Tx, rows: OrderRow[], reason: string): Promise<void> {
    if (rows.length === 0) return;
    const ids = rows.map((row) => row.id);
    await inventory.release(tx, ids, reason === 'payment_timeout' ? 'order_expired' : 'order_cancelled');
    for (const row of rows) if (row.coupon_code !== null) await promotions.giveBack(tx, row.id);
    await payments.cancelPendingIntents(tx, ORDER_PURPOSE, ids);
    await publishEvents(tx, 'order.cancelled', rows.map((row) => ({ ...eventOf(row), reason })));
    await flashOrdersEnded(tx, rows);
  }

  /** Job: orders unpaid at their deadline are cancelled; paid ones are left alone. */
  async function expireMany(tx: Tx, ids: string[]): Promise<void> {
    await payments.lockPendingIntents(tx, ORDER_PURPOSE, ids); // intents before the orders, as a webhook does
    const rows = await store.transitionMany(tx, ids, 'expire', new Map(), { cancel_reason: 'payment_timeout' });
    await cancelled(tx, rows, 'payment_timeout');
  }

  /** The buyer received the goods (or the deadline passed): the seller is paid from escrow, last. */
  async function completed(tx: Tx, row: OrderRow, automatic: boolean): Promise<void> {
    await publishEvent(tx, 'order.completed', { ...eventOf(row), automatic });
    await wallet.release(tx, row.seller_id, { amount: row.total, currency: row.currency }, `order-release:${row.id}`, row.id);
  }

  return {
    async get(caller: Caller, id: string): Promise<Order> {
      const row = await store.findOrder(db, id);
      if (!row || !(caller.isAdmin || row.buyer_id === caller.userId || row.seller_id === caller.userId)) throw notFound();
      return view(db, row);
    },

    async list(filter: { buyerId?: string; sellerId?: string; status?: OrderStatus }, limit: number, beforeSeq?: number): Promise<{ items: Order[]; nextCursor: string | null }> {
      const rows = await store.listOrders(db, filter, limit + 1, beforeSeq);
      const page = rows.slice(0, limit);
      const items = await store.itemsOf(db, page.map((r) => r.id));
      return {
        items: page.map((row) => toOrder(row, items.filter((i) => i.order_id === row.id))),
        nextCursor: rows.length > limit ? String(page[page.length - 1]?.seq) : null,
      };
    },

    /** Wallet: paid when this returns (409 insufficient_funds leaves it untouched). Sandbox: paid when the webhook lands. */
    async pay(caller: Caller, id: string, method: 'wallet' | 'sandbox'): Promise<{ order: Order; payment?: { id: string; payUrl: string } }> {
      if (method === 'wallet') return { order: await walletPayments.submit({ caller, orderId: id }) };
      return inTransaction(db, async (tx) => {
        const row = await orderFor(tx, caller, id, 'pay', true);
        const error = unpayable(row);
        if (error) throw error;
        const secondsLeft = Math.max(1, Math.floor((row.expires_at.getTime() - Date.now()) / 1000));
        const { intent, payUrl } = await payments.createIntent(tx, {
          purpose: ORDER_PURPOSE,
          reference: row.id,
          userId: row.buyer_id,
          money: { amount: row.total, currency: row.currency },
          provider: method,
          expiresInSeconds: secondsLeft,
        });
        return { order: await view(tx, row), payment: { id: intent.id, payUrl: payUrl ?? '' } };
      });
    },

    /** Payment purpose `order`: the money arrived (wallet at once, sandbox by webhook). */
    async paymentSucceeded(tx: Tx, intent: Intent): Promise<void> {
      const money = { amount: intent.amount, currency: intent.currency };
      const provider = intent.provider;
      if (provider === 'sandbox') await wallet.receiveIntoEscrow(tx, money, `order-payment:${intent.id}`, intent.reference);
      const row = await store.transition(tx, intent.reference, 'pay', intent.userId, { payment_method: provider });
      if (!row) {
        if (provider === 'wallet') throw new AppError('invalid_state', 'the order cannot be paid now');
        // Paid from outside after the order was cancelled or expired: the money goes back to the buyer's wallet.
        await wallet.refund(tx, intent.userId, money, `order-late-payment-refund:${intent.id}`, intent.reference);
        return;
      }
      await payments.cancelPendingIntents(tx, ORDER_PURPOSE, [row.id]);
      await publishEvent(tx, 'order.paid', { ...eventOf(row), method: provider });
    },

    async cancel(caller: Caller, id: string): Promise<Order> {
      return inTransaction(db, async (tx) => {
        const order = await orderFor(tx, caller, id, 'cancel');
        await payments.lockPendingIntents(tx, ORDER_PURPOSE, [id]); // intents before the order, as a webhook does
        const row = await apply(tx, order, 'cancel', caller.userId, { cancel_reason: 'buyer_cancelled' });
        await cancelled(tx, [row], 'buyer_cancelled');
        return view(tx, row);
      });
    },

    /** Job: an order unpaid at its deadline is cancelled; a paid one is left alone. */
    expire: (tx: Tx, id: string) => expireMany(tx, [id]),
    expireMany,

    /** Flash-sale orders of a drain batch, in its transaction (see flash-orders.ts). */
    createFlashOrders,

    /** Back office: how many orders exist, and the ever-paid ones with their totals per currency. */
    totals: () => store.orderTotals(db),
    /** Back office: orders placed per UTC day, and paid (by the day of payment) per day and currency, from `since` on. */
    dailyTotals: async (since: Date) => ({ placed: await store.placedByDay(db, since), paid: await store.paidByDay(db, since) }),

    /** Quantity held by live orders of each flash sale (the audit compares it with the sale's books). */
    flashSaleQuantities: (executor: Executor, saleIds: string[]) => store.flashSaleQuantities(executor, saleIds),

    /** Registers who takes back the quantity of flash-sale orders that ended unsold. */
    onFlashOrdersEnded(handler: FlashOrdersEndedHandler): void {
      flashEndedHandlers.push(handler);
    },

    async ship(caller: Caller, id: string, shipment: { carrier?: string; trackingNumber?: string }): Promise<Order> {
      return inTransaction(db, async (tx) => {
        const fields = { carrier: shipment.carrier ?? null, tracking_number: shipment.trackingNumber ?? null };
        const row = await apply(tx, await orderFor(tx, caller, id, 'ship'), 'ship', caller.userId, fields);
        const runAt = new Date(Date.now() + deps.autoConfirmDays * 86_400_000);
        await scheduleJob(tx, 'orders.auto-confirm', { orderId: id }, { runAt, key: `orders.auto-confirm:${id}` });
        await inventory.consume(tx, [id]); // the goods left the warehouse
        await publishEvent(tx, 'order.shipped', { ...eventOf(row), carrier: fields.carrier, trackingNumber: fields.tracking_number });
        return view(tx, row);
      });
    },

    async confirmReceipt(caller: Caller, id: string): Promise<Order> {
      return inTransaction(db, async (tx) => {
        const row = await apply(tx, await orderFor(tx, caller, id, 'confirm'), 'confirm', caller.userId);
        await completed(tx, row, false);
        return view(tx, row);
      });
    },

    /** Job: receipt confirmed by the calendar. */
    async autoConfirm(tx: Tx, id: string): Promise<void> {
      const row = await store.transition(tx, id, 'auto_confirm', null);
      if (row) await completed(tx, row, true);
    },

    /** Full refund from `paid` (not shipped): the reserved stock back on sale, the money back to the buyer's wallet (booked last). */
    async refund(caller: Caller, id: string, reason: string | undefined): Promise<Order> {
      return inTransaction(db, async (tx) => {
        const row = await apply(tx, await orderFor(tx, caller, id, 'refund'), 'refund', caller.userId, { refund_reason: reason ?? null });
        await inventory.release(tx, [id], 'order_refunded', caller.userId);
        await flashOrdersEnded(tx, [row]);
        await publishEvent(tx, 'order.refunded', { ...eventOf(row), reason: reason ?? null });
        await wallet.refund(tx, row.buyer_id, { amount: row.total, currency: row.currency }, `order-refund:${id}`, id);
        return view(tx, row);
      });
    },

  };
}

export type OrdersService = ReturnType<typeof createOrdersService>;
