import type { ReactNode } from 'react';
import { api } from '../../api/client';
import type { Brand } from '../../api/types';
import { ErrorMessage } from '../../components/states';
import { useAsync } from '../../hooks';
import { useT } from '../../i18n';

const loadBrands = async (): Promise<Brand[]> => (await api<{ items: Brand[] }>('/brands')).items;

/** A select of every brand (GET /brands); '' is "no brand". */
export function BrandSelect({ value, onChange }: { value: string; onChange(id: string): void }): ReactNode {
  const t = useT();
  const state = useAsync(loadBrands, []);
  const waiting = state.loading && !state.data;
  return (
    <>
      <label>
        {t('seller.field.brand')}
        <select value={value} onChange={(e) => onChange(e.target.value)} disabled={waiting} data-testid="product-brand">
          <option value="">{waiting ? t('state.loading') : t('seller.field.noBrand')}</option>
          {(state.data ?? []).map((brand) => (
            <option key={brand.id} value={brand.id}>
              {brand.name}
            </option>
          ))}
        </select>
      </label>
      <ErrorMessage error={state.error} onRetry={state.reload} />
    </>
  );
}
