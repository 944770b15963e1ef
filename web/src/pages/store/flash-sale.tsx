import type { ReactNode } from 'react';
import type { FlashSale, Page } from '../../api/types';
import { api } from '../../api/client';
import { useAuth } from '../../auth';
import { Async, ErrorMessage, Loading, MoneyText, SaleStatusBadge } from '../../components/states';
import { StatusTabs, useStatusParam } from '../../components/status-tabs';
import { formatClock, formatDateTime } from '../../format';
import { useAsync, useNow } from '../../hooks';
import { useI18n, useT } from '../../i18n';
import { Link, navigate, useLocation } from '../../router';
import { FlashSaleGrid, RemainingBar } from './cards';
import { useLiveSale, usePurchase, type PurchaseState } from './flash-sale-live';

function Countdown({ sale, now }: { sale: FlashSale; now: number }): ReactNode {
  const t = useT();
  const starts = Date.parse(sale.startsAt);
  const ends = Date.parse(sale.endsAt);
  if (now < starts)
    return (
      <p>
        {t('store.startsIn')}{' '}
        <span className="countdown" data-testid="countdown">
          {formatClock(starts - now)}
        </span>
      </p>
    );
  if (sale.status === 'ended' || now >= ends) return <p className="countdown">{t('status.sale.ended')}</p>;
  return (
    <p>
      {t('store.endsIn')} <span className="countdown">{formatClock(ends - now)}</span>
    </p>
  );
}

function Result({ state, now }: { state: PurchaseState; now: number }): ReactNode {
  const t = useT();
  const { purchase, order } = state;
  if (!purchase) return null;
  if (purchase.status === 'queued')
    return (
      <p className="result" data-testid="purchase-result" data-status="queued">
        <span className="spinner" aria-hidden="true" /> {t('store.purchaseQueued')}
      </p>
    );
  if (purchase.status === 'failed')
    return (
      <p className="result error-box" data-testid="purchase-result" data-status="failed">
        {t('store.purchaseFailed')} {purchase.reason ? t(`error.${purchase.reason}`) : ''}
      </p>
    );
  const left = order ? Date.parse(order.expiresAt) - now : 0;
  return (
    <div className="result success-box stack" data-testid="purchase-result" data-status="succeeded">
      <strong>{t('store.purchaseSucceeded')}</strong>
      {order?.status === 'pending_payment' && left > 0 && (
        <span data-testid="pay-within">{t('store.payWithin', { time: formatClock(left) })}</span>
      )}
      {order && order.status !== 'pending_payment' && <span>{t(`status.order.${order.status}`)}</span>}
      {purchase.orderId && (
        <Link to={`/account/orders/${purchase.orderId}`} className="button" data-testid="go-pay">
          {order?.status === 'pending_payment' ? t('store.payNow') : t('store.viewOrder')}
        </Link>
      )}
    </div>
  );
}

function BuyButton({ sale, state, now }: { sale: FlashSale; state: PurchaseState; now: number }): ReactNode {
  const t = useT();
  const { user } = useAuth();
  const { path } = useLocation();
  if (!user)
    return (
      <button type="button" className="buy-button" onClick={() => navigate(`/login?next=${encodeURIComponent(path)}`)}>
        {t('store.loginToBuy')}
      </button>
    );
  if (user.id === sale.sellerId) return <p className="muted">{t('store.ownProduct')}</p>;
  const open = sale.status === 'active' && now >= Date.parse(sale.startsAt);
  const label = state.pressed ? t('store.pressed') : sale.status === 'sold_out' ? t('status.sale.sold_out') : sale.status === 'ended' ? t('status.sale.ended') : open ? t('store.buyFlash') : t('store.notYet');
  return (
    <button type="button" className="buy-button" disabled={!open || state.pressed} onClick={() => void state.buy()} data-testid="flash-buy">
      {label}
    </button>
  );
}

/** The flash-sale page: countdown, live remaining quantity, one press, the answer as it comes. */
export function FlashSalePage({ id }: { id: string }): ReactNode {
  const t = useT();
  const { language } = useI18n();
  const { user } = useAuth();
  const now = useNow(250);
  const live = useLiveSale(id);
  const state = usePurchase(live.sale, user?.id);
  const sale = live.sale;
  if (!sale) return live.error ? <ErrorMessage error={live.error} onRetry={live.reload} /> : <Loading />;
  return (
    <article className="flash">
      <div className="card stack">
        <div className="toolbar" style={{ margin: 0 }}>
          <h1 style={{ margin: 0 }}>⚡ {sale.title}</h1>
          <span className="spacer" />
          <SaleStatusBadge status={sale.status} />
        </div>
        <MoneyText money={sale.price} className="price" />
        <Countdown sale={sale} now={now} />
        <RemainingBar sale={sale} />
        <p>
          {t('store.remaining')}: <strong data-testid="remaining">{sale.remaining}</strong> / {sale.quantity} · {t('store.perUserLimit', { n: sale.perUserLimit })}
        </p>
        <p className="muted">
          {formatDateTime(sale.startsAt, language)} – {formatDateTime(sale.endsAt, language)}
        </p>
      </div>
      <div className="card stack">
        <BuyButton sale={sale} state={state} now={now} />
        <ErrorMessage error={state.error} />
        <Result state={state} now={now} />
        <Link to={`/products/${sale.productId}`}>{t('store.viewProduct')}</Link>
      </div>
    </article>
  );
}

const TABS = ['active', 'scheduled', 'sold_out', 'ended'] as const;

/** Every flash sale by status: now, soon, over. */
export function FlashSalesPage(): ReactNode {
  const t = useT();
  const status = useStatusParam(TABS, 'active');
  const sales = useAsync(() => api<Page<FlashSale>>('/flash-sales', { query: { status, limit: 100 } }), [status]);
  return (
    <>
      <h1>{t('nav.flashSales')}</h1>
      <StatusTabs base="/flash-sales" kind="sale" values={TABS} current={status} />
      <Async state={sales}>{(page) => <FlashSaleGrid sales={page.items} />}</Async>
    </>
  );
}
