import type { ReactNode } from 'react';
import { Empty, ErrorMessage, Loading, MoneyText, MoreButton, StatusBadge } from '../../components/states';
import { formatDateTime } from '../../format';
import { useCursorList } from '../../hooks';
import { useI18n, type Translate } from '../../i18n';
import { Link, useLocation } from '../../router';
import { ORDER_STATUSES, type AccountOrder } from './types';

const TABS = ['all', ...ORDER_STATUSES] as const;

function currentTab(search: URLSearchParams): string {
  const status = search.get('status') ?? 'all';
  return (TABS as readonly string[]).includes(status) ? status : 'all';
}

function StatusTabs({ active }: { active: string }): ReactNode {
  const { t } = useI18n();
  return (
    <nav className="tabs" aria-label={t('account.orders.filter')}>
      {TABS.map((tab) => (
        <Link
          key={tab}
          to={tab === 'all' ? '/account/orders' : `/account/orders?status=${tab}`}
          className={tab === active ? 'active' : undefined}
          aria-current={tab === active ? 'page' : undefined}
          data-testid={`order-tab-${tab}`}
        >
          {t(tab === 'all' ? 'account.orders.all' : `account.status.${tab}`)}
        </Link>
      ))}
    </nav>
  );
}

/** "Title" or "Title and 2 more". */
export function orderName(order: AccountOrder, t: Translate): string {
  const first = order.items[0]?.title ?? t('account.order.untitled');
  return order.items.length > 1 ? t('account.order.andMore', { title: first, n: order.items.length - 1 }) : first;
}

function OrderCard({ order }: { order: AccountOrder }): ReactNode {
  const { t, language } = useI18n();
  return (
    <Link to={`/account/orders/${order.id}`} className="card" style={{ display: 'grid', gap: '0.3rem', color: 'inherit' }} data-testid="order-row" data-order-id={order.id}>
      <span style={{ display: 'flex', justifyContent: 'space-between', gap: '0.5rem', flexWrap: 'wrap' }}>
        <strong>{orderName(order, t)}</strong>
        <StatusBadge status={order.status} label={t(`account.status.${order.status}`)} />
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

function OrderList({ status }: { status: string | undefined }): ReactNode {
  const { t } = useI18n();
  const list = useCursorList<AccountOrder>('/orders', { role: 'buyer', status });
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
  const { search } = useLocation();
  const tab = currentTab(search);
  return (
    <>
      <h1>{t('account.orders.title')}</h1>
      <StatusTabs active={tab} />
      <OrderList key={tab} status={tab === 'all' ? undefined : tab} />
    </>
  );
}
