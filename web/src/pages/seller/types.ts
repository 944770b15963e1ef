/** Shapes only the seller centre's forms use (what it sends, and what its pickers offer). */
import type { Money } from '../../api/types';

/** A SKU as sent to POST /products and POST /products/:id/skus. */
export interface SkuInput {
  name?: string;
  attributes?: Record<string, string>;
  price: Money;
  stock: number;
}

/** A SKU that can be put on flash sale (its product is listed). */
export interface SaleableSku {
  skuId: string;
  label: string;
  price: Money;
  stock: number;
}

/** The body of PATCH /skus/:id: only what changed (attributes are replaced as a whole). */
export interface SkuPatch {
  name?: string;
  attributes?: Record<string, string>;
  price?: Money;
}
