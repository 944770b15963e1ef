import type { ColumnType, Generated } from 'kysely';

export type ProductStatus = 'listed' | 'delisted';

export interface CatalogTables {
  catalog_categories: {
    id: string;
    parent_id: string | null;
    name: string;
    position: ColumnType<number, number | undefined, number>;
    created_at: ColumnType<Date, never, never>;
  };
  catalog_brands: {
    id: string;
    name: string;
    logo_url: string | null;
    created_at: ColumnType<Date, never, never>;
  };
  catalog_products: {
    id: string;
    seq: Generated<number>;
    seller_id: string;
    title: string;
    description: string;
    category_id: string | null;
    brand_id: string | null;
    images: ColumnType<string[], string, string>;
    status: ColumnType<ProductStatus, ProductStatus | undefined, ProductStatus>;
    currency: string;
    created_at: ColumnType<Date, never, never>;
    updated_at: ColumnType<Date, never, Date>;
  };
  catalog_skus: {
    id: string;
    product_id: string;
    position: number;
    name: string;
    attributes: ColumnType<Record<string, string>, string, string>;
    price: number;
    currency: string;
  };
}

declare module '../../platform/db/tables.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tables extends CatalogTables {}
}
