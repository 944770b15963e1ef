import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Coupon } from '../../api/types';
import { CurrencySelect } from '../../components/currency-select';
import { parseAmount } from '../../format';
import { useAction } from '../../hooks';
import { useT, type Translate } from '../../i18n';
import { FormAlert, FormProblem, localInputToIso, parseWhole } from './form-kit';
import { parsePrice } from './sku-drafts';

interface CouponDraft {
  currency: string;
  discount: string;
  minSpend: string;
  quantity: string;
  validFrom: string;
  validUntil: string;
}

const EMPTY: CouponDraft = { currency: 'CNY', discount: '', minSpend: '', quantity: '', validFrom: '', validUntil: '' };

/** An optional datetime-local value → ISO, '' → undefined; throws when it is not a time. */
function optionalTime(t: Translate, value: string): string | undefined {
  if (!value) return undefined;
  const iso = localInputToIso(value);
  if (iso === null) throw new FormProblem(t('seller.error.times'));
  return iso;
}

/** The form as typed → the body of POST /coupons; throws FormProblem with the first mistake. */
function couponBody(t: Translate, draft: CouponDraft): Record<string, unknown> {
  const { currency } = draft;
  const discount = parsePrice(draft.discount, currency);
  if (discount === null) throw new FormProblem(t('seller.error.discount', { currency }));
  const minSpend = draft.minSpend.trim() ? parseAmount(draft.minSpend, currency) : 0;
  if (minSpend === null) throw new FormProblem(t('seller.error.minSpend', { currency }));
  const quantity = parseWhole(draft.quantity);
  if (quantity === null || quantity < 1 || quantity > 10_000_000) throw new FormProblem(t('seller.error.couponQuantity'));
  const validFrom = optionalTime(t, draft.validFrom);
  const validUntil = optionalTime(t, draft.validUntil);
  if (validUntil && (Date.parse(validUntil) <= Date.now() || (validFrom && Date.parse(validUntil) <= Date.parse(validFrom)))) throw new FormProblem(t('seller.error.validUntil'));
  return {
    discount: { amount: discount, currency },
    ...(minSpend > 0 && { minSpend: { amount: minSpend, currency } }),
    quantity,
    ...(validFrom && { validFrom }),
    ...(validUntil && { validUntil }),
  };
}

function CouponFields({ draft, set }: { draft: CouponDraft; set(patch: Partial<CouponDraft>): void }): ReactNode {
  const t = useT();
  return (
    <>
      <div className="row">
        <CurrencySelect value={draft.currency} onChange={(currency) => set({ currency })} testId="coupon-currency" />
        <label>
          {t('seller.coupons.discount')}
          <input inputMode="decimal" value={draft.discount} onChange={(e) => set({ discount: e.target.value })} data-testid="coupon-discount" />
        </label>
        <label>
          {t('seller.coupons.minSpend')}
          <input inputMode="decimal" value={draft.minSpend} onChange={(e) => set({ minSpend: e.target.value })} placeholder={t('seller.coupons.optional')} data-testid="coupon-min-spend" />
        </label>
        <label>
          {t('seller.coupons.quantity')}
          <input inputMode="numeric" value={draft.quantity} onChange={(e) => set({ quantity: e.target.value })} data-testid="coupon-quantity" />
        </label>
      </div>
      <div className="row">
        <label>
          {t('seller.coupons.validFrom')}
          <input type="datetime-local" value={draft.validFrom} onChange={(e) => set({ validFrom: e.target.value })} data-testid="coupon-valid-from" />
          <small>{t('seller.coupons.validFromHint')}</small>
        </label>
        <label>
          {t('seller.coupons.validUntil')}
          <input type="datetime-local" value={draft.validUntil} onChange={(e) => set({ validUntil: e.target.value })} data-testid="coupon-valid-until" />
          <small>{t('seller.coupons.validUntilHint')}</small>
        </label>
      </div>
    </>
  );
}

/** Issue a coupon for my goods (POST /coupons); its code is what buyers claim it by. */
export function CouponForm({ onCreated }: { onCreated(coupon: Coupon): void }): ReactNode {
  const t = useT();
  const submission = useAction();
  const [draft, setDraft] = useState<CouponDraft>(EMPTY);
  const [created, setCreated] = useState<Coupon | null>(null);
  const set = (patch: Partial<CouponDraft>): void => setDraft((old) => ({ ...old, ...patch }));

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setCreated(null);
    let body: Record<string, unknown>;
    try {
      body = couponBody(t, draft);
    } catch (problem) {
      return submission.fail(problem);
    }
    const coupon = await submission.run(() => api<Coupon>('/coupons', { method: 'POST', body }));
    if (!coupon) return;
    setCreated(coupon);
    setDraft({ ...EMPTY, currency: draft.currency });
    onCreated(coupon);
  };

  return (
    <form className="form card" noValidate onSubmit={(e) => void submit(e)}>
      <CouponFields draft={draft} set={set} />
      <FormAlert error={submission.error} />
      {created && (
        <div className="success-box" role="status">
          {t('seller.coupons.created')} <strong className="price" data-testid="new-coupon-code">{created.code}</strong>
          <div>{t('seller.coupons.shareHint')}</div>
        </div>
      )}
      <div className="actions">
        <button type="submit" disabled={submission.busy} data-testid="create-coupon">
          {t('seller.coupons.create')}
        </button>
      </div>
    </form>
  );
}
