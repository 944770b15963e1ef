import type { ReactNode } from 'react';
import { api, ApiError } from '../../api/client';
import type { Product } from '../../api/types';
import { useAuth } from '../../auth';
import { Async, StatusBadge } from '../../components/states';
import { useAction, useAsync } from '../../hooks';
import { useT } from '../../i18n';
import { Link } from '../../router';
import { AddSkusForm } from './add-skus-form';
import { FormAlert } from './form-kit';
import { ProductDetailsForm } from './product-details-form';
import { SkuStockList } from './sku-stock-list';

function ListingToggle({ product, onChanged }: { product: Product; onChanged(product: Product): void }): ReactNode {
  const t = useT();
  const submission = useAction();
  const listed = product.status === 'listed';
  const toggle = async (): Promise<void> => {
    const updated = await submission.run(() => api<Product>(`/products/${product.id}`, { method: 'PATCH', body: { status: listed ? 'delisted' : 'listed' } }));
    if (updated) onChanged(updated);
  };
  return (
    <>
      <button type="button" className={listed ? 'danger small' : 'small'} disabled={submission.busy} onClick={() => void toggle()} data-testid="delist-toggle" data-status={product.status}>
        {listed ? t('seller.products.delist') : t('seller.products.list')}
      </button>
      <FormAlert error={submission.error} />
    </>
  );
}

function ProductEditor({ product, setProduct }: { product: Product; setProduct(product: Product): void }): ReactNode {
  const t = useT();
  const adjust = (skuId: string, stock: number): void => setProduct({ ...product, skus: product.skus.map((sku) => (sku.id === skuId ? { ...sku, stock } : sku)) });
  // The answer is the whole product; only the edited SKU is taken from it (the rest stays as shown).
  const edited = (skuId: string, answer: Product): void => {
    const updated = answer.skus.find((sku) => sku.id === skuId);
    setProduct(updated ? { ...product, skus: product.skus.map((sku) => (sku.id === skuId ? updated : sku)) } : answer);
  };
  return (
    <div className="stack">
      <div className="toolbar">
        <h1>{product.title}</h1>
        <StatusBadge status={product.status} label={t(`seller.productStatus.${product.status}`)} />
        <span className="spacer" />
        <ListingToggle product={product} onChanged={setProduct} />
        <Link to={`/products/${product.id}`} className="button secondary small" data-testid="public-product-link">
          {t('seller.products.viewPublic')}
        </Link>
      </div>
      <ProductDetailsForm key={product.id} product={product} onSaved={setProduct} />
      <h2>{t('seller.stock.title')}</h2>
      <SkuStockList skus={product.skus} listed={product.status === 'listed'} onAdjusted={adjust} onEdited={edited} />
      <h2>{t('seller.sku.addTitle')}</h2>
      <AddSkusForm product={product} onAdded={setProduct} />
    </div>
  );
}

/** /seller/products/:id: edit, list or delist a product of mine; stock and SKUs. */
export function ProductEditPage({ id }: { id: string }): ReactNode {
  const t = useT();
  const { user } = useAuth();
  const myId = user?.id;
  const state = useAsync(async () => {
    const product = await api<Product>(`/products/${encodeURIComponent(id)}`);
    // Someone else's product is, to this page, one that does not exist (as API.md answers).
    if (product.sellerId !== myId) throw new ApiError({ status: 404, code: 'not_found' });
    return product;
  }, [id, myId]);
  return (
    <>
      <p>
        <Link to="/seller/products">← {t('seller.products.title')}</Link>
      </p>
      <Async state={state}>{(product) => <ProductEditor product={product} setProduct={state.setData} />}</Async>
    </>
  );
}
