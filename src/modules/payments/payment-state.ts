export type ProviderName = 'wallet' | 'sandbox';
export type IntentStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled' | 'expired' | 'refunded';

/**
 * The payment intent lifecycle as data: which states each state may move to.
 * `refunded` from `cancelled`/`expired` records a success that arrived too late and was
 * handed back to the payer.
 */
export const INTENT_TRANSITIONS: Record<IntentStatus, readonly IntentStatus[]> = {
  pending: ['succeeded', 'failed', 'cancelled', 'expired'],
  succeeded: ['refunded'],
  failed: [],
  cancelled: ['refunded'],
  expired: ['refunded'],
  refunded: [],
};

/** The states from which `to` may be reached. */
export function statesLeadingTo(to: IntentStatus): IntentStatus[] {
  return (Object.keys(INTENT_TRANSITIONS) as IntentStatus[]).filter((from) => INTENT_TRANSITIONS[from].includes(to));
}
