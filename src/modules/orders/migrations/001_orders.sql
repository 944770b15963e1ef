-- Orders: the order state machine (every transition a guarded UPDATE), its history, the
-- persisted placement saga, carts and address books.
create table orders (
  id uuid primary key,
  seq bigserial not null unique,
  buyer_id uuid not null,
  seller_id uuid not null,
  status text not null check (status in ('pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'refunded')),
  source text not null default 'regular' check (source in ('regular', 'flash_sale')),
  flash_sale_id uuid,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  subtotal bigint not null check (subtotal > 0),
  discount bigint not null default 0 check (discount >= 0),
  total bigint not null,
  coupon_code text,
  shipping_address jsonb,
  payment_method text check (payment_method in ('wallet', 'sandbox')),
  carrier text,
  tracking_number text,
  cancel_reason text,
  refund_reason text,
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  paid_at timestamptz,
  shipped_at timestamptz,
  completed_at timestamptz,
  cancelled_at timestamptz,
  refunded_at timestamptz,
  check (buyer_id <> seller_id),
  check (total = subtotal - discount and total > 0),
  -- every state carries the moment it was reached
  check (status <> 'paid' or paid_at is not null),
  check (status <> 'shipped' or shipped_at is not null),
  check (status <> 'completed' or completed_at is not null),
  check (status <> 'cancelled' or (cancelled_at is not null and cancel_reason is not null)),
  check (status <> 'refunded' or refunded_at is not null)
);
create index orders_buyer on orders (buyer_id, seq desc);
create index orders_seller on orders (seller_id, seq desc);
create index orders_status on orders (status, seq desc);

create table orders_items (
  order_id uuid not null references orders (id),
  position integer not null,
  sku_id uuid not null,
  product_id uuid not null,
  title text not null,
  quantity integer not null check (quantity between 1 and 999),
  unit_price bigint not null check (unit_price > 0),
  primary key (order_id, position)
);

create table orders_status_log (
  id bigserial primary key,
  order_id uuid not null references orders (id),
  from_status text,
  to_status text not null,
  actor_id uuid,
  note text,
  created_at timestamptz not null default now()
);
create index orders_status_log_order on orders_status_log (order_id, id);

-- The placement saga: one row per attempt (its id becomes the order's id). A row left
-- `running` by a process that died is compensated by a worker.
create table orders_sagas (
  id uuid primary key,
  buyer_id uuid not null,
  step text not null,
  status text not null default 'running' check (status in ('running', 'completed', 'failed')),
  failure text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index orders_sagas_running on orders_sagas (updated_at) where status = 'running';

create table orders_cart_items (
  user_id uuid not null,
  sku_id uuid not null,
  quantity integer not null check (quantity between 1 and 999),
  added_at timestamptz not null default now(),
  primary key (user_id, sku_id)
);

create table orders_addresses (
  id uuid primary key,
  user_id uuid not null,
  recipient text not null,
  phone text not null,
  line1 text not null,
  line2 text,
  city text not null,
  region text,
  postal_code text,
  country text not null,
  is_default boolean not null default false,
  created_at timestamptz not null default now()
);
create index orders_addresses_user on orders_addresses (user_id, created_at);
create unique index orders_addresses_one_default on orders_addresses (user_id) where is_default;
