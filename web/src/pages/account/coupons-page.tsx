import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, newIdempotencyKey } from '../../api/client';
import type { ClaimedCoupon } from '../../api/types';
import { Empty, ErrorMessage, Loading, MoneyText, MoreButton, StatusBadge } from '../../components/states';
import { formatDate } from '../../format';
import { useAction, useCursorList } from '../../hooks';
import { useI18n } from '../../i18n';

const CODE_PATTERN = /^[A-Z0-9]{4,32}$/;

function ClaimError({ error }: { error: unknown }): ReactNode {
  const { t } = useI18n();
  if (error instanceof ApiError && error.code === 'not_found') {
    return (
      <p className="error-box" role="alert">
        {t('account.coupons.unknownCode')}
      </p>
    );
  }
  if (error instanceof ApiError && error.code === 'coupon_unavailable') {
    return (
      <p className="error-box" role="alert">
        {t('account.coupons.cannotClaim')}
      </p>
    );
  }
  return <ErrorMessage error={error} />;
}

function ClaimForm({ onClaimed }: { onClaimed(): void }): ReactNode {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [claimed, setClaimed] = useState<string | null>(null);
  const [invalid, setInvalid] = useState(false);
  const action = useAction();
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const wanted = code.trim().toUpperCase();
    setInvalid(!CODE_PATTERN.test(wanted));
    setClaimed(null);
    if (!CODE_PATTERN.test(wanted)) return;
    const answer = await action.run(() =>
      api<{ id: string; code: string }>(`/coupons/${encodeURIComponent(wanted)}/claim`, { method: 'POST', headers: { 'Idempotency-Key': newIdempotencyKey() } }),
    );
    if (!answer) return;
    setClaimed(answer.code);
    setCode('');
    onClaimed();
  };
  return (
    <form className="card form" onSubmit={(e) => void submit(e)} noValidate>
      <h3>{t('account.coupons.claimTitle')}</h3>
      <div className="inline-form">
        <label style={{ display: 'grid', gap: '0.3rem', flex: 1, minWidth: '10rem' }}>
          {t('account.coupons.code')}
          <input value={code} maxLength={32} autoCapitalize="characters" autoComplete="off" onChange={(e) => setCode(e.target.value.toUpperCase())} aria-invalid={invalid} data-testid="coupon-code" />
        </label>
        <button type="submit" disabled={action.busy} data-testid="coupon-claim">
          {t('account.coupons.claim')}
        </button>
      </div>
      {invalid && (
        <p className="error-box" role="alert">
          {t('account.coupons.codeHint')}
        </p>
      )}
      <ClaimError error={action.error} />
      {claimed && (
        <p className="success-box" role="status" data-testid="coupon-claim-result">
          {t('account.coupons.claimed', { code: claimed })}
        </p>
      )}
    </form>
  );
}

function CouponCard({ coupon }: { coupon: ClaimedCoupon }): ReactNode {
  const { t, language } = useI18n();
  return (
    <div className="card" style={{ display: 'grid', gap: '0.3rem' }} data-testid="coupon-row" data-coupon-code={coupon.code}>
      <span style={{ display: 'flex', justifyContent: 'space-between', gap: '0.5rem', flexWrap: 'wrap' }}>
        <MoneyText money={coupon.discount} className="price" />
        <span data-testid="coupon-status" data-status={coupon.status}>
          <StatusBadge status={coupon.status} label={t(`account.coupons.status.${coupon.status}`)} />
        </span>
      </span>
      <strong style={{ letterSpacing: '0.05em' }}>{coupon.code}</strong>
      <span className="muted">
        {coupon.minSpend.amount > 0 ? (
          <>
            {t('account.coupons.minSpend')} <MoneyText money={coupon.minSpend} />
          </>
        ) : (
          t('account.coupons.noMinimum')
        )}
      </span>
      <span className="muted">{coupon.validUntil ? t('account.coupons.validUntil', { date: formatDate(coupon.validUntil, language) }) : t('account.coupons.noExpiry')}</span>
    </div>
  );
}

/** /account/coupons: the coupons the caller claimed, and claiming one by its code. */
export function CouponsPage(): ReactNode {
  const { t } = useI18n();
  const list = useCursorList<ClaimedCoupon>('/me/coupons');
  return (
    <>
      <h1>{t('account.coupons.title')}</h1>
      <ClaimForm onClaimed={list.reload} />
      <h2>{t('account.coupons.mine')}</h2>
      {list.error ? <ErrorMessage error={list.error} onRetry={list.items.length === 0 ? list.reload : list.loadMore} /> : null}
      {!list.error && !list.loading && list.items.length === 0 && <Empty>{t('account.coupons.empty')}</Empty>}
      <div className="grid" data-testid="coupon-list">
        {list.items.map((coupon) => (
          <CouponCard key={coupon.id} coupon={coupon} />
        ))}
      </div>
      {list.loading ? <Loading /> : <MoreButton list={list} />}
    </>
  );
}
