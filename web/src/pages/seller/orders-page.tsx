import type { ReactNode } from 'react';
import type { Order, OrderStatus } from '../../api/types';
import { ListStates } from '../../components/list-states';
import { StatusTabs, useStatusParam } from '../../components/status-tabs';
import { useCursorList } from '../../hooks';
import { useT } from '../../i18n';
import { OrderCard } from './order-card';

type Tab = OrderStatus | 'all';
const TABS: Tab[] = ['paid', 'shipped', 'completed', 'pending_payment', 'cancelled', 'refunded', 'all'];

function OrderList({ tab }: { tab: Tab }): ReactNode {
  const t = useT();
  const list = useCursorList<Order>('/orders', { role: 'seller', status: tab === 'all' ? undefined : tab });
  // An order shipped here is shown in its new state until the list is read again.
  const shipped = (next: Order): void => list.update((order) => (order.id === next.id ? next : order));
  return (
    <ListStates list={list} empty={tab === 'paid' ? t('seller.orders.nothingToShip') : t('seller.orders.empty')}>
      {(orders) => (
        <div className="stack">
          {orders.map((order) => (
            <OrderCard key={order.id} order={order} onShipped={shipped} />
          ))}
        </div>
      )}
    </ListStates>
  );
}

/** /seller/orders: orders by status, paid ones (to ship) first. */
export function OrdersPage(): ReactNode {
  const t = useT();
  const tab = useStatusParam(TABS, 'paid');
  return (
    <>
      <h1>{t('seller.orders.title')}</h1>
      <StatusTabs base="/seller/orders" kind="order" values={TABS} current={tab} testId={(value) => `order-tab-${value}`} label={t('seller.orders.title')} />
      <OrderList key={tab} tab={tab} />
    </>
  );
}
