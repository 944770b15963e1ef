import type { ColumnType, Generated } from 'kysely';

export interface WalletTables {
  wallet_accounts: {
    id: Generated<number>;
    owner: string;
    user_id: string | null;
    kind: AccountKind;
    currency: string;
    shard: ColumnType<number, number | undefined, never>;
    balance: ColumnType<number, never, never>;
    created_at: ColumnType<Date, never, never>;
  };
  wallet_transactions: {
    id: Generated<number>;
    reference: string;
    type: string;
    created_at: ColumnType<Date, never, never>;
  };
  wallet_postings: {
    id: Generated<number>;
    transaction_id: number;
    account_id: number;
    currency: string;
    amount: number;
    balance_after: number;
    created_at: ColumnType<Date, never, never>;
  };
  wallet_recharges: {
    id: string;
    user_id: string;
    amount: number;
    currency: string;
    status: 'pending' | 'succeeded' | 'failed';
    payment_id: string;
    created_at: ColumnType<Date, never, never>;
    updated_at: ColumnType<Date, never, Date>;
  };
  wallet_escrow_holds: {
    escrow_key: string;
    currency: string;
    held: number;
  };
  wallet_withdrawals: {
    id: string;
    user_id: string;
    amount: number;
    currency: string;
    status: 'succeeded';
    created_at: ColumnType<Date, never, never>;
  };
}

export type AccountKind = 'available' | 'frozen' | 'points' | 'escrow' | 'provider' | 'points_issued';

declare module '../../platform/db/tables.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tables extends WalletTables {}
}
