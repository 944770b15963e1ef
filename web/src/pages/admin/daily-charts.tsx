import type { ReactNode } from 'react';
import type { Money } from '../../api/types';
import { BarChart, type Bar } from '../../components/bar-chart';
import { Empty } from '../../components/states';
import { formatMoney } from '../../format';
import { useI18n } from '../../i18n';
import type { DailyStat } from './types';

/** A UTC day (`2024-05-01`) as a short label in the visitor's language ("May 1", "5月1日"). */
function dayLabel(date: string, language: string): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) return date;
  return new Intl.DateTimeFormat(language, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(parsed);
}

/** Every currency that has GMV on some day of the period, sorted. */
function currenciesOf(items: DailyStat[]): string[] {
  return [...new Set(items.flatMap((item) => item.gmv.map((money) => money.currency)))].sort();
}

function gmvIn(gmv: Money[], currency: string): number {
  return gmv.find((money) => money.currency === currency)?.amount ?? 0;
}

function Chart({ testId, bars, caption }: { testId: string; bars: Bar[]; caption: string }): ReactNode {
  return (
    <div className="card" data-testid={testId}>
      <BarChart bars={bars} caption={caption} />
    </div>
  );
}

/** Orders per day and paid orders per day, then one GMV chart per currency present. */
export function DailyCharts({ items, loading }: { items: DailyStat[]; loading: boolean }): ReactNode {
  const { t, language } = useI18n();
  const label = (item: DailyStat): string => dayLabel(item.date, language);
  const orderBars = items.map((item) => ({ label: label(item), value: item.orders }));
  const paidBars = items.map((item) => ({ label: label(item), value: item.paidOrders }));
  const currencies = currenciesOf(items);
  if (items.length === 0) return <Empty />;
  return (
    <div className="stack" aria-busy={loading}>
      <div className="stack">
        <Chart testId="chart-orders" bars={orderBars} caption={t('admin.stats.ordersPerDay')} />
        <Chart testId="chart-paid-orders" bars={paidBars} caption={t('admin.stats.paidOrdersPerDay')} />
      </div>
      {currencies.length === 0 ? (
        <Empty>{t('admin.stats.noGmv')}</Empty>
      ) : (
        <div className="stack">
          {currencies.map((currency) => (
            <Chart
              key={currency}
              testId={`chart-gmv-${currency}`}
              caption={t('admin.stats.gmvPerDay', { currency })}
              bars={items.map((item) => {
                const amount = gmvIn(item.gmv, currency);
                return { label: label(item), value: amount, title: formatMoney({ amount, currency }, language) };
              })}
            />
          ))}
        </div>
      )}
    </div>
  );
}
