import type { Money } from '../../platform/money/index.js';
// `order.paid`, which the wallet consumes for points, is declared by the orders module.

/** Events the wallet module emits. */
export interface WalletEvents {
  'recharge.succeeded': { rechargeId: string; userId: string; amount: Money };
}

declare module '../../platform/bus/events.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventMap extends WalletEvents {}
}

declare module '../../platform/jobs/jobs.js' {
  interface JobMap {
    'wallet.ensure-currency-accounts': { currencies: string[] };
  }
}
