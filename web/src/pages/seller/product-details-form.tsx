import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Product } from '../../api/types';
import { useAction } from '../../hooks';
import { useT } from '../../i18n';
import { BrandSelect } from './brand-select';
import { FormAlert, FormProblem } from './form-kit';

/** Title, description and brand of a product (PATCH /products/:id; '' sends null: no brand). */
export function ProductDetailsForm({ product, onSaved }: { product: Product; onSaved(product: Product): void }): ReactNode {
  const t = useT();
  const submission = useAction();
  const [title, setTitle] = useState(product.title);
  const [description, setDescription] = useState(product.description);
  const [brandId, setBrandId] = useState(product.brandId ?? '');
  const [saved, setSaved] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setSaved(false);
    const trimmed = title.trim();
    if (!trimmed || trimmed.length > 200) return submission.fail(new FormProblem(t('seller.error.title')));
    const updated = await submission.run(() => api<Product>(`/products/${product.id}`, { method: 'PATCH', body: { title: trimmed, description, brandId: brandId || null } }));
    if (!updated) return;
    onSaved(updated);
    setSaved(true);
  };

  return (
    <form className="form card" noValidate onSubmit={(e) => void submit(e)}>
      <label>
        {t('seller.field.title')}
        <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} data-testid="product-title" />
      </label>
      <label>
        {t('seller.field.description')}
        <textarea value={description} maxLength={10000} onChange={(e) => setDescription(e.target.value)} data-testid="product-description" />
      </label>
      <BrandSelect value={brandId} onChange={setBrandId} />
      <FormAlert error={submission.error} />
      {saved && (
        <p className="success-box" role="status">
          {t('seller.products.saved')}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={submission.busy} data-testid="save-product">
          {t('action.save')}
        </button>
      </div>
    </form>
  );
}
