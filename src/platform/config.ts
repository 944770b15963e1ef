import path from 'node:path';

export type Role = 'all' | 'api' | 'worker' | 'sandbox';
export const ROLES: readonly Role[] = ['all', 'api', 'worker', 'sandbox'];

/** The one typed configuration object. Built once at start-up from the environment. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  amqpUrl: string | undefined;
  role: Role;
  /** Prefix for Redis keys and RabbitMQ names, so several deployments (or test runs) share servers. */
  namespace: string;
  logLevel: string;
  jwtSecret: string | undefined;
  registerRatePerIp: number;
  adminUsername: string | undefined;
  adminPassword: string | undefined;
  currencies: string[];
  paymentTimeoutSeconds: number;
  flashPaymentTimeoutSeconds: number;
  flashRatePerUser: number;
  flashRateGlobal: number;
  /** Order tokens of a sale: at most its quantity times this, each alive this long. */
  flashTokenMultiple: number;
  flashTokenTtlSeconds: number;
  /** Purchases per drain transaction, drain loops per worker process. */
  flashDrainBatch: number;
  flashDrainLoops: number;
  /** A purchase a drain worker holds unacknowledged this long is taken over by another (the first died). */
  flashReclaimSeconds: number;
  /** How often workers compare hot counters with the database (API.md: at least every 10 s). */
  flashReconcileSeconds: number;
  autoConfirmDays: number;
  /** An order placement unfinished after this long (its process died) is rolled back by a worker. */
  sagaTimeoutSeconds: number;
  sandbox: 'on' | 'off';
  sandboxWebhookSecret: string | undefined;
  publicUrl: string;
  /** How many times a consumer may fail one message before it goes to the dead-letter queue. */
  deliveryLimit: number;
  /** PostgreSQL connections per process (each process also keeps one per LISTEN channel). */
  dbPoolSize: number;
  /**
   * Prepare (name) the statements a process repeats, so PostgreSQL plans them once per
   * connection. Off behind a pooler in transaction mode that cannot keep prepared statements.
   */
  dbPreparedStatements: boolean;
  /** Behind a load balancer: take the client address from X-Forwarded-For. */
  trustProxy: boolean;
}

/** A configuration value is wrong; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function readInt(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function readUrl(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${raw}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function readCurrencies(env: Env): string[] {
  const raw = env.FLASHMART_CURRENCIES;
  if (raw === undefined || raw.trim() === '') return ['CNY', 'USD', 'JPY'];
  const list = raw.split(',').map((c) => c.trim().toUpperCase());
  for (const code of list) {
    if (!/^[A-Z]{3}$/.test(code)) throw new ConfigError('FLASHMART_CURRENCIES', `must list ISO 4217 codes, got "${code}"`);
  }
  return [...new Set(list)];
}

/** A folder for the embedded database, or `memory://` for one that lives only as long as the process. */
function readDataDir(env: Env): string {
  const raw = env.FLASHMART_DATA_DIR || './.flashmart';
  return raw.startsWith('memory://') ? raw : path.resolve(raw);
}

function readSecret(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < 32) throw new ConfigError(name, 'must be at least 32 characters');
  return raw;
}

/** Reads and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const port = readInt(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST && env.HOST !== '' ? env.HOST : '127.0.0.1';
  const adminUsername = env.FLASHMART_ADMIN_USERNAME || undefined;
  const adminPassword = env.FLASHMART_ADMIN_PASSWORD || undefined;
  if ((adminUsername === undefined) !== (adminPassword === undefined)) {
    throw new ConfigError(
      adminUsername ? 'FLASHMART_ADMIN_PASSWORD' : 'FLASHMART_ADMIN_USERNAME',
      'must be set together with the other FLASHMART_ADMIN_* variable',
    );
  }
  const namespace = env.FLASHMART_NAMESPACE || 'flashmart';
  if (!/^[a-z0-9_.-]{1,64}$/i.test(namespace)) throw new ConfigError('FLASHMART_NAMESPACE', `must be 1-64 of [A-Za-z0-9_.-], got "${namespace}"`);
  const publicUrl = readUrl(env, 'FLASHMART_PUBLIC_URL', ['http:', 'https:']);
  const config: Config = {
    port,
    host,
    dataDir: readDataDir(env),
    databaseUrl: readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: readUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    amqpUrl: readUrl(env, 'AMQP_URL', ['amqp:', 'amqps:']),
    role: readEnum(env, 'FLASHMART_ROLE', ROLES, 'all'),
    namespace,
    logLevel: readEnum(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
    jwtSecret: readSecret(env, 'FLASHMART_JWT_SECRET'),
    registerRatePerIp: readInt(env, 'FLASHMART_REGISTER_RATE_PER_IP', 100, 0),
    adminUsername,
    adminPassword,
    currencies: readCurrencies(env),
    paymentTimeoutSeconds: readInt(env, 'FLASHMART_PAYMENT_TIMEOUT_SECONDS', 1800, 1),
    flashPaymentTimeoutSeconds: readInt(env, 'FLASHMART_FLASH_PAYMENT_TIMEOUT_SECONDS', 600, 1),
    flashRatePerUser: readInt(env, 'FLASHMART_FLASH_RATE_PER_USER', 5, 0),
    flashRateGlobal: readInt(env, 'FLASHMART_FLASH_RATE_GLOBAL', 0, 0),
    flashTokenMultiple: readInt(env, 'FLASHMART_FLASH_TOKEN_MULTIPLE', 2, 1, 1000),
    flashTokenTtlSeconds: readInt(env, 'FLASHMART_FLASH_TOKEN_TTL_SECONDS', 60, 1, 86_400),
    flashDrainBatch: readInt(env, 'FLASHMART_FLASH_DRAIN_BATCH', 500, 1, 5000),
    flashDrainLoops: readInt(env, 'FLASHMART_FLASH_DRAIN_LOOPS', 2, 1, 64),
    flashReclaimSeconds: readInt(env, 'FLASHMART_FLASH_RECLAIM_SECONDS', 10, 1, 3600),
    flashReconcileSeconds: readInt(env, 'FLASHMART_FLASH_RECONCILE_SECONDS', 2, 1, 10),
    autoConfirmDays: readInt(env, 'FLASHMART_AUTO_CONFIRM_DAYS', 10, 1),
    sagaTimeoutSeconds: readInt(env, 'FLASHMART_SAGA_TIMEOUT_SECONDS', 30, 1),
    sandbox: readEnum(env, 'FLASHMART_SANDBOX', ['on', 'off'], 'on'),
    sandboxWebhookSecret: readSecret(env, 'FLASHMART_SANDBOX_WEBHOOK_SECRET'),
    publicUrl: publicUrl ?? `http://${host}:${port}`,
    deliveryLimit: readInt(env, 'FLASHMART_DELIVERY_LIMIT', 5, 1, 100),
    dbPoolSize: readInt(env, 'FLASHMART_DB_POOL_SIZE', 20, 1, 1000),
    dbPreparedStatements: readEnum(env, 'FLASHMART_DB_PREPARED_STATEMENTS', ['on', 'off'], 'on') === 'on',
    trustProxy: readEnum(env, 'FLASHMART_TRUST_PROXY', ['true', 'false'], 'false') === 'true',
  };
  return { ...config, ...overrides };
}
