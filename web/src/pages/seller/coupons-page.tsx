import type { ReactNode } from 'react';
import { api } from '../../api/client';
import type { Coupon } from '../../api/types';
import { Async, Empty, MoneyText, StatusBadge } from '../../components/states';
import { formatDateTime } from '../../format';
import { useAsync, useNow } from '../../hooks';
import { useI18n, useT } from '../../i18n';
import { CouponForm } from './coupon-form';

/** Where a coupon stands now (a badge status of styles.css). */
function couponStatus(coupon: Coupon, now: number): 'scheduled' | 'active' | 'sold_out' | 'expired' {
  if (coupon.validUntil && Date.parse(coupon.validUntil) <= now) return 'expired';
  if (coupon.remaining <= 0) return 'sold_out';
  // A minute of grace: a coupon valid "from now" is not shown as not-yet-valid for clock skew.
  return Date.parse(coupon.validFrom) > now + 60_000 ? 'scheduled' : 'active';
}

function CouponCard({ coupon, now }: { coupon: Coupon; now: number }): ReactNode {
  const { t, language } = useI18n();
  const status = couponStatus(coupon, now);
  return (
    <article className="card stack" data-testid="issued-coupon-row" data-code={coupon.code}>
      <div className="toolbar">
        <strong className="price" data-testid="coupon-code">
          {coupon.code}
        </strong>
        <StatusBadge status={status} label={t(`seller.coupons.status.${status}`)} />
        <span className="spacer" />
        <span>
          {t('seller.labelled', { label: t('seller.coupons.discount') })}<MoneyText money={coupon.discount} />
        </span>
      </div>
      <div className="toolbar muted">
        <span>{coupon.minSpend.amount > 0 ? <>{t('seller.labelled', { label: t('seller.coupons.minSpend') })}<MoneyText money={coupon.minSpend} /></> : t('seller.coupons.noMinimum')}</span>
        <span>{t('seller.coupons.remainingOf', { remaining: coupon.remaining, quantity: coupon.quantity })}</span>
        <span>
          {formatDateTime(coupon.validFrom, language)} – {coupon.validUntil ? formatDateTime(coupon.validUntil, language) : t('seller.coupons.noEnd')}
        </span>
      </div>
    </article>
  );
}

const loadCoupons = async (): Promise<Coupon[]> => (await api<{ items: Coupon[] }>('/me/issued-coupons')).items;

/** /seller/coupons: the coupons I issued, and a form to issue one more. */
export function CouponsPage(): ReactNode {
  const t = useT();
  const now = useNow(30_000);
  const state = useAsync(loadCoupons, []);
  const prepend = (coupon: Coupon): void => state.setData([coupon, ...(state.data ?? [])]);
  return (
    <>
      <h1>{t('seller.coupons.title')}</h1>
      <h2>{t('seller.coupons.create')}</h2>
      <CouponForm onCreated={prepend} />
      <h2>{t('seller.coupons.issued')}</h2>
      <Async state={state}>
        {(coupons) =>
          coupons.length === 0 ? (
            <Empty>{t('seller.coupons.empty')}</Empty>
          ) : (
            <div className="stack">
              {coupons.map((coupon) => (
                <CouponCard key={coupon.id} coupon={coupon} now={now} />
              ))}
            </div>
          )
        }
      </Async>
    </>
  );
}
