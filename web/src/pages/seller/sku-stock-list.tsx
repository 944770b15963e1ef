import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../../api/client';
import type { Product, Sku, StockAdjustment } from '../../api/types';
import { MoneyText } from '../../components/states';
import { useAction } from '../../hooks';
import { useT } from '../../i18n';
import { Link } from '../../router';
import { FormAlert, FormProblem, parseWhole } from './form-kit';
import { SkuEditForm } from './sku-edit-form';
import { skuLabel } from './sku-label';

function StockForm({ sku, onAdjusted }: { sku: Sku; onAdjusted(stock: number): void }): ReactNode {
  const t = useT();
  const submission = useAction();
  const [delta, setDelta] = useState('');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<number | null>(null);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setDone(null);
    const amount = parseWhole(delta);
    if (amount === null || amount === 0) return submission.fail(new FormProblem(t('seller.stock.badDelta')));
    const body = { delta: amount, ...(reason.trim() && { reason: reason.trim() }) };
    const result = await submission.run(async () => {
      try {
        return await api<StockAdjustment>(`/skus/${sku.id}/stock-adjustments`, { method: 'POST', body });
      } catch (error) {
        if (error instanceof ApiError && error.code === 'insufficient_stock') throw new FormProblem(t('seller.stock.belowZero', { stock: sku.stock }));
        throw error;
      }
    });
    if (!result) return;
    onAdjusted(result.stock);
    setDone(result.stock);
    setDelta('');
    setReason('');
  };

  return (
    <form className="form" noValidate onSubmit={(e) => void submit(e)}>
      <div className="inline-form">
        <label>
          {t('seller.stock.delta')}
          <input inputMode="numeric" value={delta} onChange={(e) => setDelta(e.target.value)} placeholder="+10 / -3" size={8} data-testid={`stock-delta-${sku.id}`} />
        </label>
        <label>
          {t('seller.stock.reason')}
          <input value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} data-testid={`stock-reason-${sku.id}`} />
        </label>
        <button type="submit" className="small" disabled={submission.busy} data-testid={`adjust-stock-${sku.id}`}>
          {t('seller.stock.adjust')}
        </button>
      </div>
      <FormAlert error={submission.error} />
      {done !== null && (
        <p className="success-box" role="status">
          {t('seller.stock.done', { stock: done })}
        </p>
      )}
    </form>
  );
}

function SkuCard({ sku, listed, onAdjusted, onEdited }: { sku: Sku; listed: boolean; onAdjusted(stock: number): void; onEdited(product: Product): void }): ReactNode {
  const t = useT();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const toggleEditing = (): void => {
    setSaved(false);
    setEditing((open) => !open);
  };
  const edited = (product: Product): void => {
    onEdited(product);
    setEditing(false);
    setSaved(true);
  };
  return (
    <article className="card stack" data-testid="seller-sku" data-sku-id={sku.id}>
      <div className="toolbar">
        <strong>{skuLabel(t, sku)}</strong>
        <MoneyText money={sku.price} className="price" />
        <span>
          {t('seller.labelled', { label: t('seller.field.stock') })}<strong data-testid={`sku-stock-value-${sku.id}`}>{sku.stock}</strong>
        </span>
        <span className="spacer" />
        <button type="button" className="secondary small" aria-expanded={editing} onClick={toggleEditing} data-testid={`edit-sku-${sku.id}`}>
          {t('seller.sku.edit')}
        </button>
        {listed && (
          <Link to={`/seller/flash-sales/new?skuId=${encodeURIComponent(sku.id)}`} className="button secondary small" data-testid={`create-flash-sale-${sku.id}`}>
            {t('seller.flash.create')}
          </Link>
        )}
      </div>
      {editing && <SkuEditForm sku={sku} onSaved={edited} onCancel={() => setEditing(false)} />}
      {saved && (
        <p className="success-box" role="status">
          {t('seller.sku.saved')}
        </p>
      )}
      <StockForm sku={sku} onAdjusted={onAdjusted} />
    </article>
  );
}

/** Each SKU of a product: edit it, adjust its stock, or put it on flash sale. */
export function SkuStockList({ skus, listed, onAdjusted, onEdited }: { skus: Sku[]; listed: boolean; onAdjusted(skuId: string, stock: number): void; onEdited(skuId: string, product: Product): void }): ReactNode {
  const t = useT();
  return (
    <div className="stack">
      {!listed && <p className="muted">{t('seller.flash.needsListed')}</p>}
      {skus.map((sku) => (
        <SkuCard key={sku.id} sku={sku} listed={listed} onAdjusted={(stock) => onAdjusted(sku.id, stock)} onEdited={(product) => onEdited(sku.id, product)} />
      ))}
    </div>
  );
}
