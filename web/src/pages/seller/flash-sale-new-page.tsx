import type { ReactNode } from 'react';
import type { Product } from '../../api/types';
import { Async, Empty } from '../../components/states';
import { useAsync } from '../../hooks';
import { useT, type Translate } from '../../i18n';
import { Link, useLocation } from '../../router';
import { FlashSaleForm } from './flash-sale-form';
import { gatherPages } from './paging';
import { skuLabel } from './sku-label';
import type { SaleableSku } from './types';

function saleableSkus(t: Translate, products: Product[]): SaleableSku[] {
  return products
    .filter((product) => product.status === 'listed')
    .flatMap((product) => product.skus.map((sku) => ({ skuId: sku.id, label: `${product.title} · ${skuLabel(t, sku)}`, price: sku.price, stock: sku.stock })));
}

/** /seller/flash-sales/new?skuId=: put one of my SKUs on flash sale. */
export function FlashSaleNewPage(): ReactNode {
  const t = useT();
  const { search } = useLocation();
  const state = useAsync(() => gatherPages<Product>('/me/products', {}, 500), []);
  return (
    <>
      <h1>{t('seller.flash.create')}</h1>
      <Async state={state}>
        {(products) => {
          const skus = saleableSkus(t, products.items);
          if (skus.length === 0) {
            return (
              <Empty>
                {t('seller.flash.noSkus')} <Link to="/seller/products/new">{t('seller.products.publish')}</Link>
              </Empty>
            );
          }
          return <FlashSaleForm skus={skus} initialSkuId={search.get('skuId') ?? ''} />;
        }}
      </Async>
    </>
  );
}
