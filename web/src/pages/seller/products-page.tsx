import type { ReactNode } from 'react';
import type { Product } from '../../api/types';
import { ListStates } from '../../components/list-states';
import { MoneyText, StatusBadge } from '../../components/states';
import { useCursorList } from '../../hooks';
import { useT } from '../../i18n';
import { Link } from '../../router';
import { skuLabel } from './sku-label';

function ProductCard({ product }: { product: Product }): ReactNode {
  const t = useT();
  return (
    <article className="card stack" data-testid="seller-product-row" data-product-id={product.id}>
      <div className="toolbar">
        <Link to={`/seller/products/${product.id}`}>
          <strong>{product.title}</strong>
        </Link>
        <StatusBadge status={product.status} label={t(`seller.productStatus.${product.status}`)} />
        <span className="spacer" />
        <Link to={`/seller/products/${product.id}`} className="button secondary small" data-testid="edit-product">
          {t('action.edit')}
        </Link>
      </div>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th>{t('seller.sku.title')}</th>
              <th>{t('seller.field.price')}</th>
              <th>{t('seller.field.stock')}</th>
            </tr>
          </thead>
          <tbody>
            {product.skus.map((sku) => (
              <tr key={sku.id}>
                <td>{skuLabel(t, sku)}</td>
                <td>
                  <MoneyText money={sku.price} />
                </td>
                <td data-testid={`sku-stock-value-${sku.id}`}>{sku.stock}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}

/** /seller/products: every product of the seller, listed or not, with its stock. */
export function ProductsPage(): ReactNode {
  const t = useT();
  const list = useCursorList<Product>('/me/products');
  return (
    <>
      <div className="toolbar">
        <h1>{t('seller.products.title')}</h1>
        <span className="spacer" />
        <Link to="/seller/products/new" className="button" data-testid="publish-link">
          {t('seller.products.publish')}
        </Link>
      </div>
      <ListStates list={list} empty={t('seller.products.empty')}>
        {(products) => (
          <div className="stack">
            {products.map((product) => (
              <ProductCard key={product.id} product={product} />
            ))}
          </div>
        )}
      </ListStates>
    </>
  );
}
