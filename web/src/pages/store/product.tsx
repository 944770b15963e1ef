import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Cart, FlashSale, Page, Product, Sku } from '../../api/types';
import { useAuth } from '../../auth';
import { Async, ErrorMessage, MoneyText } from '../../components/states';
import { useAction, useAsync } from '../../hooks';
import { useT } from '../../i18n';
import { Link, navigate } from '../../router';
import { Thumb } from './cards';

function skuLabel(sku: Sku): string {
  const attributes = Object.entries(sku.attributes).map(([key, value]) => `${key}: ${value}`);
  return [sku.name, ...attributes].filter(Boolean).join(' · ') || sku.id.slice(0, 8);
}

function BuyBox({ product }: { product: Product }): ReactNode {
  const t = useT();
  const { user } = useAuth();
  const [skuId, setSkuId] = useState(product.skus.find((sku) => sku.stock > 0)?.id ?? product.skus[0]?.id ?? '');
  const [quantity, setQuantity] = useState(1);
  const action = useAction();
  const [added, setAdded] = useState(false);
  const sku = product.skus.find((candidate) => candidate.id === skuId);
  if (!sku) return null;
  const own = user?.id === product.sellerId;

  const addToCart = async (then: 'stay' | 'checkout'): Promise<void> => {
    if (!user) return navigate(`/login?next=${encodeURIComponent(`/products/${product.id}`)}`);
    const cart = await action.run(() => api<Cart>('/cart/items', { method: 'POST', body: { skuId: sku.id, quantity } }));
    if (!cart) return;
    if (then === 'checkout') navigate(`/checkout?skuIds=${sku.id}`);
    else setAdded(true);
  };

  return (
    <div className="stack">
      <MoneyText money={sku.price} className="price" />
      <div className="chips" role="radiogroup" aria-label={t('store.chooseSku')}>
        {product.skus.map((option, index) => (
          <button key={option.id} type="button" className="chip" aria-pressed={option.id === skuId} disabled={option.stock === 0} onClick={() => setSkuId(option.id)} data-testid={`sku-option-${index}`}>
            {skuLabel(option)}
          </button>
        ))}
      </div>
      <p className="muted" data-testid="sku-stock">
        {sku.stock > 0 ? t('store.inStock', { n: sku.stock }) : t('store.outOfStock')}
      </p>
      <label className="inline-form">
        {t('store.quantity')}
        <input type="number" min={1} max={Math.min(999, Math.max(1, sku.stock))} value={quantity} onChange={(e) => setQuantity(Math.max(1, Math.min(999, Number(e.target.value) || 1)))} style={{ width: '5rem' }} data-testid="quantity" />
      </label>
      <ErrorMessage error={action.error} />
      {added && (
        <p className="success-box">
          {t('store.addedToCart')} <Link to="/cart">{t('nav.cart')}</Link>
        </p>
      )}
      {own ? (
        <p className="muted">{t('store.ownProduct')}</p>
      ) : (
        <div className="form">
          <div className="actions">
            <button type="button" disabled={action.busy || sku.stock === 0 || product.status !== 'listed'} onClick={() => void addToCart('checkout')} data-testid="buy-now">
              {t('store.buyNow')}
            </button>
            <button type="button" className="secondary" disabled={action.busy || sku.stock === 0 || product.status !== 'listed'} onClick={() => void addToCart('stay')} data-testid="add-to-cart">
              {t('store.addToCart')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

function ProductSales({ productId }: { productId: string }): ReactNode {
  const t = useT();
  const sales = useAsync(() => api<Page<FlashSale>>('/flash-sales', { query: { limit: 100 } }), []);
  const mine = (sales.data?.items ?? []).filter((sale) => sale.productId === productId && sale.status !== 'ended');
  if (mine.length === 0) return null;
  return (
    <div className="card">
      {mine.map((sale) => (
        <p key={sale.id}>
          ⚡ <Link to={`/flash-sales/${sale.id}`}>{t('store.flashSaleOn')}</Link> <MoneyText money={sale.price} className="price" />
        </p>
      ))}
    </div>
  );
}

/** A product: pictures, SKU picker with price and stock, add to cart or buy now. */
export function ProductPage({ id }: { id: string }): ReactNode {
  const product = useAsync(() => api<Product>(`/products/${id}`), [id]);
  const t = useT();
  return (
    <Async state={product}>
      {(p) => (
        <article className="flash">
          <Thumb images={p.images} alt={p.title} />
          <div className="stack">
            <h1 data-testid="product-heading">{p.title}</h1>
            {p.status !== 'listed' && <p className="error-box">{t('error.product_unavailable')}</p>}
            <BuyBox product={p} />
            <ProductSales productId={p.id} />
            <p style={{ whiteSpace: 'pre-wrap' }}>{p.description}</p>
          </div>
        </article>
      )}
    </Async>
  );
}
