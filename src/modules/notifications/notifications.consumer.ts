import type { EventHandlers, EventMap } from '../../platform/bus/index.js';
import type { Tx } from '../../platform/db/index.js';
import { minorUnitsPerUnit, type Money } from '../../platform/money/index.js';
import type { NotificationInput, NotificationsService } from './notifications.service.js';
import type {} from '../flashsale/index.js'; // its events' payload types

/** The consumer group: its inbox records which events it handled. */
export const NOTIFICATIONS_GROUP = 'notifications';

type OrderTopics = Pick<EventMap, 'order.placed' | 'order.paid' | 'order.shipped' | 'order.completed' | 'order.cancelled' | 'order.refunded'>;
type OrderEvent = EventMap['order.placed'];
type Role = 'buyer' | 'seller';
/** One message of an event, before the recipient and the keys are filled in. */
type Message = { to: Role; title: string; body: string };

/** "CNY 12.34", "JPY 1200": integer minor units written out without floating point. */
export function formatMoney(money: Money): string {
  const units = minorUnitsPerUnit(money.currency);
  const digits = String(units).length - 1;
  const sign = money.amount < 0 ? '-' : '';
  const abs = Math.abs(money.amount);
  const whole = Math.floor(abs / units);
  const fraction = digits > 0 ? `.${String(abs % units).padStart(digits, '0')}` : '';
  return `${money.currency} ${sign}${whole}${fraction}`;
}

function orderName(event: OrderEvent): string {
  return `${event.source === 'flash_sale' ? 'flash-sale order' : 'order'} ${event.orderId}`;
}

/** Machine reasons ('payment_timeout', 'buyer_cancelled') as words; the timeout said plainly. */
function cancelledBody(event: EventMap['order.cancelled']): string {
  const name = capitalize(orderName(event));
  if (event.reason === 'payment_timeout') return `${name} was cancelled because it was not paid in time.`;
  return `${name} was cancelled (${event.reason.replaceAll('_', ' ')}).`;
}

function shippedBody(event: EventMap['order.shipped']): string {
  const by = event.carrier ? ` with ${event.carrier}` : '';
  const tracking = event.trackingNumber ? `, tracking number ${event.trackingNumber}` : '';
  return `${capitalize(orderName(event))} is on its way${by}${tracking}.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The messages each order event gives, per recipient. */
const ORDER_MESSAGES: { [T in keyof OrderTopics]: (event: EventMap[T]) => Message[] } = {
  'order.placed': (e) => [{ to: 'seller', title: 'New order', body: `A buyer placed ${orderName(e)} for ${formatMoney(e.total)}; it awaits payment.` }],
  'order.paid': (e) => [
    { to: 'buyer', title: 'Order paid', body: `You paid ${formatMoney(e.total)} for ${orderName(e)}.` },
    { to: 'seller', title: 'Order to ship', body: `${capitalize(orderName(e))} was paid (${formatMoney(e.total)}): please ship it.` },
  ],
  'order.shipped': (e) => [{ to: 'buyer', title: 'Order shipped', body: shippedBody(e) }],
  'order.completed': (e) => [
    { to: 'seller', title: 'Order paid out', body: `${capitalize(orderName(e))} is complete: ${formatMoney(e.total)} was released to your wallet.` },
    {
      to: 'buyer',
      title: 'Order completed',
      body: `${capitalize(orderName(e))} is complete${e.automatic ? ' (confirmed automatically)' : ''}. Thank you for your purchase.`,
    },
  ],
  'order.cancelled': (e) => [{ to: 'buyer', title: 'Order cancelled', body: cancelledBody(e) }],
  'order.refunded': (e) => {
    const why = e.reason ? ` (${e.reason.replaceAll('_', ' ')})` : '';
    return [
      { to: 'buyer', title: 'Order refunded', body: `${formatMoney(e.total)} for ${orderName(e)} was refunded to your wallet${why}.` },
      { to: 'seller', title: 'Order refunded', body: `${capitalize(orderName(e))} was refunded to the buyer: ${formatMoney(e.total)}${why}.` },
    ];
  },
};

/** The notifications one order event gives: one per recipient, keyed by event, order and role. */
export function orderNotifications<T extends keyof OrderTopics>(topic: T, event: EventMap[T]): NotificationInput[] {
  const messages = (ORDER_MESSAGES[topic] as (e: EventMap[T]) => Message[])(event);
  return messages.map((m) => ({
    userId: m.to === 'buyer' ? event.buyerId : event.sellerId,
    type: topic,
    title: m.title,
    body: m.body,
    dedupeKey: `${topic}:${event.orderId}:${m.to}`,
  }));
}

/** The notification of a credited recharge. */
export function rechargeNotification(event: EventMap['recharge.succeeded']): NotificationInput {
  return {
    userId: event.userId,
    type: 'recharge.succeeded',
    title: 'Wallet recharged',
    body: `${formatMoney(event.amount)} was added to your wallet.`,
    dedupeKey: `recharge.succeeded:${event.rechargeId}`,
  };
}

/** The answer to each purchase of a drain batch, to its buyer. */
export function purchaseNotifications(event: EventMap['flashsale.purchases.decided']): NotificationInput[] {
  const deadline = new Date(event.paymentDeadline).toISOString().replace('T', ' ').slice(0, 16);
  return event.purchases.map((p) => ({
    userId: p.buyerId,
    type: p.status === 'succeeded' ? 'flashsale.purchase.succeeded' : 'flashsale.purchase.failed',
    title: p.status === 'succeeded' ? 'Flash sale: you got it' : 'Flash sale: purchase failed',
    body:
      p.status === 'succeeded'
        ? `You secured ${p.quantity} × ${event.title}. Pay order ${p.orderId ?? ''} before ${deadline} UTC or it is cancelled.`
        : `Your purchase of ${event.title} could not be completed (${(p.reason ?? 'failed').replaceAll('_', ' ')}).`,
    dedupeKey: `flashsale.purchase:${p.purchaseId}`,
  }));
}

/** The handlers of the `notifications` consumer group: each batch of events is one insert, in the inbox transaction. */
export function notificationHandlers(service: NotificationsService): EventHandlers {
  const order = <T extends keyof OrderTopics>(topic: T) => ({
    batch: (tx: Tx, events: EventMap[T][]) => service.notifyMany(tx, events.flatMap((event) => orderNotifications(topic, event))),
  });
  return {
    'order.placed': order('order.placed'),
    'order.paid': order('order.paid'),
    'order.shipped': order('order.shipped'),
    'order.completed': order('order.completed'),
    'order.cancelled': order('order.cancelled'),
    'order.refunded': order('order.refunded'),
    'recharge.succeeded': { batch: (tx, events) => service.notifyMany(tx, events.map(rechargeNotification)) },
    'flashsale.purchases.decided': { batch: (tx, events) => service.notifyMany(tx, events.flatMap(purchaseNotifications)) },
  };
}
