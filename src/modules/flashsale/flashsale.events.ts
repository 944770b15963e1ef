/** One decided purchase, as its buyer is told. */
export interface DecidedPurchase {
  purchaseId: string;
  buyerId: string;
  quantity: number;
  status: 'succeeded' | 'failed';
  orderId: string | null;
  reason: string | null;
}

/** Events the flash-sale module emits (through the outbox, in the transaction of the change). */
export interface FlashsaleEvents {
  /**
   * The purchases one drain batch decided: one event per batch (hundreds of purchases), so
   * announcing them costs one outbox row, not one each.
   */
  'flashsale.purchases.decided': { saleId: string; sellerId: string; title: string; paymentDeadline: string; purchases: DecidedPurchase[] };
}

declare module '../../platform/bus/events.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface EventMap extends FlashsaleEvents {}
}

declare module '../../platform/jobs/jobs.js' {
  interface JobMap {
    /** Marks a sale active at its start (admission itself only needs the hot state's window). */
    'flashsale.start': { saleId: string };
    /** Ends a sale: no more admissions; its unsold quantity goes back once the last purchase is decided. */
    'flashsale.end': { saleId: string };
  }
}
