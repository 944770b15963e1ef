import type { Db } from '../../platform/db/index.js';
import type { Money } from '../../platform/money/index.js';
import type { FlashsaleService } from '../flashsale/index.js';
import type { IdentityService, User } from '../identity/index.js';
import type { Order, OrdersService, OrderStatus, PaidFigures } from '../orders/index.js';
import { newId } from '../../platform/ids.js';
import * as store from './admin.store.js';
import type { AuditRow } from './admin.store.js';
import type { AuditLog } from './audit-trail.js';

export interface AdminDeps {
  db: Db;
  identity: IdentityService;
  orders: OrdersService;
  flashsale: FlashsaleService;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The shop at a glance: `paidOrders` and `gmv` count every order ever paid (refunded ones too). */
export interface Overview {
  users: number;
  orders: number;
  paidOrders: number;
  gmv: Money[];
  flashSales: number;
}

/** An order as the back office sees it: with the parties' usernames. */
export type AdminOrder = Order & { buyerUsername: string | null; sellerUsername: string | null };

/** One UTC day: orders by the day they were placed, paid orders and GMV by the day they were paid. */
export interface DailyFigures {
  date: string;
  orders: number;
  paidOrders: number;
  gmv: Money[];
}

export interface AuditEntry {
  id: string;
  actorId: string;
  actorUsername: string;
  action: string;
  target: string | null;
  ip: string;
  /** The HTTP status of the outcome; null while the mutation runs (or if its process died). */
  status: number | null;
  requestId: string;
  createdAt: string;
}

const DAY_MS = 86_400_000;

const toMoney = (figures: PaidFigures): Money => ({ amount: figures.amount, currency: figures.currency });

const toAuditEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  actorId: row.actor_id,
  actorUsername: row.actor_username,
  action: row.action,
  target: row.target,
  ip: row.ip,
  status: row.status,
  requestId: row.request_id,
  createdAt: row.created_at.toISOString(),
});

/** The `days` UTC dates (`YYYY-MM-DD`) that end with today's, oldest first, and the moment the first began. */
function utcDays(days: number, now: Date): { since: Date; dates: string[] } {
  const first = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * DAY_MS;
  return { since: new Date(first), dates: Array.from({ length: days }, (_, i) => new Date(first + i * DAY_MS).toISOString().slice(0, 10)) };
}

/** The operation log as the audit trail writes it. */
function createAuditLog(db: Db): AuditLog {
  return {
    async begin(entry) {
      const id = newId();
      await store.insertAuditEntry(db, {
        id,
        actor_id: entry.actorId,
        actor_username: entry.actorUsername,
        action: entry.action,
        method: entry.method,
        route: entry.route,
        target: entry.target,
        ip: entry.ip,
        request_id: entry.requestId,
        status: null,
        finished_at: null,
      });
      return id;
    },
    finish: (id, outcome) => store.finishAuditEntry(db, id, outcome),
  };
}

/** One item per date, zeros where nothing happened; orders by day placed, paid orders and GMV by day paid. */
function dailyFigures(dates: string[], totals: { placed: { day: string; orders: number }[]; paid: (PaidFigures & { day: string })[] }): DailyFigures[] {
  const items = new Map(dates.map((date) => [date, { date, orders: 0, paidOrders: 0, gmv: [] as Money[] }]));
  for (const row of totals.placed) {
    const item = items.get(row.day);
    if (item) item.orders = row.orders;
  }
  // Rows come sorted by day then currency, so each day's gmv is sorted by currency.
  for (const row of totals.paid) {
    const item = items.get(row.day);
    if (!item) continue;
    item.paidOrders += row.orders;
    item.gmv.push(toMoney(row));
  }
  return [...items.values()];
}

/** Back office: lists and figures asked of the modules that own them, and the operation log. */
export function createAdminService(deps: AdminDeps) {
  const { db, identity, orders, flashsale } = deps;

  const auditLog = createAuditLog(db);

  return {
    auditLog,

    users(filter: { prefix?: string }, limit: number, cursor?: string): Promise<Page<User>> {
      return identity.pageUsers(filter, limit, cursor);
    },

    /** Every order, with the usernames of its buyer and seller (asked of identity, page by page). */
    async orders(filter: { status?: OrderStatus }, limit: number, beforeSeq?: number): Promise<Page<AdminOrder>> {
      const page = await orders.list(filter, limit, beforeSeq);
      const names = await identity.usernamesOf(page.items.flatMap((order) => [order.buyerId, order.sellerId]));
      return { ...page, items: page.items.map((order) => ({ ...order, buyerUsername: names.get(order.buyerId) ?? null, sellerUsername: names.get(order.sellerId) ?? null })) };
    },

    async overview(): Promise<Overview> {
      const users = await identity.countUsers();
      const totals = await orders.totals();
      const flashSales = await flashsale.countSales();
      const paidOrders = totals.paid.reduce((sum, figures) => sum + figures.orders, 0);
      return { users, orders: totals.placed, paidOrders, gmv: totals.paid.map(toMoney), flashSales };
    },

    /** One item per UTC day of the last `days` (today last), days without orders included. */
    async daily(days: number, now = new Date()): Promise<{ items: DailyFigures[] }> {
      const { since, dates } = utcDays(days, now);
      return { items: dailyFigures(dates, await orders.dailyTotals(since)) };
    },

    async auditEntries(limit: number, beforeSeq?: number): Promise<Page<AuditEntry>> {
      const rows = await store.listAuditEntries(db, limit + 1, beforeSeq);
      const page = rows.slice(0, limit);
      return { items: page.map(toAuditEntry), nextCursor: rows.length > limit ? String(page[page.length - 1]?.seq) : null };
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
