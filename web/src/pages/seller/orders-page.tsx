import { useState, type ReactNode } from 'react';
import type { OrderStatus } from '../../api/types';
import { Empty, ErrorMessage, Loading, MoreButton } from '../../components/states';
import { useCursorList } from '../../hooks';
import { useT } from '../../i18n';
import { Link, useLocation } from '../../router';
import { OrderCard } from './order-card';
import { SellerLayout } from './seller-layout';
import { orderStatusLabel } from './status-labels';
import type { SellerOrder } from './types';

type Tab = OrderStatus | 'all';
const TABS: Tab[] = ['paid', 'shipped', 'completed', 'pending_payment', 'cancelled', 'refunded', 'all'];

function tabOf(search: URLSearchParams): Tab {
  const wanted = search.get('status');
  return TABS.find((tab) => tab === wanted) ?? 'paid';
}

function StatusTabs({ current }: { current: Tab }): ReactNode {
  const t = useT();
  return (
    <nav className="tabs" aria-label={t('seller.orders.title')}>
      {TABS.map((tab) => (
        <Link key={tab} to={`/seller/orders?status=${tab}`} className={tab === current ? 'active' : undefined} aria-current={tab === current ? 'page' : undefined} data-testid={`order-tab-${tab}`}>
          {tab === 'all' ? t('seller.orders.all') : orderStatusLabel(t, tab)}
        </Link>
      ))}
    </nav>
  );
}

function OrderList({ tab }: { tab: Tab }): ReactNode {
  const t = useT();
  const list = useCursorList<SellerOrder>('/orders', { role: 'seller', status: tab === 'all' ? undefined : tab });
  // Orders shipped here, shown in their new state until the list is read again.
  const [shipped, setShipped] = useState<Record<string, SellerOrder>>({});
  const record = (order: SellerOrder): void => setShipped((old) => ({ ...old, [order.id]: order }));
  return (
    <>
      <div className="stack">
        {list.items.map((order) => (
          <OrderCard key={order.id} order={shipped[order.id] ?? order} onShipped={record} />
        ))}
      </div>
      <ErrorMessage error={list.error} onRetry={list.reload} />
      {list.loading && <Loading />}
      {!list.loading && !list.error && list.items.length === 0 && <Empty>{tab === 'paid' ? t('seller.orders.nothingToShip') : t('seller.orders.empty')}</Empty>}
      <MoreButton list={list} />
    </>
  );
}

/** /seller/orders: orders by status, paid ones (to ship) first. */
export function OrdersPage(): ReactNode {
  const t = useT();
  const { search } = useLocation();
  const tab = tabOf(search);
  return (
    <SellerLayout>
      <h1>{t('seller.orders.title')}</h1>
      <StatusTabs current={tab} />
      <OrderList key={tab} tab={tab} />
    </SellerLayout>
  );
}
