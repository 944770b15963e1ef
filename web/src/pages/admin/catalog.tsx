import type { ReactNode } from 'react';
import { api } from '../../api/client';
import type { Brand, Category } from '../../api/types';
import { Async, Empty } from '../../components/states';
import { useAsync } from '../../hooks';
import { useT } from '../../i18n';
import { AdminPage } from './admin-page';
import { BrandList } from './brands';
import { CategoryForm, createCategory, parentChoices } from './category-form';
import { CategoryTree } from './category-tree';

function Categories({ tree, onChanged }: { tree: Category[]; onChanged: () => void }): ReactNode {
  const t = useT();
  return (
    <div className="stack">
      <div className="card">
        <h3>{t('admin.catalog.newCategory')}</h3>
        <CategoryForm
          testId="create-category"
          initial={{ name: '', parentId: null, position: undefined }}
          parents={parentChoices(tree)}
          submitLabel={t('admin.catalog.createCategory')}
          onSubmit={(values) => createCategory(t, values)}
          onSaved={onChanged}
          resetOnSave
        />
      </div>
      <div className="card">{tree.length === 0 ? <Empty>{t('admin.catalog.noCategories')}</Empty> : <CategoryTree tree={tree} onChanged={onChanged} />}</div>
    </div>
  );
}

/** /admin/catalog: the category tree and the brands, each editable in place. */
export function CatalogPage(): ReactNode {
  const t = useT();
  const categories = useAsync(() => api<{ items: Category[] }>('/categories'), []);
  const brands = useAsync(() => api<{ items: Brand[] }>('/brands'), []);
  return (
    <AdminPage title={t('admin.catalog.title')}>
      <section aria-labelledby="admin-categories">
        <h2 id="admin-categories">{t('admin.catalog.categories')}</h2>
        <Async state={categories}>{(data) => <Categories tree={data.items} onChanged={categories.reload} />}</Async>
      </section>
      <section aria-labelledby="admin-brands">
        <h2 id="admin-brands">{t('admin.catalog.brands')}</h2>
        <Async state={brands}>{(data) => <BrandList brands={data.items} onChanged={brands.reload} />}</Async>
      </section>
    </AdminPage>
  );
}
