-- Identity: users with their credentials, and login sessions (one refresh token chain each).
create table identity_users (
  id uuid primary key,
  username text not null check (username ~ '^[A-Za-z0-9_]{3,32}$'),
  password_hash text not null check (length(password_hash) > 0),
  roles text[] not null default array['user']::text[] check (roles <@ array['user', 'admin']::text[]),
  created_at timestamptz not null default now()
);
create unique index identity_users_username_ci on identity_users (lower(username));

create table identity_sessions (
  id uuid primary key,
  user_id uuid not null references identity_users (id) on delete cascade,
  -- sha-256 of the current refresh token's secret; a rotated-away token no longer matches
  refresh_hash text not null,
  created_at timestamptz not null default now(),
  rotated_at timestamptz,
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoke_reason text
);
create index identity_sessions_user on identity_sessions (user_id);
