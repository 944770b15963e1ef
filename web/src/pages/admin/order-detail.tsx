import type { ReactNode } from 'react';
import type { Order, ShippingAddress } from '../../api/types';
import type { AdminOrder } from './types';
import { MoneyText } from '../../components/states';
import { formatDateTime } from '../../format';
import { useI18n, useT } from '../../i18n';
import { DataTable } from './data-table';

function Items({ order }: { order: Order }): ReactNode {
  const t = useT();
  return (
    <DataTable headings={[t('admin.orders.item'), t('admin.orders.quantity'), t('admin.orders.unitPrice')]}>
      {order.items.map((item) => (
        <tr key={item.skuId}>
          <td>{item.title}</td>
          <td>{item.quantity}</td>
          <td>
            <MoneyText money={item.unitPrice} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function Line({ label, children }: { label: string; children: ReactNode }): ReactNode {
  const t = useT();
  return (
    <div>
      <span className="muted">{t('admin.orders.label', { label })}</span>
      {children}
    </div>
  );
}

function Amounts({ order }: { order: Order }): ReactNode {
  const t = useT();
  return (
    <div>
      <Line label={t('admin.orders.subtotal')}>
        <MoneyText money={order.subtotal} />
      </Line>
      <Line label={t('admin.orders.discount')}>
        <MoneyText money={order.discount} />
        {order.couponCode && <span className="muted"> ({order.couponCode})</span>}
      </Line>
      <Line label={t('admin.orders.total')}>
        <strong>
          <MoneyText money={order.total} />
        </strong>
      </Line>
    </div>
  );
}

/** The moments of an order that happened (or will: its payment deadline), in order. */
function timesOf(order: Order): { key: string; at: string }[] {
  const times: { key: string; at: string | undefined }[] = [
    { key: 'createdAt', at: order.createdAt },
    { key: 'expiresAt', at: order.status === 'pending_payment' ? order.expiresAt : undefined },
    { key: 'paidAt', at: order.paidAt },
    { key: 'shippedAt', at: order.shippedAt },
    { key: 'completedAt', at: order.completedAt },
    { key: 'cancelledAt', at: order.cancelledAt },
  ];
  return times.filter((time): time is { key: string; at: string } => time.at !== undefined);
}

function Timeline({ order }: { order: Order }): ReactNode {
  const { t, language } = useI18n();
  return (
    <div>
      {timesOf(order).map((time) => (
        <Line key={time.key} label={t(`admin.orders.${time.key}`)}>
          {formatDateTime(time.at, language)}
        </Line>
      ))}
      {order.cancelReason && <Line label={t('admin.orders.cancelReason')}>{order.cancelReason}</Line>}
    </div>
  );
}

/** A shipping address as one line: recipient, phone, then the address from street to country. */
function addressLine(address: ShippingAddress): string {
  const parts = [address.recipient, address.phone, address.line1, address.line2, address.city, address.region, address.postalCode, address.country];
  return parts.filter((part): part is string => typeof part === 'string' && part !== '').join(', ');
}

function Parties({ order }: { order: AdminOrder }): ReactNode {
  const t = useT();
  return (
    <div>
      <Line label={t('admin.orders.buyer')}>
        {order.buyerUsername} <code>{order.buyerId}</code>
      </Line>
      <Line label={t('admin.orders.seller')}>
        {order.sellerUsername} <code>{order.sellerId}</code>
      </Line>
      {order.shippingAddress && <Line label={t('admin.orders.address')}>{addressLine(order.shippingAddress)}</Line>}
    </div>
  );
}

/** An order's items, amounts and timestamps, shown under its row in the admin orders table. */
export function OrderDetail({ order }: { order: AdminOrder }): ReactNode {
  const t = useT();
  return (
    <div className="stack" data-testid="order-detail">
      <div className="muted">
        {t('admin.orders.fullId', { id: order.id })} · {order.source === 'flash_sale' ? t('admin.orders.sourceFlash') : t('admin.orders.sourceRegular')}
      </div>
      <Items order={order} />
      <div className="grid">
        <Amounts order={order} />
        <Timeline order={order} />
        <Parties order={order} />
      </div>
    </div>
  );
}
