// Setup of bench/flash.bench.ts: the deployments (distributed: N api processes and one worker
// on a fresh PostgreSQL database and a namespace of their own on Redis and RabbitMQ; embedded:
// one `--role all` process on a fresh data folder), and the shop through the public API — a
// seller, a product, buyers, the sale — as a client would do it.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APP_CONSUMER_GROUPS, cleanUpNamespace, createTestDatabase, uniqueName } from '../test/support/harness.js';
import { SERVICE_URLS } from '../test/support/services.js';
import { childEnv, freePort, sleep, startChild, stopChild, waitUntilAnswering, type Child } from './bench-processes.js';

export type Mode = 'distributed' | 'embedded';

/** RabbitMQ queues the app's consumer groups create (removed afterwards). */
/** Settings the bench passes on to the flashmart processes when they are set in its own environment. */
const TUNABLES = ['FLASHMART_FLASH_DRAIN_BATCH', 'FLASHMART_FLASH_DRAIN_LOOPS', 'FLASHMART_DB_POOL_SIZE', 'FLASHMART_FLASH_RECONCILE_SECONDS'];

export interface Deployment {
  mode: Mode;
  /** The flashmart environment of every process (and of `flashmart audit`), PORT aside. */
  env: Record<string, string>;
  apis: Child[];
  apiBases: string[];
  /** The processes that run the drain: the workers (once started), or the one embedded process. */
  drainers: Child[];
  drainerBases: string[];
  /** Starts the workers when they were held back (--worker-after-load); otherwise nothing. */
  startDrainers(): Promise<void>;
  databaseUrl: string | undefined;
  dataDir: string | undefined;
  stopProcesses(): Promise<void>;
  /** Drops the database, the namespace's Redis keys and RabbitMQ queues, the data folder. */
  cleanUp(): Promise<void>;
}

/** The flash-sale settings of the run: no per-user rate limit, and no order expires while it lasts. */
export function flashEnv(): Record<string, string> {
  const env: Record<string, string> = { FLASHMART_FLASH_RATE_PER_USER: '0', FLASHMART_FLASH_PAYMENT_TIMEOUT_SECONDS: '3600' };
  for (const key of TUNABLES) {
    const value = process.env[key];
    if (value !== undefined && value !== '') env[key] = value;
  }
  return env;
}

/** Node options of the flashmart processes (--cpu-prof with --profile DIR). */
export type NodeArgs = string[];

async function startFlashmart(name: string, role: string, env: Record<string, string>, nodeArgs: NodeArgs): Promise<{ child: Child; base: string }> {
  const port = await freePort();
  const child = startChild(name, [...nodeArgs, 'bin/flashmart.mjs', 'start', '--role', role], childEnv(port, env));
  const base = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(child, `${base}/readyz`, {}, 120_000);
  return { child, base };
}

/** Starts every process at once (start-up on an empty database is safe: migrations take a lock). */
async function startAll(specs: { name: string; role: string }[], env: Record<string, string>, nodeArgs: NodeArgs): Promise<{ child: Child; base: string }[]> {
  const started = await Promise.allSettled(specs.map((s) => startFlashmart(s.name, s.role, env, nodeArgs)));
  const failure = started.find((s) => s.status === 'rejected');
  if (failure) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? stopChild(s.value.child) : undefined)));
    throw failure.reason;
  }
  return started.map((s) => (s as PromiseFulfilledResult<{ child: Child; base: string }>).value);
}

