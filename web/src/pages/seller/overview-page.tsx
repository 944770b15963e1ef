import type { ReactNode } from 'react';
import type { Order, Product } from '../../api/types';
import { BarChart } from '../../components/bar-chart';
import { Async, MoneyList } from '../../components/states';
import { useAsync } from '../../hooks';
import { useI18n, useT } from '../../i18n';
import { Link } from '../../router';
import { gatherPages } from './paging';
import { salesStats, type SalesStats } from './sales-stats';

const MAX_ORDERS = 500;
const MAX_PRODUCTS = 500;

interface OverviewData {
  stats: SalesStats;
  ordersTruncated: boolean;
  listed: number;
  delisted: number;
  productsTruncated: boolean;
}

async function loadOverview(): Promise<OverviewData> {
  const [orders, products] = await Promise.all([
    gatherPages<Order>('/orders', { role: 'seller' }, MAX_ORDERS),
    gatherPages<Product>('/me/products', {}, MAX_PRODUCTS),
  ]);
  const listed = products.items.filter((product) => product.status === 'listed').length;
  return {
    stats: salesStats(orders.items, Date.now()),
    ordersTruncated: orders.truncated,
    listed,
    delisted: products.items.length - listed,
    productsTruncated: products.truncated,
  };
}

function Stat({ label, value, testId, money = false }: { label: string; value: ReactNode; testId: string; money?: boolean }): ReactNode {
  return (
    <div className="card stat" data-testid={testId}>
      <div className="muted">{label}</div>
      <div className={money ? 'price' : 'value'}>{value}</div>
    </div>
  );
}

function StatsGrid({ data }: { data: OverviewData }): ReactNode {
  const t = useT();
  const { stats } = data;
  const plus = (truncated: boolean): string => (truncated ? '+' : '');
  return (
    <div className="stats">
      <Stat testId="stat-orders" label={t('seller.overview.orders')} value={`${stats.orders}${plus(data.ordersTruncated)}`} />
      <Stat testId="stat-paid" label={t('seller.overview.toShip')} value={stats.byStatus.paid ?? 0} />
      <Stat testId="stat-shipped" label={t('seller.overview.shipped')} value={stats.byStatus.shipped ?? 0} />
      <Stat testId="stat-completed" label={t('seller.overview.completed')} value={stats.byStatus.completed ?? 0} />
      <Stat testId="stat-revenue" label={t('seller.overview.revenue')} value={<MoneyList items={stats.revenue} />} money />
      <Stat testId="stat-listed" label={t('seller.overview.listed')} value={`${data.listed}${plus(data.productsTruncated)}`} />
      <Stat testId="stat-delisted" label={t('seller.overview.delisted')} value={data.delisted} />
    </div>
  );
}

function OrdersChart({ stats }: { stats: SalesStats }): ReactNode {
  const { t, language } = useI18n();
  const dayLabel = new Intl.DateTimeFormat(language, { month: 'numeric', day: 'numeric' });
  const bars = stats.perDay.map(({ day, count }) => ({ label: dayLabel.format(day), value: count, title: t('seller.overview.ordersCount', { n: count }) }));
  return (
    <div className="card">
      <BarChart bars={bars} caption={t('seller.overview.chartCaption')} />
    </div>
  );
}

function QuickLinks(): ReactNode {
  const t = useT();
  const links = [
    { to: '/seller/products/new', label: t('seller.products.publish') },
    { to: '/seller/orders', label: t('seller.overview.linkOrders') },
    { to: '/seller/flash-sales/new', label: t('seller.flash.create') },
    { to: '/seller/coupons', label: t('seller.overview.linkCoupons') },
  ];
  return (
    <div className="toolbar">
      {links.map((link) => (
        <Link key={link.to} to={link.to} className="button secondary small">
          {link.label}
        </Link>
      ))}
    </div>
  );
}

/** /seller: sales figures from the seller's recent orders, and the way to everything else. */
export function OverviewPage(): ReactNode {
  const t = useT();
  const state = useAsync(loadOverview, []);
  return (
    <>
      <h1>{t('seller.overview.title')}</h1>
      <QuickLinks />
      <Async state={state}>
        {(data) => (
          <div className="stack">
            <StatsGrid data={data} />
            {data.ordersTruncated && <p className="muted">{t('seller.overview.truncated', { n: MAX_ORDERS })}</p>}
            {data.stats.orders === 0 && <p className="muted">{t('seller.overview.noOrders')}</p>}
            <h2>{t('seller.overview.chartTitle')}</h2>
            <OrdersChart stats={data.stats} />
          </div>
        )}
      </Async>
    </>
  );
}
