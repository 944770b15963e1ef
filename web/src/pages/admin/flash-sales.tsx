import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { FlashSale, FlashSaleStatus } from '../../api/types';
import { MoneyText, StatusBadge } from '../../components/states';
import { formatDateTime } from '../../format';
import { useCursorList } from '../../hooks';
import { useI18n, useT } from '../../i18n';
import { Link } from '../../router';
import { AdminPage, StatusTabs, useStatusParam } from './admin-page';
import { ErrorLine } from './error-line';
import { DataTable } from './data-table';
import { ListStates } from './list-states';
import { conflictSentence, useMutation } from './use-mutation';

const SALE_STATUSES = ['scheduled', 'active', 'sold_out', 'ended'] as const satisfies readonly FlashSaleStatus[];

/** "Start now" for a scheduled sale; hands the started sale (as the API answered it) back. */
function StartButton({ sale, onStarted }: { sale: FlashSale; onStarted: (sale: FlashSale) => void }): ReactNode {
  const t = useT();
  const starting = useMutation();
  const start = (): Promise<boolean> => starting.run(async () => onStarted(await api<FlashSale>(`/admin/flash-sales/${encodeURIComponent(sale.id)}/start`, { method: 'POST' })));
  return (
    <>
      <button type="button" className="small" disabled={starting.busy} data-testid="start-sale" data-sale-id={sale.id} onClick={() => void start()}>
        {starting.busy ? t('admin.flashSales.starting') : t('admin.flashSales.startNow')}
      </button>
      <ErrorLine message={starting.error ? conflictSentence(t, starting.error, 'admin.flashSales.alreadyStarted') : null} />
    </>
  );
}

function SaleRow({ initial }: { initial: FlashSale }): ReactNode {
  const { t, language } = useI18n();
  // The answer of "start now" replaces the listed sale, until the list is loaded again.
  const [started, setStarted] = useState<{ from: FlashSale; sale: FlashSale } | null>(null);
  const sale = started?.from === initial ? started.sale : initial;
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
        <StatusBadge status={sale.status} label={t(`admin.saleStatus.${sale.status}`)} />
      </td>
      <td>{sale.status === 'scheduled' && <StartButton sale={sale} onStarted={(next) => setStarted({ from: initial, sale: next })} />}</td>
    </tr>
  );
}

function SalesTable({ sales }: { sales: FlashSale[] }): ReactNode {
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
        <SaleRow key={sale.id} initial={sale} />
      ))}
    </DataTable>
  );
}

/** /admin/flash-sales: every sale by status; a scheduled one can be started at once. */
export function FlashSalesPage(): ReactNode {
  const t = useT();
  const status = useStatusParam(SALE_STATUSES);
  const list = useCursorList<FlashSale>('/flash-sales', { status });
  return (
    <AdminPage title={t('admin.flashSales.title')}>
      <StatusTabs base="/admin/flash-sales" statuses={SALE_STATUSES} current={status} label={(value) => t(`admin.saleStatus.${value}`)} />
      <ListStates list={list} empty={t('admin.flashSales.empty')}>
        {(sales) => <SalesTable sales={sales} />}
      </ListStates>
    </AdminPage>
  );
}
