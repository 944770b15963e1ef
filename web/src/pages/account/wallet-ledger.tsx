import { useState, type ReactNode } from 'react';
import type { LedgerEntry } from '../../api/types';
import { Empty, ErrorMessage, Loading, MoneyText, MoreButton } from '../../components/states';
import { formatDateTime } from '../../format';
import { useCursorList } from '../../hooks';
import { useI18n } from '../../i18n';
import { labelOf, SCROLL_BOX } from './labels';

function LedgerRow({ entry }: { entry: LedgerEntry }): ReactNode {
  const { t, language } = useI18n();
  const credit = entry.amount.amount > 0;
  return (
    <tr data-testid="ledger-row" data-type={entry.type} data-amount={entry.amount.amount} title={entry.reference}>
      <td className="muted" style={{ whiteSpace: 'nowrap' }}>
        {formatDateTime(entry.createdAt, language)}
      </td>
      <td>{labelOf(t, 'account.ledger.type', entry.type)}</td>
      <td style={{ color: credit ? 'var(--green)' : undefined, textAlign: 'right' }}>
        {credit && '+'}
        <MoneyText money={entry.amount} />
      </td>
      <td style={{ textAlign: 'right' }}>
        <MoneyText money={{ amount: entry.balanceAfter, currency: entry.amount.currency }} />
      </td>
    </tr>
  );
}

function LedgerTable({ currency, version }: { currency: string; version: number }): ReactNode {
  const { t } = useI18n();
  const list = useCursorList<LedgerEntry>('/wallet/ledger', { currency }, [version]);
  if (list.error && list.items.length === 0) return <ErrorMessage error={list.error} onRetry={list.reload} />;
  if (!list.loading && list.items.length === 0) return <Empty>{t('account.ledger.empty')}</Empty>;
  return (
    <>
      {list.items.length > 0 && (
        <div className="table-wrap" style={SCROLL_BOX}>
          <table className="table" data-testid={`ledger-${currency}`}>
            <thead>
              <tr>
                <th>{t('account.ledger.time')}</th>
                <th>{t('account.ledger.kind')}</th>
                <th style={{ textAlign: 'right' }}>{t('account.ledger.amount')}</th>
                <th style={{ textAlign: 'right' }}>{t('account.ledger.balanceAfter')}</th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((entry) => (
                <LedgerRow key={entry.id} entry={entry} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorMessage error={list.items.length > 0 ? list.error : null} onRetry={list.loadMore} />
      {list.loading ? <Loading /> : <MoreButton list={list} />}
    </>
  );
}

/** The movements of the available balance, one currency at a time. */
export function WalletLedger({ currencies, version }: { currencies: string[]; version: number }): ReactNode {
  const { t } = useI18n();
  const [chosen, setChosen] = useState(currencies[0] ?? 'CNY');
  const currency = currencies.includes(chosen) ? chosen : (currencies[0] ?? 'CNY');
  return (
    <section>
      <h2>{t('account.ledger.title')}</h2>
      <div className="tabs" role="tablist">
        {currencies.map((code) => (
          <button key={code} type="button" role="tab" aria-selected={code === currency} className={code === currency ? 'active' : undefined} onClick={() => setChosen(code)} data-testid={`ledger-tab-${code}`}>
            {code}
          </button>
        ))}
      </div>
      <LedgerTable key={currency} currency={currency} version={version} />
    </section>
  );
}
