-- Coupons: issued by a seller for its own goods, claimed once per user, redeemed by one
-- order at most, given back when that order is cancelled or expires.
create table promotions_coupons (
  id uuid primary key,
  code text not null unique,
  seller_id uuid not null,
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  discount bigint not null check (discount > 0),
  min_spend bigint not null default 0 check (min_spend >= 0),
  quantity integer not null check (quantity >= 1),
  remaining integer not null,
  valid_from timestamptz not null default now(),
  valid_until timestamptz,
  created_at timestamptz not null default now(),
  constraint promotions_remaining_in_range check (remaining between 0 and quantity),
  check (valid_until is null or valid_until > valid_from)
);
create index promotions_coupons_seller on promotions_coupons (seller_id, created_at desc);

create table promotions_claims (
  id uuid primary key,
  coupon_id uuid not null references promotions_coupons (id),
  user_id uuid not null,
  status text not null default 'available' check (status in ('available', 'used')),
  order_id uuid,
  claimed_at timestamptz not null default now(),
  used_at timestamptz,
  -- one claim per user and coupon
  unique (coupon_id, user_id),
  -- a used claim names its order, an available one none
  check ((status = 'used') = (order_id is not null))
);
-- an order redeems one coupon at most
create unique index promotions_claims_order on promotions_claims (order_id) where order_id is not null;
create index promotions_claims_user on promotions_claims (user_id, claimed_at desc);
