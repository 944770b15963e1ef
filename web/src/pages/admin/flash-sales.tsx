import type { ReactNode } from 'react';
import { api } from '../../api/client';
import { FLASH_SALE_STATUSES, type FlashSale } from '../../api/types';
import { ListStates } from '../../components/list-states';
import { ErrorLine, MoneyText, SaleStatusBadge } from '../../components/states';
import { StatusTabs, useStatusParam } from '../../components/status-tabs';
import { formatDateTime } from '../../format';
import { useAction, useCursorList } from '../../hooks';
import { useI18n, useT } from '../../i18n';
import { Link } from '../../router';
import { AdminPage } from './admin-page';
import { conflictSentence } from './conflict-sentence';
import { DataTable } from './data-table';

const TABS = ['', ...FLASH_SALE_STATUSES] as const;

/** "Start now" for a scheduled sale; hands the started sale (as the API answered it) back. */
function StartButton({ sale, onStarted }: { sale: FlashSale; onStarted: (sale: FlashSale) => void }): ReactNode {
  const t = useT();
  const starting = useAction();
  const start = async (): Promise<void> => {
    const started = await starting.run(() => api<FlashSale>(`/admin/flash-sales/${encodeURIComponent(sale.id)}/start`, { method: 'POST' }));
    if (started) onStarted(started);
  };
  return (
    <>
      <button type="button" className="small" disabled={starting.busy} data-testid="start-sale" data-sale-id={sale.id} onClick={() => void start()}>
        {starting.busy ? t('admin.flashSales.starting') : t('admin.flashSales.startNow')}
      </button>
      <ErrorLine message={starting.error ? conflictSentence(t, starting.error, 'admin.flashSales.alreadyStarted') : null} />
    </>
  );
}

function SaleRow({ sale, onStarted }: { sale: FlashSale; onStarted: (sale: FlashSale) => void }): ReactNode {
  const { language } = useI18n();
  return (
    <tr data-testid="sale-row" data-sale-id={sale.id} data-status={sale.status}>
      <td>
        <Link to={`/flash-sales/${encodeURIComponent(sale.id)}`}>{sale.title}</Link>
      </td>
      <td>
        <MoneyText money={sale.price} />
      </td>
      <td>
        {sale.remaining} / {sale.quantity}
      </td>
      <td>{formatDateTime(sale.startsAt, language)}</td>
      <td>{formatDateTime(sale.endsAt, language)}</td>
      <td>
        <SaleStatusBadge status={sale.status} />
      </td>
      <td>{sale.status === 'scheduled' && <StartButton sale={sale} onStarted={onStarted} />}</td>
    </tr>
  );
}

function SalesTable({ sales, onStarted }: { sales: FlashSale[]; onStarted: (sale: FlashSale) => void }): ReactNode {
  const t = useT();
  return (
    <DataTable
      headings={[
        t('admin.flashSales.sale'),
        t('admin.flashSales.price'),
        t('admin.flashSales.remaining'),
        t('admin.flashSales.startsAt'),
        t('admin.flashSales.endsAt'),
        t('admin.flashSales.status'),
        <span key="actions" className="muted">
          {t('admin.flashSales.actions')}
        </span>,
      ]}
      minWidth="50rem"
    >
      {sales.map((sale) => (
        <SaleRow key={sale.id} sale={sale} onStarted={onStarted} />
      ))}
    </DataTable>
  );
}

/** /admin/flash-sales: every sale by status; a scheduled one can be started at once. */
export function FlashSalesPage(): ReactNode {
  const t = useT();
  const status = useStatusParam(TABS, '');
  const list = useCursorList<FlashSale>('/flash-sales', { status });
  // The answer of "start now" replaces the listed sale, until the list is loaded again.
  const started = (next: FlashSale): void => list.update((sale) => (sale.id === next.id ? next : sale));
  return (
    <AdminPage title={t('admin.flashSales.title')}>
      <StatusTabs base="/admin/flash-sales" kind="sale" values={TABS} current={status} testId={(value) => `tab-${value || 'all'}`} label={t('admin.tabs.label')} />
      <ListStates list={list} empty={t('admin.flashSales.empty')}>
        {(sales) => <SalesTable sales={sales} onStarted={started} />}
      </ListStates>
    </AdminPage>
  );
}
