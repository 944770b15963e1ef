-- Catalog: categories (a tree) and brands managed by admins; products with SKUs published by
-- sellers. Stock lives in the inventory module; prices live here and orders read them here.
create table catalog_categories (
  id uuid primary key,
  parent_id uuid references catalog_categories (id),
  name text not null check (length(name) between 1 and 100),
  position integer not null default 0,
  created_at timestamptz not null default now(),
  check (parent_id is null or parent_id <> id)
);
create index catalog_categories_parent on catalog_categories (parent_id);

create table catalog_brands (
  id uuid primary key,
  name text not null unique check (length(name) between 1 and 100),
  logo_url text,
  created_at timestamptz not null default now()
);

create table catalog_products (
  id uuid primary key,
  -- newest-first listing order and the keyset cursor
  seq bigserial not null unique,
  seller_id uuid not null,
  title text not null check (length(title) between 1 and 200),
  description text not null default '',
  category_id uuid references catalog_categories (id),
  brand_id uuid references catalog_brands (id),
  images jsonb not null default '[]',
  status text not null default 'listed' check (status in ('listed', 'delisted')),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  search tsvector generated always as (
    setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', description), 'B')
  ) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index catalog_products_search on catalog_products using gin (search);
create index catalog_products_listed on catalog_products (seq desc) where status = 'listed';
create index catalog_products_seller on catalog_products (seller_id, seq desc);
create index catalog_products_category on catalog_products (category_id);

create table catalog_skus (
  id uuid primary key,
  product_id uuid not null references catalog_products (id),
  position integer not null,
  name text not null default '',
  attributes jsonb not null default '{}',
  price bigint not null check (price > 0),
  currency text not null,
  unique (product_id, position)
);
