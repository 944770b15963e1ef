-- Inventory: stock per SKU, reservations tied to orders, and a log row for every change.
-- `reserved` counts the units of orders whose goods have not left the warehouse yet.
-- I1: no counter below zero (CHECK), every decrement guarded (`where available >= n`), and
-- reserved = the sum of live (held) reservations (checked by `flashmart audit`).
create table inventory_stock (
  sku_id uuid primary key,
  available integer not null,
  reserved integer not null default 0,
  updated_at timestamptz not null default now(),
  constraint inventory_available_non_negative check (available >= 0),
  constraint inventory_reserved_non_negative check (reserved >= 0)
);

create table inventory_reservations (
  id bigserial primary key,
  order_id uuid not null,
  sku_id uuid not null references inventory_stock (sku_id),
  quantity integer not null check (quantity > 0),
  -- held from placement until the goods ship → consumed (shipped) | released (cancelled,
  -- expired, refunded before shipping, or the placement rolled back)
  status text not null default 'held' check (status in ('held', 'released', 'consumed')),
  created_at timestamptz not null default now(),
  ended_at timestamptz,
  unique (order_id, sku_id)
);
create index inventory_reservations_held on inventory_reservations (sku_id) where status = 'held';

create table inventory_log (
  id bigserial primary key,
  sku_id uuid not null,
  available_delta integer not null,
  reserved_delta integer not null,
  reason text not null,
  actor_id uuid,
  order_id uuid,
  note text,
  created_at timestamptz not null default now()
);
create index inventory_log_sku on inventory_log (sku_id, id desc);
