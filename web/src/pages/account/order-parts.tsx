import type { ReactNode } from 'react';
import type { Order, ShippingAddress } from '../../api/types';
import { MoneyText } from '../../components/states';
import { formatClock, formatDateTime } from '../../format';
import { useNow } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { labelOf, SCROLL_BOX } from './labels';

/** "Pay within mm:ss", ticking down to the order's expiresAt. */
export function PayCountdown({ expiresAt }: { expiresAt: string }): ReactNode {
  const { t } = useI18n();
  const now = useNow(1000);
  const left = Date.parse(expiresAt) - now;
  if (left <= 0) {
    return (
      <p className="muted" data-testid="pay-countdown" data-expired="true">
        {t('account.order.payExpired')}
      </p>
    );
  }
  return (
    <p data-testid="pay-countdown" data-expired="false">
      {t('account.order.payWithin')} <strong className="countdown" style={{ fontSize: '1.4rem' }}>{formatClock(left)}</strong>
    </p>
  );
}

export function OrderItems({ order }: { order: Order }): ReactNode {
  const { t } = useI18n();
  return (
    <div className="table-wrap" style={SCROLL_BOX}>
      <table className="table" data-testid="order-items">
        <thead>
          <tr>
            <th>{t('account.order.item')}</th>
            <th>{t('account.order.unitPrice')}</th>
            <th>{t('account.order.quantity')}</th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item) => (
            <tr key={item.skuId}>
              <td>
                <Link to={`/products/${item.productId}`}>{item.title}</Link>
              </td>
              <td>
                <MoneyText money={item.unitPrice} />
              </td>
              <td>× {item.quantity}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function OrderAmounts({ order }: { order: Order }): ReactNode {
  const { t } = useI18n();
  return (
    <dl style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '0.3rem 1rem', margin: 0 }}>
      <dt>{t('account.order.subtotal')}</dt>
      <dd style={{ margin: 0 }}>
        <MoneyText money={order.subtotal} />
      </dd>
      {order.discount.amount > 0 && (
        <>
          <dt>{order.couponCode ? t('account.order.discountWith', { code: order.couponCode }) : t('account.order.discount')}</dt>
          <dd style={{ margin: 0 }}>
            −<MoneyText money={order.discount} />
          </dd>
        </>
      )}
      <dt>{t('account.order.total')}</dt>
      <dd style={{ margin: 0 }} data-testid="order-total">
        <MoneyText money={order.total} className="price" />
      </dd>
    </dl>
  );
}

export function AddressLines({ address }: { address: ShippingAddress }): ReactNode {
  const place = [address.city, address.region, address.postalCode, address.country].filter(Boolean).join(', ');
  return (
    <address style={{ fontStyle: 'normal' }}>
      <strong>{address.recipient}</strong> <span className="muted">{address.phone}</span>
      <br />
      {address.line1}
      {address.line2 ? `, ${address.line2}` : ''}
      <br />
      {place}
    </address>
  );
}

function timeline(order: Order): [string, string | undefined][] {
  return [
    ['account.order.createdAt', order.createdAt],
    ['account.order.paidAt', order.paidAt],
    ['account.order.shippedAt', order.shippedAt],
    ['account.order.completedAt', order.completedAt],
    ['account.order.cancelledAt', order.cancelledAt],
    ['account.order.refundedAt', order.refundedAt],
  ];
}

/** When each step happened, with the reasons and the parcel's tracking. */
export function OrderTimeline({ order }: { order: Order }): ReactNode {
  const { t, language } = useI18n();
  const notes: [string, string][] = [];
  if (order.paymentMethod) notes.push(['account.order.paymentMethod', t(`account.order.method.${order.paymentMethod}`)]);
  if (order.carrier || order.trackingNumber) notes.push(['account.order.tracking', [order.carrier, order.trackingNumber].filter(Boolean).join(' ')]);
  if (order.cancelReason) notes.push(['account.order.cancelReason', labelOf(t, 'account.cancelReason', order.cancelReason)]);
  if (order.refundReason) notes.push(['account.order.refundReason', order.refundReason]);
  return (
    <dl style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '0.3rem 1rem', margin: 0 }}>
      {timeline(order).map(([key, at]) =>
        at ? (
          <div key={key} style={{ display: 'contents' }}>
            <dt className="muted">{t(key)}</dt>
            <dd style={{ margin: 0 }}>{formatDateTime(at, language)}</dd>
          </div>
        ) : null,
      )}
      {notes.map(([key, text]) => (
        <div key={key} style={{ display: 'contents' }}>
          <dt className="muted">{t(key)}</dt>
          <dd style={{ margin: 0 }}>{text}</dd>
        </div>
      ))}
    </dl>
  );
}
