import { Fragment, useState, type ReactNode } from 'react';
import { ORDER_STATUSES } from '../../api/types';
import { ListStates } from '../../components/list-states';
import { MoneyText, OrderStatusBadge } from '../../components/states';
import { StatusTabs, useStatusParam } from '../../components/status-tabs';
import { formatDateTime } from '../../format';
import { useCursorList } from '../../hooks';
import { useI18n, useT } from '../../i18n';
import { AdminPage, ShortId } from './admin-page';
import { DataTable } from './data-table';
import { OrderDetail } from './order-detail';
import type { AdminOrder } from './types';

const TABS = ['', ...ORDER_STATUSES] as const;
const COLUMNS = 7;
const DETAIL_STYLE = { position: 'sticky', left: 0, maxWidth: 'calc(100vw - 2.7rem)' } as const;

function OrderRow({ order, open, onToggle }: { order: AdminOrder; open: boolean; onToggle: () => void }): ReactNode {
  const { t, language } = useI18n();
  return (
    <tr data-testid="order-row" data-order-id={order.id}>
      <td>
        <ShortId id={order.id} />
      </td>
      <td data-testid="order-buyer">{order.buyerUsername ?? <ShortId id={order.buyerId} />}</td>
      <td data-testid="order-seller">{order.sellerUsername ?? <ShortId id={order.sellerId} />}</td>
      <td>
        <MoneyText money={order.total} />
      </td>
      <td>
        <OrderStatusBadge status={order.status} />
      </td>
      <td>{formatDateTime(order.createdAt, language)}</td>
      <td>
        <button type="button" className="link" aria-expanded={open} data-testid="order-toggle" onClick={onToggle}>
          {open ? t('admin.orders.hide') : t('admin.orders.details')}
        </button>
      </td>
    </tr>
  );
}

function OrdersTable({ orders }: { orders: AdminOrder[] }): ReactNode {
  const t = useT();
  const [openId, setOpenId] = useState<string | null>(null);
  return (
    <DataTable
      headings={[
        t('admin.orders.id'),
        t('admin.orders.buyer'),
        t('admin.orders.seller'),
        t('admin.orders.total'),
        t('admin.orders.status'),
        t('admin.orders.createdAt'),
        <span key="actions" className="muted">
          {t('admin.orders.actions')}
        </span>,
      ]}
      minWidth="48rem"
    >
      {orders.map((order) => (
        <Fragment key={order.id}>
          <OrderRow order={order} open={openId === order.id} onToggle={() => setOpenId(openId === order.id ? null : order.id)} />
          {openId === order.id && (
            <tr data-testid="order-detail-row">
              <td colSpan={COLUMNS}>
                {/* Stays in view while the wide table scrolls sideways on a phone. */}
                <div style={DETAIL_STYLE}>
                  <OrderDetail order={order} />
                </div>
              </td>
            </tr>
          )}
        </Fragment>
      ))}
    </DataTable>
  );
}

/** /admin/orders: every order, newest first, by status; a row opens its details in place. */
export function OrdersPage(): ReactNode {
  const t = useT();
  const status = useStatusParam(TABS, '');
  const list = useCursorList<AdminOrder>('/admin/orders', { status });
  return (
    <AdminPage title={t('admin.orders.title')}>
      <StatusTabs base="/admin/orders" kind="order" values={TABS} current={status} testId={(value) => `tab-${value || 'all'}`} label={t('admin.tabs.label')} />
      <ListStates list={list} empty={t('admin.orders.empty')}>
        {(orders) => <OrdersTable orders={orders} />}
      </ListStates>
    </AdminPage>
  );
}
