// `npm run bench:orders [-- --duration 10 --warm-up 4 --buyers 100 --pool 32 --skus 1000 --role all|api --scenarios spread,hot --yardstick 10]`
//
// Orders placed and paid with the wallet per second, on PostgreSQL + Redis + RabbitMQ, the
// whole platform running as `flashmart start --role all` runs it (relay, consumers, jobs; with
// `--role api` those are off while measuring, as on an api process, and the outbox waits),
// with `buyers` concurrent buyers each in a closed loop: place an order of one unit through
// the placement saga (reserve stock → create order), then pay it from the wallet.
//   spread  each order picks one SKU at random out of `skus`
//   hot     every order buys the same SKU
// Calls go through the modules' doors (no HTTP: bench:http measures that layer). Afterwards
// the relay drains the outbox and `flashmart audit` (I1 stock, I3 ledger) must be clean.
// First, for `--yardstick` seconds (0: not at all), the hot-row yardstick the targets were set
// against (BENCHMARKS.md: ~1,250 tx/s there) runs on the same server; at the end the targets
// are printed again scaled by what this machine manages of it.
// FLASHMART_DB_PREPARED_STATEMENTS=off in the environment measures without prepared statements.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { auditChecks, startApp, type RunningApp } from '../src/app.js';
import { runAudit } from '../src/platform/audit.js';
import { inTransaction } from '../src/platform/db/index.js';
import { createTestEnvironment } from '../test/support/harness.js';
import { cpuShares, cpuSnapshot } from './cpu-sampler.js';
import { load, positiveInt, printTable, say, runBench, type Call, type Row } from './bench-kit.js';
import { CURRENCY, USER_FUNDS, forEachLimited, recharge } from './wallet-setup.js';
import { HOT_ROW_REFERENCE, hotRowYardstick } from './yardstick.js';

const TARGETS = { spread: 2_000, hot: 1_000 } as const;
const STOCK_PER_SKU = 10_000_000;

type Scenario = 'spread' | 'hot';
type Options = { duration: number; warmUp: number; buyers: number; pool: number; skus: number; role: 'all' | 'api'; scenarios: Scenario[]; yardstick: number };

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      'warm-up': { type: 'string', default: '4' },
      buyers: { type: 'string', default: '100' },
      pool: { type: 'string', default: '32' },
      skus: { type: 'string', default: '1000' },
      role: { type: 'string', default: 'all' },
      scenarios: { type: 'string', default: 'spread,hot' },
      yardstick: { type: 'string', default: '10' },
    },
  });
  const scenarios = values.scenarios.split(',').map((name) => name.trim());
  for (const name of scenarios) if (name !== 'spread' && name !== 'hot') throw new Error(`--scenarios takes spread and/or hot, got "${name}"`);
  if (values.role !== 'all' && values.role !== 'api') throw new Error(`--role must be all or api, got "${values.role}"`);
  return {
    duration: positiveInt(values.duration, '--duration'),
    warmUp: positiveInt(values['warm-up'], '--warm-up', 0),
    buyers: positiveInt(values.buyers, '--buyers'),
    pool: positiveInt(values.pool, '--pool'),
    skus: positiveInt(values.skus, '--skus'),
    role: values.role,
    scenarios: scenarios as Scenario[],
    yardstick: positiveInt(values.yardstick, '--yardstick', 0),
  };
}

interface BenchData {
  buyers: string[];
  spreadSkus: string[];
  hotSku: string;
}

