import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Product, Sku } from '../../api/types';
import { useAction } from '../../hooks';
import { useT } from '../../i18n';
import { FormAlert } from './form-kit';
import { parseSkuEdit, skuEditDraft, type SkuEditDraft } from './sku-drafts';
import type { SkuPatch } from './types';

/** Change a SKU's name, attributes and price (PATCH /skus/:id); its currency stays. */
export function SkuEditForm({ sku, onSaved, onCancel }: { sku: Sku; onSaved(product: Product): void; onCancel(): void }): ReactNode {
  const t = useT();
  const submission = useAction();
  const [draft, setDraft] = useState<SkuEditDraft>(() => skuEditDraft(sku));
  const set = (patch: Partial<SkuEditDraft>): void => setDraft((old) => ({ ...old, ...patch }));

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    let patch: SkuPatch;
    try {
      patch = parseSkuEdit(t, draft, sku);
    } catch (problem) {
      return submission.fail(problem);
    }
    if (Object.keys(patch).length === 0) return onCancel();
    const product = await submission.run(() => api<Product>(`/skus/${sku.id}`, { method: 'PATCH', body: patch }));
    if (product) onSaved(product);
  };

  return (
    <form className="form" noValidate onSubmit={(e) => void submit(e)}>
      <div className="row">
        <label>
          {t('seller.sku.name')}
          <input value={draft.name} maxLength={100} onChange={(e) => set({ name: e.target.value })} placeholder={t('seller.sku.namePlaceholder')} data-testid={`sku-edit-name-${sku.id}`} />
        </label>
        <label>
          {t('seller.field.priceIn', { currency: sku.price.currency })}
          <input inputMode="decimal" value={draft.price} onChange={(e) => set({ price: e.target.value })} data-testid={`sku-edit-price-${sku.id}`} />
        </label>
      </div>
      <label>
        {t('seller.sku.attributes')}
        <input value={draft.attributes} onChange={(e) => set({ attributes: e.target.value })} placeholder="color=red, size=M" data-testid={`sku-edit-attributes-${sku.id}`} />
        <small>{t('seller.sku.attributesHint')}</small>
      </label>
      <FormAlert error={submission.error} />
      <div className="actions">
        <button type="submit" className="small" disabled={submission.busy} data-testid={`save-sku-${sku.id}`}>
          {t('action.save')}
        </button>
        <button type="button" className="secondary small" disabled={submission.busy} onClick={onCancel}>
          {t('action.cancel')}
        </button>
      </div>
    </form>
  );
}
