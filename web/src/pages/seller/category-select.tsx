import type { ReactNode } from 'react';
import { api } from '../../api/client';
import type { Category } from '../../api/types';
import { flattenCategories, type FlatCategory } from '../../categories';
import { ErrorMessage } from '../../components/states';
import { useAsync } from '../../hooks';
import { useT } from '../../i18n';

const loadCategories = async (): Promise<FlatCategory[]> => flattenCategories((await api<{ items: Category[] }>('/categories')).items);

/** A select of every category, indented by level; '' is "no category". */
export function CategorySelect({ value, onChange }: { value: string; onChange(id: string): void }): ReactNode {
  const t = useT();
  const state = useAsync(loadCategories, []);
  return (
    <>
      <label>
      {t('seller.field.category')}
      <select value={value} onChange={(e) => onChange(e.target.value)} disabled={state.loading && !state.data} data-testid="product-category">
        <option value="">{state.loading && !state.data ? t('state.loading') : t('seller.field.noCategory')}</option>
        {(state.data ?? []).map((category) => (
          <option key={category.id} value={category.id}>
            {`${'\u3000'.repeat(category.depth)}${category.depth > 0 ? '└ ' : ''}${category.name}`}
          </option>
        ))}
      </select>
      </label>
      <ErrorMessage error={state.error} onRetry={state.reload} />
    </>
  );
}