/** A seller with `skuCount` SKUs (100 per product) plus one hot SKU, and funded buyers, all through the modules' doors. */
async function prepare(app: RunningApp, options: Options): Promise<BenchData> {
  const { modules } = app;
  const db = app.platform.database.db;
  const seller = randomUUID();
  const buyers = Array.from({ length: options.buyers }, () => randomUUID());
  await inTransaction(db, async (tx) => {
    for (const userId of [seller, ...buyers]) await modules.wallet.openUserAccounts(tx, userId);
  });
  await forEachLimited(buyers, 16, (userId) => recharge(modules, db, userId, USER_FUNDS));
  const spreadSkus: string[] = [];
  for (let p = 0; p * 100 < options.skus; p++) {
    const count = Math.min(100, options.skus - p * 100);
    const product = await modules.catalog.createProduct(seller, {
      title: `Bench product ${p}`,
      skus: Array.from({ length: count }, (_, i) => ({ name: `variant ${i}`, price: { amount: 100 + ((p * 100 + i) % 9_900), currency: CURRENCY }, stock: STOCK_PER_SKU })),
    });
    spreadSkus.push(...product.skus.map((s) => s.id));
  }
  const hot = await modules.catalog.createProduct(seller, { title: 'Bench hot product', skus: [{ price: { amount: 999, currency: CURRENCY }, stock: STOCK_PER_SKU }] });
  const hotSku = hot.skus[0]?.id;
  if (!hotSku) throw new Error('the hot product has no SKU');
  return { buyers, spreadSkus, hotSku };
}

/** Time spent placing and paying, summed over the orders of a scenario (its warm-up included). */
interface Steps {
  place: number;
  pay: number;
  orders: number;
}

/** Buyer `i` of the loop places one unit of a SKU and pays it from the wallet. */
function orderCall(app: RunningApp, data: BenchData, pickSku: () => string, steps: Steps): Call {
  let next = 0;
  return async () => {
    const buyerId = data.buyers[next++ % data.buyers.length] ?? '';
    const began = performance.now();
    const orderId = await app.modules.placement.place({ buyerId, items: [{ skuId: pickSku(), quantity: 1 }], shippingAddress: null });
    const placed = performance.now();
    await app.modules.orders.pay({ userId: buyerId, isAdmin: false }, orderId, 'wallet');
    steps.place += placed - began;
    steps.pay += performance.now() - placed;
    steps.orders++;
  };
}

