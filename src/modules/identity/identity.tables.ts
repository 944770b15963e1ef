import type { ColumnType } from 'kysely';

export interface IdentityTables {
  identity_users: {
    id: string;
    username: string;
    password_hash: string;
    roles: ColumnType<string[], string[] | undefined, string[]>;
    created_at: ColumnType<Date, never, never>;
  };
  identity_sessions: {
    id: string;
    user_id: string;
    refresh_hash: string;
    created_at: ColumnType<Date, never, never>;
    rotated_at: Date | null;
    expires_at: Date;
    revoked_at: Date | null;
    revoke_reason: string | null;
  };
}

declare module '../../platform/db/tables.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tables extends IdentityTables {}
}
