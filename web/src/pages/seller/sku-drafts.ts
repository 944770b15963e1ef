import type { Sku } from '../../api/types';
import { amountText, parseAmount } from '../../format';
import type { Translate } from '../../i18n';
import { FormProblem, parseWhole } from './form-kit';
import type { SkuInput, SkuPatch } from './types';

/** One SKU row of a form, as typed. */
export interface SkuDraft {
  key: number;
  name: string;
  attributes: string;
  price: string;
  stock: string;
}

let lastKey = 0;

export function emptySkuDraft(): SkuDraft {
  lastKey += 1;
  return { key: lastKey, name: '', attributes: '', price: '', stock: '' };
}

const MAX_AMOUNT = 1_000_000_000_000;
const MAX_STOCK = 100_000_000;

/** "color=red, size=M" → {color: 'red', size: 'M'}; null when a part is not key=value. */
export function parseAttributes(text: string): Record<string, string> | null {
  const attributes: Record<string, string> = {};
  const parts = text
    .split(/[,，;；]/)
    .map((part) => part.trim())
    .filter(Boolean);
  for (const part of parts) {
    const at = part.indexOf('=');
    const key = at > 0 ? part.slice(0, at).trim() : '';
    const value = part.slice(at + 1).trim();
    if (!key || key.length > 50 || value.length > 200) return null;
    attributes[key] = value;
  }
  return Object.keys(attributes).length > 20 ? null : attributes;
}

/** A price typed for `currency` → minor units, when it is a positive amount the API takes. */
export function parsePrice(text: string, currency: string): number | null {
  const amount = parseAmount(text, currency);
  return amount !== null && amount >= 1 && amount <= MAX_AMOUNT ? amount : null;
}

function parseDraft(t: Translate, draft: SkuDraft, index: number, currency: string): SkuInput {
  const n = index + 1;
  const attributes = parseAttributes(draft.attributes);
  if (attributes === null) throw new FormProblem(t('seller.error.attributes', { n }));
  const amount = parsePrice(draft.price, currency);
  if (amount === null) throw new FormProblem(t('seller.error.price', { n, currency, example: amountText(1999, currency) }));
  const stock = parseWhole(draft.stock);
  if (stock === null || stock < 0 || stock > MAX_STOCK) throw new FormProblem(t('seller.error.stock', { n }));
  const name = draft.name.trim();
  if (name.length > 100) throw new FormProblem(t('seller.error.skuName', { n }));
  return {
    ...(name && { name }),
    ...(Object.keys(attributes).length > 0 && { attributes }),
    price: { amount, currency },
    stock,
  };
}

/** The SKU rows of a form → what the API takes; throws FormProblem with the first mistake. */
export function parseSkuDrafts(t: Translate, drafts: SkuDraft[], currency: string): SkuInput[] {
  if (drafts.length === 0) throw new FormProblem(t('seller.error.noSku'));
  return drafts.map((draft, index) => parseDraft(t, draft, index, currency));
}

/** {color: 'red', size: 'M'} → "color=red, size=M", the text parseAttributes reads back. */
export function attributesText(attributes: Record<string, string>): string {
  return Object.entries(attributes)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

/** The edit form of one existing SKU, as typed. */
export interface SkuEditDraft {
  name: string;
  attributes: string;
  price: string;
}

export function skuEditDraft(sku: Sku): SkuEditDraft {
  return { name: sku.name, attributes: attributesText(sku.attributes), price: amountText(sku.price.amount, sku.price.currency) };
}

/**
 * The edit form of `sku` → the body of PATCH /skus/:id with only what changed (attributes left
 * as shown are not re-sent); the price stays in the SKU's currency. Throws FormProblem.
 */
export function parseSkuEdit(t: Translate, draft: SkuEditDraft, sku: Sku): SkuPatch {
  const patch: SkuPatch = {};
  const name = draft.name.trim();
  if (name.length > 100) throw new FormProblem(t('seller.error.skuEditName'));
  if (name !== sku.name) patch.name = name;
  if (draft.attributes.trim() !== attributesText(sku.attributes)) {
    const attributes = parseAttributes(draft.attributes);
    if (attributes === null) throw new FormProblem(t('seller.error.skuEditAttributes'));
    patch.attributes = attributes;
  }
  const { currency } = sku.price;
  const amount = parsePrice(draft.price, currency);
  if (amount === null) throw new FormProblem(t('seller.error.skuEditPrice', { currency, example: amountText(sku.price.amount, currency) }));
  if (amount !== sku.price.amount) patch.price = { amount, currency };
  return patch;
}
