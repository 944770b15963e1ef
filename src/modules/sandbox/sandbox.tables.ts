import type { ColumnType } from 'kysely';

export type SandboxStatus = 'pending' | 'succeeded' | 'failed' | 'refunded';

export interface SandboxTables {
  sandbox_payments: {
    id: string;
    amount: number;
    currency: string;
    description: string;
    status: SandboxStatus;
    created_at: ColumnType<Date, never, never>;
    updated_at: ColumnType<Date, never, Date>;
  };
  sandbox_deliveries: {
    event_id: string;
    payment_id: string;
    type: string;
    body: string;
    attempts: ColumnType<number, never, number>;
    next_attempt_at: ColumnType<Date, never, Date>;
    lease_until: ColumnType<Date | null, never, Date | null>;
    delivered_at: ColumnType<Date | null, never, Date | null>;
    given_up_at: ColumnType<Date | null, never, Date | null>;
    last_error: ColumnType<string | null, never, string | null>;
  };
}

declare module '../../platform/db/tables.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tables extends SandboxTables {}
}
