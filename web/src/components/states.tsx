import type { ReactNode } from 'react';
import { errorSentence, useI18n, useT } from '../i18n';
import { formatMoney } from '../format';
import type { FlashSaleStatus, Money, OrderStatus } from '../api/types';

export function Loading(): ReactNode {
  const t = useT();
  return (
    <p className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {t('state.loading')}
    </p>
  );
}

export function Empty({ children }: { children?: ReactNode }): ReactNode {
  const t = useT();
  return <p className="state empty">{children ?? t('state.empty')}</p>;
}

/** A sentence saying what failed (nothing when there is none), with a retry button when the caller can retry. */
export function ErrorLine({ message, onRetry }: { message: string | null; onRetry?: () => void }): ReactNode {
  const t = useT();
  if (!message) return null;
  return (
    <div className="error-box" role="alert">
      <span>{message}</span>
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          {t('action.retry')}
        </button>
      )}
    </div>
  );
}

/** An error as a sentence, with a retry button when the caller can retry. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }): ReactNode {
  const t = useT();
  if (!error) return null;
  return <ErrorLine message={errorSentence(t, error)} onRetry={onRetry} />;
}

/** Loading, error or content: the three states every page that fetches has. */
export function Async<T>({ state, children }: { state: { data: T | undefined; error: unknown; loading: boolean; reload(): void }; children: (data: T) => ReactNode }): ReactNode {
  if (state.error) return <ErrorMessage error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading />;
  return children(state.data);
}

export function MoneyText({ money, className }: { money: Money; className?: string }): ReactNode {
  const { language } = useI18n();
  return <span className={className ?? 'money'}>{formatMoney(money, language)}</span>;
}

export function MoneyList({ items }: { items: Money[] }): ReactNode {
  if (items.length === 0) return <span className="money">0</span>;
  return (
    <span className="money-list">
      {items.map((money) => (
        <MoneyText key={money.currency} money={money} />
      ))}
    </span>
  );
}

export function MoreButton({ list }: { list: { hasMore: boolean; loading: boolean; loadMore(): void } }): ReactNode {
  const t = useT();
  if (!list.hasMore) return null;
  return (
    <button type="button" className="secondary more" disabled={list.loading} onClick={list.loadMore}>
      {t('action.more')}
    </button>
  );
}

export function StatusBadge({ status, label }: { status: string; label: string }): ReactNode {
  return <span className={`badge status-${status}`}>{label}</span>;
}

/** An order's status as a badge, in the words every area shares (`status.order.*`). */
export function OrderStatusBadge({ status }: { status: OrderStatus }): ReactNode {
  const t = useT();
  return <StatusBadge status={status} label={t(`status.order.${status}`)} />;
}

/** A flash sale's status as a badge, in the words every area shares (`status.sale.*`). */
export function SaleStatusBadge({ status }: { status: FlashSaleStatus }): ReactNode {
  const t = useT();
  return <StatusBadge status={status} label={t(`status.sale.${status}`)} />;
}
