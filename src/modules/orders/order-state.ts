export type OrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'cancelled' | 'refunded';
export type OrderAction = 'pay' | 'cancel' | 'expire' | 'ship' | 'confirm' | 'auto_confirm' | 'refund';
export type Party = 'buyer' | 'seller' | 'system';

export interface Transition {
  from: OrderStatus;
  to: OrderStatus;
  /** Who may ask for it: the other party gets 403, a stranger 404. */
  by: Party;
  /** The column that records when the order reached `to`. */
  stamp: 'paid_at' | 'shipped_at' | 'completed_at' | 'cancelled_at' | 'refunded_at';
}

/**
 * The order lifecycle as data. Each action is one guarded UPDATE (`where status = from`), so
 * two actions racing on one order (pay and cancel, pay and expiry) cannot both win (I5).
 */
export const ORDER_TRANSITIONS: Record<OrderAction, Transition> = {
  pay: { from: 'pending_payment', to: 'paid', by: 'buyer', stamp: 'paid_at' },
  cancel: { from: 'pending_payment', to: 'cancelled', by: 'buyer', stamp: 'cancelled_at' },
  expire: { from: 'pending_payment', to: 'cancelled', by: 'system', stamp: 'cancelled_at' },
  ship: { from: 'paid', to: 'shipped', by: 'seller', stamp: 'shipped_at' },
  confirm: { from: 'shipped', to: 'completed', by: 'buyer', stamp: 'completed_at' },
  auto_confirm: { from: 'shipped', to: 'completed', by: 'system', stamp: 'completed_at' },
  refund: { from: 'paid', to: 'refunded', by: 'buyer', stamp: 'refunded_at' },
};
