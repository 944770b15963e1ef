import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Product } from '../../api/types';
import { useAction } from '../../hooks';
import { useT } from '../../i18n';
import { FormAlert } from './form-kit';
import { emptySkuDraft, parseSkuDrafts, type SkuDraft } from './sku-drafts';
import { SkuRowsEditor } from './sku-rows-editor';

/** New SKUs for a product (POST /products/:id/skus), in the product's one currency. */
export function AddSkusForm({ product, onAdded }: { product: Product; onAdded(product: Product): void }): ReactNode {
  const t = useT();
  const submission = useAction();
  const [drafts, setDrafts] = useState<SkuDraft[]>(() => [emptySkuDraft()]);
  const currency = product.skus[0]?.price.currency ?? 'CNY';

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    let skus;
    try {
      skus = parseSkuDrafts(t, drafts, currency);
    } catch (problem) {
      return submission.fail(problem);
    }
    const updated = await submission.run(() => api<Product>(`/products/${product.id}/skus`, { method: 'POST', body: { skus } }));
    if (!updated) return;
    onAdded(updated);
    setDrafts([emptySkuDraft()]);
  };

  return (
    <form className="form card" noValidate onSubmit={(e) => void submit(e)}>
      <SkuRowsEditor drafts={drafts} onChange={setDrafts} currency={currency} prefix="new-sku" />
      <FormAlert error={submission.error} />
      <div className="actions">
        <button type="submit" disabled={submission.busy} data-testid="save-new-skus">
          {t('seller.sku.save')}
        </button>
      </div>
    </form>
  );
}
