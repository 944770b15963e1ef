import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Product } from '../../api/types';
import { CurrencySelect } from '../../components/currency-select';
import { useAction } from '../../hooks';
import { useT, type Translate } from '../../i18n';
import { Link, navigate } from '../../router';
import { BrandSelect } from './brand-select';
import { CategorySelect } from './category-select';
import { FormAlert, FormProblem } from './form-kit';
import { emptySkuDraft, parseSkuDrafts, type SkuDraft } from './sku-drafts';
import { SkuRowsEditor } from './sku-rows-editor';
import type { SkuInput } from './types';

interface ProductDraft {
  title: string;
  description: string;
  categoryId: string;
  brandId: string;
  images: string;
  currency: string;
  skus: SkuDraft[];
}

interface NewProductBody {
  title: string;
  description?: string;
  categoryId?: string;
  brandId?: string;
  images?: string[];
  skus: SkuInput[];
}

/** One address per line; each must be http(s):// or a path of this site. */
function parseImages(t: Translate, text: string): string[] {
  const images = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (images.length > 20) throw new FormProblem(t('seller.error.tooManyImages'));
  if (images.some((image) => !/^(https?:\/\/|\/)\S+$/.test(image) || image.length > 2048)) throw new FormProblem(t('seller.error.image'));
  return images;
}

/** The form as typed → the body of POST /products; throws FormProblem with the first mistake. */
function productBody(t: Translate, draft: ProductDraft): NewProductBody {
  const title = draft.title.trim();
  if (!title || title.length > 200) throw new FormProblem(t('seller.error.title'));
  const description = draft.description.trim();
  const images = parseImages(t, draft.images);
  return {
    title,
    ...(description && { description }),
    ...(draft.categoryId && { categoryId: draft.categoryId }),
    ...(draft.brandId && { brandId: draft.brandId }),
    ...(images.length > 0 && { images }),
    skus: parseSkuDrafts(t, draft.skus, draft.currency),
  };
}

function ProductFields({ draft, set }: { draft: ProductDraft; set(patch: Partial<ProductDraft>): void }): ReactNode {
  const t = useT();
  return (
    <>
      <label>
        {t('seller.field.title')}
        <input value={draft.title} maxLength={200} onChange={(e) => set({ title: e.target.value })} data-testid="product-title" />
      </label>
      <label>
        {t('seller.field.description')}
        <textarea value={draft.description} maxLength={10000} onChange={(e) => set({ description: e.target.value })} data-testid="product-description" />
      </label>
      <CategorySelect value={draft.categoryId} onChange={(categoryId) => set({ categoryId })} />
      <BrandSelect value={draft.brandId} onChange={(brandId) => set({ brandId })} />
      <label>
        {t('seller.field.images')}
        <textarea value={draft.images} onChange={(e) => set({ images: e.target.value })} placeholder="https://…" data-testid="product-images" />
        <small>{t('seller.field.imagesHint')}</small>
      </label>
    </>
  );
}

/** /seller/products/new: publish a product with its SKUs, then edit it. */
export function ProductNewPage(): ReactNode {
  const t = useT();
  const submission = useAction();
  const [draft, setDraft] = useState<ProductDraft>(() => ({ title: '', description: '', categoryId: '', brandId: '', images: '', currency: 'CNY', skus: [emptySkuDraft()] }));
  const set = (patch: Partial<ProductDraft>): void => setDraft((old) => ({ ...old, ...patch }));

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    let body: NewProductBody;
    try {
      body = productBody(t, draft);
    } catch (problem) {
      submission.fail(problem);
      return;
    }
    const product = await submission.run(() => api<Product>('/products', { method: 'POST', body }));
    if (product) navigate(`/seller/products/${product.id}`);
  };

  return (
    <>
      <h1>{t('seller.products.publish')}</h1>
      <form className="form card" noValidate onSubmit={(e) => void submit(e)}>
        <ProductFields draft={draft} set={set} />
        <h2>{t('seller.sku.title')}</h2>
        <CurrencySelect value={draft.currency} onChange={(currency) => set({ currency })} testId="sku-currency" />
        <small className="muted">{t('seller.sku.oneCurrency')}</small>
        <SkuRowsEditor drafts={draft.skus} onChange={(skus) => set({ skus })} currency={draft.currency} />
        <FormAlert error={submission.error} />
        <div className="actions">
          <button type="submit" disabled={submission.busy} data-testid="publish-product">
            {submission.busy ? t('seller.products.publishing') : t('seller.products.publish')}
          </button>
          <Link to="/seller/products" className="button secondary">
            {t('action.cancel')}
          </Link>
        </div>
      </form>
    </>
  );
}
