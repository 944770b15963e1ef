import { useEffect, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Order } from '../../api/types';
import { Async, OrderStatusBadge } from '../../components/states';
import { useAsync } from '../../hooks';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { OrderActions } from './order-actions';
import { AddressLines, OrderAmounts, OrderItems, OrderTimeline, PayCountdown } from './order-parts';

/** Poll fast right after the page opens (a sandbox payment's webhook is on its way), then slowly. */
const FAST_POLL_MS = 1000;
const FAST_POLL_FOR_MS = 30_000;
const SLOW_POLL_MS = 10_000;

/** While the order awaits payment, fetches it again until it is paid, cancelled or expired. */
function usePendingPoll(id: string, pending: boolean, onOrder: (order: Order) => void): void {
  useEffect(() => {
    if (!pending) return;
    const started = Date.now();
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async (): Promise<void> => {
      try {
        const order = await api<Order>(`/orders/${encodeURIComponent(id)}`);
        // A pending answer changes nothing, and may be older than a pay the person just made.
        if (!stopped && order.status !== 'pending_payment') onOrder(order);
      } catch {
        // a failed poll is retried at the next tick
      }
      if (!stopped) schedule();
    };
    const schedule = (): void => {
      timer = setTimeout(() => void tick(), Date.now() - started < FAST_POLL_FOR_MS ? FAST_POLL_MS : SLOW_POLL_MS);
    };
    schedule();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, pending, onOrder]);
}

function OrderView({ order, onOrder }: { order: Order; onOrder(order: Order): void }): ReactNode {
  const { t } = useI18n();
  return (
    <div className="stack" data-testid="order-detail" data-order-id={order.id}>
      <div className="card stack" style={{ gap: '0.6rem' }}>
        <div style={{ display: 'flex', gap: '0.6rem', alignItems: 'center', flexWrap: 'wrap' }}>
          <span data-testid="order-status" data-status={order.status}>
            <OrderStatusBadge status={order.status} />
          </span>
          {order.source === 'flash_sale' && <span className="badge">{t('account.order.flash')}</span>}
          <span className="muted" style={{ fontSize: '0.85rem', overflowWrap: 'anywhere' }}>
            {t('account.order.number', { id: order.id })}
          </span>
        </div>
        {order.status === 'pending_payment' && <PayCountdown expiresAt={order.expiresAt} />}
        <OrderActions key={order.status} order={order} onOrder={onOrder} />
      </div>
      <div className="card">
        <h3>{t('account.order.items')}</h3>
        <OrderItems order={order} />
        <div style={{ marginTop: '0.75rem' }}>
          <OrderAmounts order={order} />
        </div>
      </div>
      <div className="card">
        <h3>{t('account.order.address')}</h3>
        {order.shippingAddress ? <AddressLines address={order.shippingAddress} /> : <p className="muted">{t('account.order.noAddress')}</p>}
      </div>
      <div className="card">
        <h3>{t('account.order.history')}</h3>
        <OrderTimeline order={order} />
      </div>
    </div>
  );
}

/** /account/orders/:id: one order, what happened to it, and what the buyer can do now. */
export function OrderDetailPage({ id }: { id: string }): ReactNode {
  const { t } = useI18n();
  const state = useAsync(() => api<Order>(`/orders/${encodeURIComponent(id)}`), [id]);
  const { setData } = state;
  usePendingPoll(id, state.data?.status === 'pending_payment', setData);
  return (
    <>
      <div className="toolbar">
        <Link to="/account/orders">← {t('account.order.back')}</Link>
      </div>
      <h1>{t('account.order.title')}</h1>
      <Async state={state}>{(order) => <OrderView order={order} onOrder={setData} />}</Async>
    </>
  );
}
