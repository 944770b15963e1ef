import type { ReactNode } from 'react';
import type { Order, ShippingAddress } from '../../api/types';
import { MoneyText, OrderStatusBadge } from '../../components/states';
import { formatDateTime } from '../../format';
import { useI18n, useT } from '../../i18n';
import { ShipForm } from './ship-form';

function AddressBlock({ address }: { address: ShippingAddress | undefined }): ReactNode {
  const t = useT();
  if (!address) return <p className="muted">{t('seller.orders.noAddress')}</p>;
  const place = [address.line1, address.line2, address.city, address.region, address.postalCode, address.country].filter(Boolean).join(', ');
  return (
    <address className="muted" data-testid="order-address">
      {t('seller.labelled', { label: t('seller.orders.shipTo') })}<strong>{address.recipient}</strong> · {address.phone}
      <br />
      {place}
    </address>
  );
}

function Shipment({ order }: { order: Order }): ReactNode {
  const { t, language } = useI18n();
  const labelled = (key: string, value: string | undefined): string | null => (value ? `${t('seller.labelled', { label: t(key) })}${value}` : null);
  const parts = [
    labelled('seller.orders.shippedAt', order.shippedAt && formatDateTime(order.shippedAt, language)),
    labelled('seller.orders.carrier', order.carrier),
    labelled('seller.orders.tracking', order.trackingNumber),
  ].filter(Boolean);
  if (parts.length === 0) return null;
  return (
    <p className="muted" data-testid="order-shipment">
      {parts.join(' · ')}
    </p>
  );
}

/** One order to the seller: items, where it goes, total, and shipping when it is paid. */
export function OrderCard({ order, onShipped }: { order: Order; onShipped(order: Order): void }): ReactNode {
  const { t, language } = useI18n();
  return (
    <article className="card stack" data-testid="seller-order-row" data-order-id={order.id} data-status={order.status}>
      <div className="toolbar">
        <strong>{t('seller.orders.number', { id: order.id.slice(0, 8) })}</strong>
        <OrderStatusBadge status={order.status} />
        {order.source === 'flash_sale' && <span className="badge">{t('seller.orders.flashSale')}</span>}
        <span className="muted">{formatDateTime(order.createdAt, language)}</span>
        <span className="spacer" />
        <span>
          {t('seller.labelled', { label: t('seller.orders.total') })}<MoneyText money={order.total} className="price" />
        </span>
      </div>
      <ul>
        {order.items.map((item) => (
          <li key={item.skuId}>
            {item.title} × {item.quantity} · <MoneyText money={item.unitPrice} />
          </li>
        ))}
      </ul>
      <AddressBlock address={order.shippingAddress} />
      <Shipment order={order} />
      {order.status === 'paid' && <ShipForm orderId={order.id} onShipped={onShipped} />}
    </article>
  );
}
