import type { Sku } from '../../api/types';
import type { Translate } from '../../i18n';
import { attributesText } from './sku-drafts';

/** "name (color=red, size=M)" or just what there is, for a SKU in a list. */
export function skuLabel(t: Translate, sku: Pick<Sku, 'name' | 'attributes'>): string {
  const attributes = attributesText(sku.attributes);
  const name = sku.name ?? '';
  if (name && attributes) return `${name} (${attributes})`;
  return name || attributes || t('seller.sku.default');
}
