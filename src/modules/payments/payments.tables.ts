import type { ColumnType, Generated } from 'kysely';
import type { IntentStatus, ProviderName } from './payment-state.js';

export interface PaymentsTables {
  payments_intents: {
    id: string;
    purpose: string;
    reference: string;
    user_id: string;
    amount: number;
    currency: string;
    provider: ProviderName;
    status: IntentStatus;
    expires_at: Date;
    created_at: ColumnType<Date, never, never>;
    updated_at: ColumnType<Date, never, Date>;
  };
  payments_log: {
    id: Generated<number>;
    intent_id: string;
    from_status: IntentStatus | null;
    to_status: IntentStatus;
    note: string | null;
    created_at: ColumnType<Date, never, never>;
  };
  payments_webhook_events: {
    event_id: string;
    provider: ProviderName;
    type: string;
    payment_id: string;
    amount: number;
    currency: string;
    received_at: ColumnType<Date, never, never>;
    processed_at: Date | null;
    outcome: string | null;
  };
}

declare module '../../platform/db/tables.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tables extends PaymentsTables {}
}

declare module '../../platform/jobs/jobs.js' {
  interface JobMap {
    'payments.apply-webhook': { eventId: string };
    'payments.expire-intent': { intentId: string };
  }
}
