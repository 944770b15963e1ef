import type { ReactNode } from 'react';
import { ORDER_STATUSES, type Order, type OrderStatus } from '../../api/types';
import { Empty, ErrorMessage, Loading, MoneyText, MoreButton, OrderStatusBadge } from '../../components/states';
import { StatusTabs, useStatusParam } from '../../components/status-tabs';
import { formatDateTime } from '../../format';
import { useCursorList } from '../../hooks';
import { useI18n, type Translate } from '../../i18n';
import { Link } from '../../router';

const TABS = ['', ...ORDER_STATUSES] as const;

/** "Title" or "Title and 2 more". */
export function orderName(order: Order, t: Translate): string {
  const first = order.items[0]?.title ?? t('account.order.untitled');
  return order.items.length > 1 ? t('account.order.andMore', { title: first, n: order.items.length - 1 }) : first;
}

function OrderCard({ order }: { order: Order }): ReactNode {
  const { t, language } = useI18n();
  return (
    <Link to={`/account/orders/${order.id}`} className="card" style={{ display: 'grid', gap: '0.3rem', color: 'inherit' }} data-testid="order-row" data-order-id={order.id}>
      <span style={{ display: 'flex', justifyContent: 'space-between', gap: '0.5rem', flexWrap: 'wrap' }}>
        <strong>{orderName(order, t)}</strong>
        <OrderStatusBadge status={order.status} />
      </span>
      <span style={{ display: 'flex', justifyContent: 'space-between', gap: '0.5rem', flexWrap: 'wrap' }}>
        <span className="muted">
          {formatDateTime(order.createdAt, language)}
          {order.source === 'flash_sale' && ` · ${t('account.order.flash')}`}
        </span>
        <MoneyText money={order.total} className="price" />
      </span>
    </Link>
  );
}

function OrderList({ status }: { status: OrderStatus | undefined }): ReactNode {
  const { t } = useI18n();
  const list = useCursorList<Order>('/orders', { role: 'buyer', status });
  return (
    <>
      {list.error ? <ErrorMessage error={list.error} onRetry={list.items.length === 0 ? list.reload : list.loadMore} /> : null}
      {!list.error && !list.loading && list.items.length === 0 && <Empty>{t('account.orders.empty')}</Empty>}
      <div className="stack" data-testid="order-list">
        {list.items.map((order) => (
          <OrderCard key={order.id} order={order} />
        ))}
      </div>
      {list.loading ? <Loading /> : <MoreButton list={list} />}
    </>
  );
}

/** /account/orders: the caller's orders as buyer, by status, page by page. */
export function OrdersPage(): ReactNode {
  const { t } = useI18n();
  const tab = useStatusParam(TABS, '');
  return (
    <>
      <h1>{t('account.orders.title')}</h1>
      <StatusTabs base="/account/orders" kind="order" values={TABS} current={tab} testId={(value) => `order-tab-${value || 'all'}`} label={t('account.orders.filter')} />
      <OrderList key={tab} status={tab || undefined} />
    </>
  );
}
