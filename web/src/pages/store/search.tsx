import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Brand, Category, Product } from '../../api/types';
import { flattenCategories } from '../../categories';
import { Empty, ErrorMessage, Loading, MoreButton } from '../../components/states';
import { parseAmount } from '../../format';
import { useAsync, useCursorList } from '../../hooks';
import { useT } from '../../i18n';
import { navigate, useLocation } from '../../router';
import { ProductCard } from './cards';

const FILTERS = ['q', 'categoryId', 'brandId', 'minPrice', 'maxPrice'] as const;

function Filters({ search }: { search: URLSearchParams }): ReactNode {
  const t = useT();
  const categories = useAsync(() => api<{ items: Category[] }>('/categories'), []);
  const brands = useAsync(() => api<{ items: Brand[] }>('/brands'), []);
  const [minPrice, setMinPrice] = useState(search.get('minPrice') ? String(Number(search.get('minPrice')) / 100) : '');
  const [maxPrice, setMaxPrice] = useState(search.get('maxPrice') ? String(Number(search.get('maxPrice')) / 100) : '');
  const apply = (changes: Record<string, string>): void => {
    const next = new URLSearchParams(search);
    for (const [key, value] of Object.entries(changes)) if (value) next.set(key, value);
    else next.delete(key);
    navigate(`/search?${next.toString()}`);
  };
  const submitPrices = (event: FormEvent): void => {
    event.preventDefault();
    apply({ minPrice: String(parseAmount(minPrice, 'CNY') ?? ''), maxPrice: String(parseAmount(maxPrice, 'CNY') ?? '') });
  };
  return (
    <div className="toolbar">
      <select aria-label={t('store.category')} value={search.get('categoryId') ?? ''} onChange={(e) => apply({ categoryId: e.target.value })}>
        <option value="">{t('store.allCategories')}</option>
        {flattenCategories(categories.data?.items ?? []).map((category) => (
          <option key={category.id} value={category.id}>
            {`${'\u00a0\u00a0'.repeat(category.depth)}${category.name}`}
          </option>
        ))}
      </select>
      <select aria-label={t('store.brand')} value={search.get('brandId') ?? ''} onChange={(e) => apply({ brandId: e.target.value })}>
        <option value="">{t('store.allBrands')}</option>
        {(brands.data?.items ?? []).map((brand) => (
          <option key={brand.id} value={brand.id}>
            {brand.name}
          </option>
        ))}
      </select>
      <form className="inline-form" onSubmit={submitPrices}>
        <input inputMode="decimal" size={6} placeholder={t('store.minPrice')} aria-label={t('store.minPrice')} value={minPrice} onChange={(e) => setMinPrice(e.target.value)} />
        <span>–</span>
        <input inputMode="decimal" size={6} placeholder={t('store.maxPrice')} aria-label={t('store.maxPrice')} value={maxPrice} onChange={(e) => setMaxPrice(e.target.value)} />
        <button type="submit" className="secondary small">
          {t('store.applyPrice')}
        </button>
      </form>
    </div>
  );
}

/** Keyword search ranked by relevance, with category, brand and price filters. */
export function SearchPage(): ReactNode {
  const t = useT();
  const { search } = useLocation();
  const query: Record<string, string> = {};
  for (const key of FILTERS) {
    const value = search.get(key);
    if (value) query[key] = value;
  }
  const list = useCursorList<Product>('/products', query);
  return (
    <>
      <h1>{query.q ? t('store.resultsFor', { q: query.q }) : t('store.allProducts')}</h1>
      <Filters key={search.toString()} search={search} />
      <ErrorMessage error={list.error} onRetry={list.reload} />
      {list.items.length === 0 && list.loading && <Loading />}
      {list.items.length === 0 && !list.loading && !list.error && <Empty>{t('store.noResults')}</Empty>}
      <div className="grid">
        {list.items.map((product) => (
          <ProductCard key={product.id} product={product} />
        ))}
      </div>
      <MoreButton list={list} />
    </>
  );
}
