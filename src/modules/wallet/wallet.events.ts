import type { Money } from '../../platform/money/index.js';

/** Events the wallet module emits. */
export interface WalletEvents {
  'recharge.succeeded': { rechargeId: string; userId: string; amount: Money };
}

/**
 * Events the wallet consumes. `order.paid` is the orders module's to publish; its payload is
 * declared here until that module exists, and moves to orders.events.ts with it.
 */
export interface ConsumedEvents {
  'order.paid': { orderId: string; buyerId: string; total: Money };
}

declare module '../../platform/bus/events.js' {
   
  interface EventMap extends WalletEvents, ConsumedEvents {}
}

declare module '../../platform/jobs/jobs.js' {
  interface JobMap {
    'wallet.ensure-currency-accounts': { currencies: string[] };
  }
}
