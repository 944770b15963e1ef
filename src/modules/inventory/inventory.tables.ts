import type { ColumnType, Generated } from 'kysely';

export type ReservationStatus = 'held' | 'released' | 'consumed';

export interface InventoryTables {
  inventory_stock: {
    sku_id: string;
    available: number;
    reserved: ColumnType<number, number | undefined, number>;
    updated_at: ColumnType<Date, never, Date>;
  };
  inventory_reservations: {
    id: Generated<number>;
    order_id: string;
    sku_id: string;
    quantity: number;
    status: ColumnType<ReservationStatus, ReservationStatus | undefined, ReservationStatus>;
    created_at: ColumnType<Date, never, never>;
    ended_at: ColumnType<Date | null, never, Date>;
  };
  inventory_log: {
    id: Generated<number>;
    sku_id: string;
    available_delta: number;
    reserved_delta: number;
    reason: string;
    actor_id: string | null;
    order_id: string | null;
    note: string | null;
    created_at: ColumnType<Date, never, never>;
  };
}

declare module '../../platform/db/tables.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tables extends InventoryTables {}
}
