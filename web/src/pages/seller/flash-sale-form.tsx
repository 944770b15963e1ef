import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { FlashSale } from '../../api/types';
import { MoneyText } from '../../components/states';
import { amountText } from '../../format';
import { useAction } from '../../hooks';
import { useT, type Translate } from '../../i18n';
import { navigate } from '../../router';
import { FormAlert, FormProblem, localInputToIso, parseWhole, toLocalInput } from './form-kit';
import { parsePrice } from './sku-drafts';
import type { SaleableSku } from './types';

interface SaleDraft {
  skuId: string;
  price: string;
  quantity: string;
  startsAt: string;
  endsAt: string;
  perUserLimit: string;
  requireToken: boolean;
}

function initialDraft(skuId: string): SaleDraft {
  const start = new Date(Date.now() + 2 * 60_000);
  const end = new Date(start.getTime() + 60 * 60_000);
  return { skuId, price: '', quantity: '', startsAt: toLocalInput(start), endsAt: toLocalInput(end), perUserLimit: '1', requireToken: false };
}

/** The form as typed → the body of POST /flash-sales; throws FormProblem with the first mistake. */
function saleBody(t: Translate, draft: SaleDraft, sku: SaleableSku): Record<string, unknown> {
  const currency = sku.price.currency;
  const amount = parsePrice(draft.price, currency);
  if (amount === null) throw new FormProblem(t('seller.error.salePrice', { currency, example: amountText(sku.price.amount, currency) }));
  const quantity = parseWhole(draft.quantity);
  if (quantity === null || quantity < 1) throw new FormProblem(t('seller.error.quantity'));
  if (quantity > sku.stock) throw new FormProblem(t('seller.error.quantityOverStock', { stock: sku.stock }));
  const startsAt = localInputToIso(draft.startsAt);
  const endsAt = localInputToIso(draft.endsAt);
  if (startsAt === null || endsAt === null) throw new FormProblem(t('seller.error.times'));
  if (Date.parse(startsAt) < Date.now() - 1000) throw new FormProblem(t('seller.error.startPast'));
  if (Date.parse(endsAt) <= Date.parse(startsAt)) throw new FormProblem(t('seller.error.endBeforeStart'));
  const perUserLimit = parseWhole(draft.perUserLimit);
  if (perUserLimit === null || perUserLimit < 1) throw new FormProblem(t('seller.error.limit'));
  return { skuId: sku.skuId, price: { amount, currency }, quantity, startsAt, endsAt, perUserLimit, requireToken: draft.requireToken };
}

function SkuPicker({ skus, value, onChange }: { skus: SaleableSku[]; value: string; onChange(skuId: string): void }): ReactNode {
  const t = useT();
  return (
    <label>
      {t('seller.flash.sku')}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid="flash-sku">
        {skus.map((sku) => (
          <option key={sku.skuId} value={sku.skuId}>
            {`${sku.label} — ${t('seller.flash.inStock', { stock: sku.stock })}`}
          </option>
        ))}
      </select>
    </label>
  );
}

function TimeFields({ draft, set }: { draft: SaleDraft; set(patch: Partial<SaleDraft>): void }): ReactNode {
  const t = useT();
  return (
    <div className="row">
      <label>
        {t('seller.flash.startsAt')}
        <input type="datetime-local" step={1} value={draft.startsAt} onChange={(e) => set({ startsAt: e.target.value })} data-testid="flash-starts-at" />
      </label>
      <label>
        {t('seller.flash.endsAt')}
        <input type="datetime-local" step={1} value={draft.endsAt} onChange={(e) => set({ endsAt: e.target.value })} data-testid="flash-ends-at" />
      </label>
    </div>
  );
}

/** Price, quantity, times and limits of a new flash sale for one of `skus`. */
export function FlashSaleForm({ skus, initialSkuId }: { skus: SaleableSku[]; initialSkuId: string }): ReactNode {
  const t = useT();
  const submission = useAction();
  const [draft, setDraft] = useState(() => initialDraft(skus.some((sku) => sku.skuId === initialSkuId) ? initialSkuId : (skus[0]?.skuId ?? '')));
  const set = (patch: Partial<SaleDraft>): void => setDraft((old) => ({ ...old, ...patch }));
  const sku = skus.find((candidate) => candidate.skuId === draft.skuId);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    if (!sku) return;
    let body: Record<string, unknown>;
    try {
      body = saleBody(t, draft, sku);
    } catch (problem) {
      return submission.fail(problem);
    }
    const sale = await submission.run(() => api<FlashSale>('/flash-sales', { method: 'POST', body }));
    if (sale) navigate(`/flash-sales/${sale.id}`);
  };

  return (
    <form className="form card" noValidate onSubmit={(e) => void submit(e)}>
      <SkuPicker skus={skus} value={draft.skuId} onChange={(skuId) => set({ skuId })} />
      {sku && (
        <p className="muted">
          {t('seller.labelled', { label: t('seller.flash.regularPrice') })}<MoneyText money={sku.price} />
        </p>
      )}
      <div className="row">
        <label>
          {t('seller.flash.price', { currency: sku?.price.currency ?? '' })}
          <input inputMode="decimal" value={draft.price} onChange={(e) => set({ price: e.target.value })} data-testid="flash-price" />
        </label>
        <label>
          {t('seller.flash.quantity')}
          <input inputMode="numeric" value={draft.quantity} onChange={(e) => set({ quantity: e.target.value })} data-testid="flash-quantity" />
        </label>
      </div>
      <small className="muted">{t('seller.flash.quantityHint')}</small>
      <TimeFields draft={draft} set={set} />
      <label>
        {t('seller.flash.limit')}
        <input inputMode="numeric" value={draft.perUserLimit} onChange={(e) => set({ perUserLimit: e.target.value })} data-testid="flash-limit" />
      </label>
      <div className="toolbar">
        <input id="flash-require-token" type="checkbox" checked={draft.requireToken} onChange={(e) => set({ requireToken: e.target.checked })} data-testid="flash-require-token" />
        <label htmlFor="flash-require-token">{t('seller.flash.requireToken')}</label>
      </div>
      <FormAlert error={submission.error} />
      <div className="actions">
        <button type="submit" disabled={submission.busy || !sku} data-testid="create-flash-sale">
          {t('seller.flash.submit')}
        </button>
      </div>
    </form>
  );
}
