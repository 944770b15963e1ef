/** The shapes of API.md's Admin section, as the admin console reads them. */
import type { Money, Order } from '../../api/types';

export interface Overview {
  users: number;
  orders: number;
  paidOrders: number;
  gmv: Money[];
  flashSales: number;
}

export interface DailyStat {
  /** A UTC day, `YYYY-MM-DD`. */
  date: string;
  orders: number;
  paidOrders: number;
  gmv: Money[];
}

export interface DailyStats {
  items: DailyStat[];
}

export interface AuditEntry {
  id: string;
  actorId: string;
  actorUsername?: string | null;
  action: string;
  target: string | null;
  ip: string;
  /** The HTTP status of the outcome; null while the mutation is still running. */
  status?: number | null;
  createdAt: string;
}

/** An order in the back office: the usernames of its buyer and seller come with it. */
export type AdminOrder = Order & { buyerUsername: string | null; sellerUsername: string | null };
