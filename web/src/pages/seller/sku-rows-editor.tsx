import type { ReactNode } from 'react';
import { useT } from '../../i18n';
import { emptySkuDraft, type SkuDraft } from './sku-drafts';

interface EditorProps {
  drafts: SkuDraft[];
  onChange(drafts: SkuDraft[]): void;
  currency: string;
  /** Prefix of the data-testids: `sku` gives sku-name-0, sku-price-0, add-sku… */
  prefix?: string;
}

function SkuRow({ draft, index, currency, prefix, update, remove }: { draft: SkuDraft; index: number; currency: string; prefix: string; update(patch: Partial<SkuDraft>): void; remove?: () => void }): ReactNode {
  const t = useT();
  return (
    <fieldset className="card form" data-testid={`${prefix}-row-${index}`}>
      <legend>{t('seller.sku.number', { n: index + 1 })}</legend>
      <label>
        {t('seller.sku.name')}
        <input value={draft.name} maxLength={100} onChange={(e) => update({ name: e.target.value })} placeholder={t('seller.sku.namePlaceholder')} data-testid={`${prefix}-name-${index}`} />
      </label>
      <label>
        {t('seller.sku.attributes')}
        <input value={draft.attributes} onChange={(e) => update({ attributes: e.target.value })} placeholder="color=red, size=M" data-testid={`${prefix}-attributes-${index}`} />
        <small>{t('seller.sku.attributesHint')}</small>
      </label>
      <div className="row">
        <label>
          {t('seller.field.priceIn', { currency })}
          <input inputMode="decimal" value={draft.price} onChange={(e) => update({ price: e.target.value })} data-testid={`${prefix}-price-${index}`} />
        </label>
        <label>
          {t('seller.field.stock')}
          <input inputMode="numeric" value={draft.stock} onChange={(e) => update({ stock: e.target.value })} data-testid={`${prefix}-stock-${index}`} />
        </label>
      </div>
      {remove && (
        <div className="actions">
          <button type="button" className="danger small" onClick={remove} data-testid={`remove-${prefix}-${index}`}>
            {t('seller.sku.remove')}
          </button>
        </div>
      )}
    </fieldset>
  );
}

/** Rows of SKUs to add (name, attributes, price, stock), one more at a click. */
export function SkuRowsEditor({ drafts, onChange, currency, prefix = 'sku' }: EditorProps): ReactNode {
  const t = useT();
  const update = (key: number, patch: Partial<SkuDraft>): void => onChange(drafts.map((draft) => (draft.key === key ? { ...draft, ...patch } : draft)));
  const remove = (key: number): void => onChange(drafts.filter((draft) => draft.key !== key));
  return (
    <div className="stack">
      {drafts.map((draft, index) => (
        <SkuRow
          key={draft.key}
          draft={draft}
          index={index}
          currency={currency}
          prefix={prefix}
          update={(patch) => update(draft.key, patch)}
          remove={drafts.length > 1 ? () => remove(draft.key) : undefined}
        />
      ))}
      <div className="actions">
        <button type="button" className="secondary" onClick={() => onChange([...drafts, emptySkuDraft()])} disabled={drafts.length >= 100} data-testid={`add-${prefix}`}>
          {t('seller.sku.add')}
        </button>
      </div>
    </div>
  );
}
