-- The sandbox payment provider's own small store: it stands in for an outside PSP and shares
-- nothing with the platform's tables.
create table sandbox_payments (
  id uuid primary key,
  amount bigint not null check (amount > 0),
  currency text not null,
  description text not null,
  status text not null check (status in ('pending', 'succeeded', 'failed', 'refunded')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Webhooks to deliver, retried with back-off (1 s, 2 s, 4 s …) up to 10 tries.
create table sandbox_deliveries (
  event_id uuid primary key,
  payment_id uuid not null references sandbox_payments (id),
  type text not null,
  body text not null,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  lease_until timestamptz,
  delivered_at timestamptz,
  given_up_at timestamptz,
  last_error text
);
create index sandbox_deliveries_due on sandbox_deliveries (next_attempt_at) where delivered_at is null and given_up_at is null;
create trigger sandbox_deliveries_notify after insert on sandbox_deliveries
  for each statement execute function platform_notify_table();
