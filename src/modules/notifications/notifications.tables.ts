import type { ColumnType, Generated } from 'kysely';

export interface NotificationsTables {
  notifications: {
    id: Generated<number>;
    user_id: string;
    type: string;
    title: string;
    body: string;
    read: ColumnType<boolean, never, boolean>;
    dedupe_key: string;
    created_at: ColumnType<Date, never, never>;
  };
}

declare module '../../platform/db/tables.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tables extends NotificationsTables {}
}
