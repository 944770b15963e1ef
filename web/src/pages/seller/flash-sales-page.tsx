import type { ReactNode } from 'react';
import type { FlashSale } from '../../api/types';
import { useAuth } from '../../auth';
import { ListStates } from '../../components/list-states';
import { Loading, MoneyText, SaleStatusBadge } from '../../components/states';
import { formatDateTime } from '../../format';
import { useCursorList } from '../../hooks';
import { useI18n, useT } from '../../i18n';
import { Link } from '../../router';

function SaleCard({ sale }: { sale: FlashSale }): ReactNode {
  const { t, language } = useI18n();
  return (
    <article className="card stack" data-testid="seller-flash-row" data-sale-id={sale.id}>
      <div className="toolbar">
        <Link to={`/flash-sales/${sale.id}`} data-testid="flash-sale-link">
          <strong>{sale.title}</strong>
        </Link>
        <SaleStatusBadge status={sale.status} />
        <span className="spacer" />
        <MoneyText money={sale.price} className="price" />
      </div>
      <div className="toolbar muted">
        <span>
          {t('seller.labelled', { label: t('seller.flash.remaining') })}<strong data-testid="flash-remaining">{t('seller.flash.remainingOf', { remaining: sale.remaining, quantity: sale.quantity })}</strong>
        </span>
        <span>
          {t('seller.labelled', { label: t('seller.flash.limit') })}{sale.perUserLimit}
        </span>
        <span>
          {t('seller.labelled', { label: t('seller.flash.startsAt') })}{formatDateTime(sale.startsAt, language)}
        </span>
        <span>
          {t('seller.labelled', { label: t('seller.flash.endsAt') })}{formatDateTime(sale.endsAt, language)}
        </span>
        {sale.requireToken && <span>{t('seller.flash.tokenRequired')}</span>}
      </div>
    </article>
  );
}

function MySales({ sellerId }: { sellerId: string }): ReactNode {
  const t = useT();
  const list = useCursorList<FlashSale>('/flash-sales', { sellerId });
  return (
    <ListStates list={list} empty={t('seller.flash.empty')}>
      {(sales) => (
        <div className="stack">
          {sales.map((sale) => (
            <SaleCard key={sale.id} sale={sale} />
          ))}
        </div>
      )}
    </ListStates>
  );
}

/** /seller/flash-sales: the seller's flash sales, newest first. */
export function FlashSalesPage(): ReactNode {
  const t = useT();
  const { user } = useAuth();
  return (
    <>
      <div className="toolbar">
        <h1>{t('seller.flash.title')}</h1>
        <span className="spacer" />
        <Link to="/seller/flash-sales/new" className="button" data-testid="new-flash-sale">
          {t('seller.flash.create')}
        </Link>
      </div>
      {user ? <MySales sellerId={user.id} /> : <Loading />}
    </>
  );
}
