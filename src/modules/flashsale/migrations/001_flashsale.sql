-- Flash sales: the sale (its database stock is the last word against overselling), the
-- decided purchases, each buyer's quantity (the last word on the per-user limit) and the
-- quantity of ended orders given back, once per order.
create table flash_sales (
  id uuid primary key,
  seq bigserial not null unique,
  sku_id uuid not null,
  product_id uuid not null,
  seller_id uuid not null,
  title text not null,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  price bigint not null check (price > 0),
  quantity integer not null check (quantity >= 1),
  -- quantity neither in live orders nor returned to the SKU
  stock integer not null,
  returned_to_sku integer not null default 0,
  per_user_limit integer not null check (per_user_limit >= 1),
  require_token boolean not null default false,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  state text not null default 'scheduled' check (state in ('scheduled', 'active', 'ended')),
  -- when the unsold quantity went back to the SKU (after the end and the last purchase decided)
  settled_at timestamptz,
  created_by uuid not null,
  created_at timestamptz not null default now(),
  check (ends_at > starts_at),
  check (stock >= 0 and stock <= quantity),
  check (returned_to_sku >= 0 and stock + returned_to_sku <= quantity),
  check (settled_at is null or (state = 'ended' and stock = 0))
);
create index flash_sales_open on flash_sales (state, starts_at) where settled_at is null;
create index flash_sales_seller on flash_sales (seller_id, seq desc);

create table flash_purchases (
  id uuid primary key,
  sale_id uuid not null references flash_sales (id),
  buyer_id uuid not null,
  quantity integer not null check (quantity >= 1),
  status text not null check (status in ('succeeded', 'failed')),
  order_id uuid unique,
  reason text,
  accepted_at timestamptz not null,
  -- the moment the row was written (not the transaction's start), so answer delays are honest
  decided_at timestamptz not null default clock_timestamp(),
  check ((status = 'succeeded') = (order_id is not null)),
  check (status = 'succeeded' or reason is not null)
);
create index flash_purchases_sale on flash_purchases (sale_id, buyer_id);

create table flash_buyers (
  sale_id uuid not null references flash_sales (id),
  user_id uuid not null,
  quantity integer not null,
  max_quantity integer not null,
  primary key (sale_id, user_id),
  check (quantity >= 0 and quantity <= max_quantity)
);

create table flash_returns (
  order_id uuid primary key,
  sale_id uuid not null references flash_sales (id),
  buyer_id uuid not null,
  quantity integer not null check (quantity >= 1),
  destination text not null check (destination in ('sale', 'sku')),
  created_at timestamptz not null default now()
);
create index flash_returns_sale on flash_returns (sale_id);
