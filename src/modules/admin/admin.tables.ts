import type { ColumnType, Generated } from 'kysely';

export interface AdminTables {
  admin_audit_log: {
    id: string;
    seq: Generated<number>;
    actor_id: string;
    actor_username: string;
    action: string;
    method: string;
    route: string;
    target: string | null;
    ip: string;
    request_id: string;
    status: number | null;
    created_at: ColumnType<Date, never, never>;
    finished_at: Date | null;
  };
}

declare module '../../platform/db/tables.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tables extends AdminTables {}
}
