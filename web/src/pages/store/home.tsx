import type { ReactNode } from 'react';
import { api } from '../../api/client';
import type { Category, FlashSale, Page, Product } from '../../api/types';
import { Async, Empty } from '../../components/states';
import { useAsync } from '../../hooks';
import { useT } from '../../i18n';
import { Link } from '../../router';
import { FlashSaleGrid, ProductCard } from './cards';

function SaleStrip({ status, title }: { status: 'active' | 'scheduled'; title: string }): ReactNode {
  const sales = useAsync(() => api<Page<FlashSale>>('/flash-sales', { query: { status, limit: 8 } }), [status]);
  return (
    <section data-testid={`home-sales-${status}`}>
      <h2>{title}</h2>
      <Async state={sales}>{(page) => <FlashSaleGrid sales={page.items} />}</Async>
    </section>
  );
}

/** The storefront's front page: categories, flash sales now and soon, newest products. */
export function HomePage(): ReactNode {
  const t = useT();
  const categories = useAsync(() => api<{ items: Category[] }>('/categories'), []);
  const products = useAsync(() => api<Page<Product>>('/products', { query: { limit: 12 } }), []);
  return (
    <>
      <section className="hero">
        <h1>{t('store.heroTitle')}</h1>
        <p>{t('store.heroText')}</p>
      </section>
      <Async state={categories}>
        {(tree) =>
          tree.items.length > 0 && (
            <nav className="chips" aria-label={t('store.categories')}>
              {tree.items.map((category) => (
                <Link key={category.id} to={`/search?categoryId=${category.id}`} className="chip">
                  {category.name}
                </Link>
              ))}
            </nav>
          )
        }
      </Async>
      <SaleStrip status="active" title={t('store.salesNow')} />
      <SaleStrip status="scheduled" title={t('store.salesSoon')} />
      <h2>{t('store.newProducts')}</h2>
      <Async state={products}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>{t('store.noProducts')}</Empty>
          ) : (
            <div className="grid">
              {page.items.map((product) => (
                <ProductCard key={product.id} product={product} />
              ))}
            </div>
          )
        }
      </Async>
    </>
  );
}
