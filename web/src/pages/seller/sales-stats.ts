import type { Money, Order, OrderStatus } from '../../api/types';
import { sumByCurrency } from '../../format';

export interface SalesStats {
  orders: number;
  byStatus: Partial<Record<OrderStatus, number>>;
  revenue: Money[];
  perDay: { day: Date; count: number }[];
}

/** Orders in these states brought money in (or will, once the buyer confirms receipt). */
const EARNING: OrderStatus[] = ['paid', 'shipped', 'completed'];

function startOfDay(time: number): Date {
  const day = new Date(time);
  day.setHours(0, 0, 0, 0);
  return day;
}

function revenueOf(orders: Order[]): Money[] {
  const earning = orders.filter((order) => EARNING.includes(order.status));
  return sumByCurrency(earning.map((order) => order.total)).sort((a, b) => a.currency.localeCompare(b.currency));
}

/** Orders placed on each of the last `days` local days, oldest first (today last). */
function ordersPerDay(orders: Order[], now: number, days: number): { day: Date; count: number }[] {
  const today = startOfDay(now);
  const buckets = Array.from({ length: days }, (_, i) => {
    const day = new Date(today);
    day.setDate(today.getDate() - (days - 1 - i));
    return { day, count: 0 };
  });
  const byDay = new Map(buckets.map((bucket) => [bucket.day.getTime(), bucket]));
  for (const order of orders) {
    const bucket = byDay.get(startOfDay(new Date(order.createdAt).getTime()).getTime());
    if (bucket) bucket.count += 1;
  }
  return buckets;
}

/** The figures of the seller overview, from the seller's most recent orders. */
export function salesStats(orders: Order[], now: number, days = 14): SalesStats {
  const byStatus: Partial<Record<OrderStatus, number>> = {};
  for (const order of orders) byStatus[order.status] = (byStatus[order.status] ?? 0) + 1;
  return { orders: orders.length, byStatus, revenue: revenueOf(orders), perDay: ordersPerDay(orders, now, days) };
}
