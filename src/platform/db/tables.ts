import type { ColumnType, Generated, Insertable, Kysely, Selectable, Transaction } from 'kysely';

/**
 * Every table of the database. The platform declares its own here; each module adds its
 * tables by augmenting this interface from its own `*.tables.ts` (declaration merging), so
 * the module keeps the definition next to its migrations while transactions stay one type.
 */
export interface Tables {
  platform_migrations: {
    module: string;
    name: string;
    applied_at: ColumnType<Date, never, never>;
  };
  platform_settings: {
    key: string;
    value: string;
  };
  platform_outbox: {
    id: Generated<number>;
    message_id: string;
    topic: string;
    payload: ColumnType<unknown, string, string>;
    created_at: ColumnType<Date, never, never>;
    lease_until: ColumnType<Date | null, never, Date | null>;
  };
  platform_inbox: {
    consumer_group: string;
    message_id: string;
    handled_at: ColumnType<Date, never, never>;
  };
  platform_dead_letters: {
    id: Generated<number>;
    consumer_group: string;
    message_id: string;
    topic: string;
    payload: ColumnType<unknown, string, string>;
    error: string;
    created_at: ColumnType<Date, never, never>;
  };
  platform_jobs: {
    id: Generated<number>;
    kind: string;
    dedupe_key: string | null;
    payload: ColumnType<unknown, string, string>;
    run_at: ColumnType<Date, Date | undefined, Date>;
    attempts: ColumnType<number, never, number>;
    last_error: string | null;
    created_at: ColumnType<Date, never, never>;
  };
  platform_idempotency: {
    scope: string;
    key: string;
    request_hash: string;
    state: 'in_flight' | 'done';
    status_code: number | null;
    response_body: string | null;
    response_type: string | null;
    created_at: ColumnType<Date, Date | undefined, Date>;
  };
}

export type Db = Kysely<Tables>;
export type Tx = Transaction<Tables>;
/** Anything a query can run on: the database or an open transaction. */
export type Executor = Kysely<Tables>;
export type Row<T extends keyof Tables> = Selectable<Tables[T]>;
export type NewRow<T extends keyof Tables> = Insertable<Tables[T]>;