/** N api processes and W workers, started together unless `deferWorkers` holds the workers back until startDrainers(). */
export async function deployDistributed(apiProcesses: number, workers: number, nodeArgs: NodeArgs, deferWorkers: boolean): Promise<Deployment> {
  const namespace = uniqueName('fmbench');
  const database = await createTestDatabase();
  const env = { ...flashEnv(), DATABASE_URL: database.url, REDIS_URL: SERVICE_URLS.redis, AMQP_URL: SERVICE_URLS.amqp, FLASHMART_NAMESPACE: namespace };
  const started: { child: Child; base: string }[] = [];
  const cleanUp = async () => {
    await cleanUpNamespace(namespace, APP_CONSUMER_GROUPS).catch((error: unknown) => process.stdout.write(`  cleanup of namespace ${namespace} failed: ${String(error)}\n`));
    await database.drop();
  };
  const workerSpecs = Array.from({ length: workers }, (_, i) => ({ name: workers > 1 ? `worker #${i + 1}` : 'worker', role: 'worker' }));
  try {
    const specs = [...Array.from({ length: apiProcesses }, (_, i) => ({ name: `api #${i + 1}`, role: 'api' })), ...(deferWorkers ? [] : workerSpecs)];
    started.push(...(await startAll(specs, env, nodeArgs)));
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const apis = started.slice(0, apiProcesses);
  const deployment: Deployment = {
    mode: 'distributed',
    env,
    apis: apis.map((a) => a.child),
    apiBases: apis.map((a) => a.base),
    drainers: started.slice(apiProcesses).map((w) => w.child),
    drainerBases: started.slice(apiProcesses).map((w) => w.base),
    async startDrainers() {
      if (deployment.drainers.length > 0) return;
      const ws = await startAll(workerSpecs, env, nodeArgs);
      started.push(...ws);
      deployment.drainers = ws.map((w) => w.child);
      deployment.drainerBases = ws.map((w) => w.base);
    },
    databaseUrl: database.url,
    dataDir: undefined,
    stopProcesses: () => Promise.all(started.map((s) => stopChild(s.child))).then(() => undefined),
    cleanUp,
  };
  return deployment;
}

export async function deployEmbedded(nodeArgs: NodeArgs): Promise<Deployment> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashmart-flash-bench-'));
  const env = { ...flashEnv(), FLASHMART_DATA_DIR: dataDir };
  const cleanUp = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  let all: { child: Child; base: string };
  try {
    all = await startFlashmart('flashmart (all)', 'all', env, nodeArgs);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return {
    mode: 'embedded',
    env,
    apis: [all.child],
    apiBases: [all.base],
    drainers: [all.child],
    drainerBases: [all.base],
    startDrainers: async () => undefined,
    databaseUrl: undefined,
    dataDir,
    stopProcesses: () => stopChild(all.child),
    cleanUp,
  };
}

async function call<T>(base: string, method: string, route: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${base}${route}`, { method, headers, ...(options.body !== undefined && { body: JSON.stringify(options.body) }) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

function expect(status: number, wanted: number, what: string, body: unknown): void {
  if (status !== wanted) throw new Error(`${what} answered ${status}: ${JSON.stringify(body)}`);
}

/** A new user's access token. */
export async function register(base: string, username: string): Promise<string> {
  const res = await call<{ accessToken?: string }>(base, 'POST', '/api/v1/auth/register', { body: { username, password: 'bench-password-1' } });
  expect(res.status, 201, `register ${username}`, res.body);
  if (typeof res.body.accessToken !== 'string') throw new Error(`register ${username}: no access token`);
  return res.body.accessToken;
}

/** `count` buyers registered in parallel, spread over the api processes; their tokens in order. */
export async function registerBuyers(bases: string[], count: number, concurrency: number): Promise<string[]> {
  const tag = randomBytes(4).toString('hex');
  const tokens = new Array<string>(count).fill('');
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) tokens[i] = await register(bases[i % bases.length] ?? '', `fb_${tag}_${i}`);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return tokens;
}

/** A listed product with one SKU of `stock` units; its SKU id. */
export async function createProduct(base: string, token: string, stock: number): Promise<string> {
  const body = { title: 'Flash bench goods', skus: [{ name: 'one', price: { amount: 990, currency: 'CNY' }, stock }] };
  const res = await call<{ skus?: { id: string }[] }>(base, 'POST', '/api/v1/products', { token, body });
  expect(res.status, 201, 'create product', res.body);
  const sku = res.body.skus?.[0]?.id;
  if (!sku) throw new Error('the product has no SKU');
  return sku;
}

export interface SaleSpec {
  skuId: string;
  quantity: number;
  perUserLimit: number;
  startsAt: Date;
  endsAt: Date;
}

export async function createSale(base: string, token: string, spec: SaleSpec): Promise<string> {
  const body = { skuId: spec.skuId, price: { amount: 100, currency: 'CNY' }, quantity: spec.quantity, perUserLimit: spec.perUserLimit, startsAt: spec.startsAt.toISOString(), endsAt: spec.endsAt.toISOString() };
  const res = await call<{ id?: string }>(base, 'POST', '/api/v1/flash-sales', { token, body });
  expect(res.status, 201, 'create sale', res.body);
  if (typeof res.body.id !== 'string') throw new Error('the sale has no id');
  return res.body.id;
}

/** Polls the public sale until it reports `active`. */
export async function waitUntilActive(base: string, saleId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call<{ status?: string }>(base, 'GET', `/api/v1/flash-sales/${saleId}`);
    if (res.body.status === 'active') return;
    if (Date.now() > deadline) throw new Error(`the sale is still ${String(res.body.status)} after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/** The sum of the Prometheus series (lines) of one process that `matches` picks. */
async function counter(base: string, matches: (line: string) => boolean): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) if (matches(line)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}

/**
 * The process's event-loop delay since the previous scrape (prom-client resets its histogram at
 * each one), ms: scrape once to start a stretch, once to end it.
 */
export async function eventLoopDelay(base: string): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const gauge = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? Number.NaN : Number(line.slice(name.length + 1)) * 1000;
  };
  return { p99: gauge('nodejs_eventloop_lag_p99_seconds'), max: gauge('nodejs_eventloop_lag_max_seconds') };
}

/** Purchases the drain decided so far, from the draining process's counter. */
export function decidedSoFar(drainerBase: string): Promise<number> {
  return counter(drainerBase, (line) => line.startsWith('flashmart_flash_purchases_decided_total{'));
}

/**
 * Purchases the api processes answered 202, from their own request counters: exact, where the
 * load generator misses the answers still in flight when it stops.
 */
export async function admittedByServers(apiBases: string[]): Promise<number> {
  const matches = (line: string) =>
    line.startsWith('flashmart_http_request_duration_seconds_count{') && line.includes('route="/api/v1/flash-sales/:id/purchases"') && line.includes('status="202"');
  const counts = await Promise.all(apiBases.map((base) => counter(base, matches)));
  return counts.reduce((sum, c) => sum + c, 0);
}
