import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import { Async, MoneyList } from '../../components/states';
import { useAsync } from '../../hooks';
import { useT } from '../../i18n';
import { AdminPage } from './admin-page';
import { DailyCharts } from './daily-charts';
import type { DailyStats, Overview } from './types';

const DAY_CHOICES = [7, 30, 90] as const;

function Stat({ testId, label, children }: { testId: string; label: string; children: ReactNode }): ReactNode {
  return (
    <div className="card stat" data-testid={testId}>
      <div className="muted">{label}</div>
      <div className="value">{children}</div>
    </div>
  );
}

function OverviewCards({ overview }: { overview: Overview }): ReactNode {
  const t = useT();
  return (
    <div className="stats">
      <Stat testId="stat-users" label={t('admin.stats.users')}>
        {overview.users}
      </Stat>
      <Stat testId="stat-orders" label={t('admin.stats.orders')}>
        {overview.orders}
      </Stat>
      <Stat testId="stat-paid-orders" label={t('admin.stats.paidOrders')}>
        {overview.paidOrders}
      </Stat>
      <Stat testId="stat-gmv" label={t('admin.stats.gmv')}>
        <MoneyList items={overview.gmv} />
      </Stat>
      <Stat testId="stat-flash-sales" label={t('admin.stats.flashSales')}>
        {overview.flashSales}
      </Stat>
    </div>
  );
}

function DaysSelector({ days, onChange }: { days: number; onChange: (days: number) => void }): ReactNode {
  const t = useT();
  return (
    <div className="chips" role="group" aria-label={t('admin.stats.period')}>
      {DAY_CHOICES.map((choice) => (
        <button key={choice} type="button" className="chip" aria-pressed={choice === days} data-testid={`days-${choice}`} onClick={() => onChange(choice)}>
          {t('admin.stats.lastDays', { n: choice })}
        </button>
      ))}
    </div>
  );
}

/** /admin: all-time figures, then orders and GMV per day over a chosen period. */
export function StatsPage(): ReactNode {
  const t = useT();
  const [days, setDays] = useState(30);
  const overview = useAsync(() => api<Overview>('/admin/stats/overview'), []);
  const daily = useAsync(() => api<DailyStats>('/admin/stats/daily', { query: { days } }), [days]);
  return (
    <AdminPage title={t('admin.stats.title')}>
      <Async state={overview}>{(data) => <OverviewCards overview={data} />}</Async>
      <h2>{t('admin.stats.daily')}</h2>
      <div className="toolbar">
        <DaysSelector days={days} onChange={setDays} />
      </div>
      <Async state={daily}>{(data) => <DailyCharts items={data.items} loading={daily.loading} />}</Async>
    </AdminPage>
  );
}