async function outboxDrained(app: RunningApp, timeoutMs: number): Promise<number> {
  const db = app.platform.database.db;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await sql<{ n: number }>`select count(*)::int as n from platform_outbox`.execute(db);
    const waiting = row.rows[0]?.n ?? 0;
    if (waiting === 0 || Date.now() > deadline) return waiting;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function run(app: RunningApp, options: Options): Promise<boolean> {
  const yardstick = options.yardstick > 0 && app.platform.config.databaseUrl ? await measureYardstick(app.platform.config.databaseUrl, options.yardstick) : undefined;
  let began = performance.now();
  const data = await prepare(app, options);
  say(`setup: ${options.buyers} buyers funded, ${data.spreadSkus.length} + 1 SKUs in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  const rows: Row[] = [];
  const scenarios: [string, Scenario, () => string][] = [
    [`spread (1 of ${data.spreadSkus.length} SKUs per order)`, 'spread', () => data.spreadSkus[Math.floor(Math.random() * data.spreadSkus.length)] ?? ''],
    ['hot (every order the same SKU)', 'hot', () => data.hotSku],
  ];
  for (const [scenario, key, pick] of scenarios.filter(([, key]) => options.scenarios.includes(key))) {
    say(`${key}: measuring...`);
    const steps: Steps = { place: 0, pay: 0, orders: 0 };
    const call = orderCall(app, data, pick, steps);
    if (options.warmUp > 0) await load(options.buyers, options.warmUp, `${key}:warm-up`, call);
    // Statistics as autovacuum's analyze would keep them (this server runs without it): taken
    // after the warm-up, the tables hold thousands of rows and the plans are those of a live shop.
    await sql`analyze`.execute(app.platform.database.db);
    Object.assign(steps, { place: 0, pay: 0, orders: 0 });
    const cpuBefore = cpuSnapshot([], 'platform + buyers (bench)');
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const loopBefore = performance.eventLoopUtilization();
    rows.push({ scenario, outcome: await load(options.buyers, options.duration, key, call), target: TARGETS[key] });
    loopDelay.disable();
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    say(`${key}: per order ${(steps.place / steps.orders).toFixed(1)} ms placing + ${(steps.pay / steps.orders).toFixed(1)} ms paying`);
    say(
      `${key}: event loop ${(performance.eventLoopUtilization(loopBefore).utilization * 100).toFixed(0)}% busy, ` +
        `delay p50 ${ms(loopDelay.percentile(50))} / p99 ${ms(loopDelay.percentile(99))} ms`,
    );
    say(`${key}: CPU ${cpuShares(cpuBefore, cpuSnapshot([], 'platform + buyers (bench)')).text}`);
  }
  printTable(rows, 'orders/s', 'refused');
  began = performance.now();
  if (options.role === 'all') {
    const waiting = await outboxDrained(app, 120_000);
    say(`\noutbox drained by the relay in ${((performance.now() - began) / 1000).toFixed(1)} s${waiting > 0 ? ` (${waiting} still waiting)` : ''}`);
  } else say(`\n${await outboxDrained(app, 0)} events wait in the outbox for a worker (none runs in --role api)`);
  began = performance.now();
  const report = await runAudit(auditChecks(app.platform, app.modules));
  say(`audit (${((performance.now() - began) / 1000).toFixed(1)} s):\n${report.lines.map((l) => `  ${l}`).join('\n')}`);
  if (yardstick !== undefined) printScaledTargets(yardstick, rows);
  return report.ok;
}

async function measureYardstick(databaseUrl: string, seconds: number): Promise<number> {
  say(`yardstick: one hot row updated + one order inserted per transaction, ${HOT_ROW_REFERENCE.connections} connections, ${seconds} s...`);
  const measured = await hotRowYardstick(databaseUrl, seconds);
  say(`yardstick: ${measured.txPerSec.toFixed(0)} tx/s here (${measured.by}); BENCHMARKS.md: ~${HOT_ROW_REFERENCE.txPerSec} tx/s on the machine the targets were set on`);
  return measured.txPerSec;
}

/** Each scenario against its target scaled by what this machine makes of the yardstick. */
function printScaledTargets(measured: number, rows: Row[]): void {
  const scale = measured / HOT_ROW_REFERENCE.txPerSec;
  say(`\ntargets scaled by the yardstick (${measured.toFixed(0)} tx/s here = ${(scale * 100).toFixed(0)} % of BENCHMARKS.md's ${HOT_ROW_REFERENCE.txPerSec}):`);
  for (const { scenario, outcome, target } of rows) {
    if (target === undefined) continue;
    const scaled = target * scale;
    say(`  ${scenario}: ${outcome.perSec.toFixed(0)} orders/s = ${(outcome.perSec / measured).toFixed(2)} × the yardstick; target ${target} = ${(target / HOT_ROW_REFERENCE.txPerSec).toFixed(2)} × it, here ${scaled.toFixed(0)}: ${outcome.perSec >= scaled ? 'ok' : 'MISSED'}`);
  }
}

async function main(): Promise<boolean> {
  const options = readOptions();
  say(
    `orders on PostgreSQL + Redis + RabbitMQ (role ${options.role}${options.role === 'api' ? ': no relay, consumers or jobs while measuring' : ''}): ${options.buyers} buyers, pool ${options.pool}, ` +
      `${options.warmUp} s warm-up + ${options.duration} s per scenario, node ${process.version}, ${os.cpus().length} CPUs`,
  );
  const environment = await createTestEnvironment('services', { LOG_LEVEL: 'warn', FLASHMART_DB_POOL_SIZE: String(options.pool), FLASHMART_ROLE: options.role, FLASHMART_DB_PREPARED_STATEMENTS: process.env.FLASHMART_DB_PREPARED_STATEMENTS ?? 'on' });
  let app: RunningApp | undefined;
  try {
    app = await startApp(environment.config, { listen: false });
    return await run(app, options);
  } finally {
    await app?.close();
    await environment.dispose();
  }
}

runBench(main);
