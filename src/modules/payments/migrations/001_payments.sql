-- Payments: intents with their state machine, the payment log, and received webhook events.
create table payments_intents (
  id uuid primary key,
  purpose text not null,
  reference text not null,
  user_id uuid not null,
  amount bigint not null check (amount > 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  provider text not null check (provider in ('wallet', 'sandbox')),
  status text not null check (status in ('pending', 'succeeded', 'failed', 'cancelled', 'expired', 'refunded')),
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index payments_intents_reference on payments_intents (purpose, reference);

-- Every change of an intent, in order: the payment log.
create table payments_log (
  id bigserial primary key,
  intent_id uuid not null references payments_intents (id),
  from_status text,
  to_status text not null,
  note text,
  created_at timestamptz not null default now()
);
create index payments_log_intent on payments_log (intent_id, id);

-- Webhook events, recorded (the inbox) before anything is done about them.
create table payments_webhook_events (
  event_id text primary key,
  provider text not null,
  type text not null,
  payment_id uuid not null references payments_intents (id),
  amount bigint not null,
  currency text not null,
  received_at timestamptz not null default now(),
  processed_at timestamptz,
  outcome text
);
