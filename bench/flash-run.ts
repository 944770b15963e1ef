// One mode of bench/flash.bench.ts, start to finish: deploy, set the shop up, measure the
// hello-world then the purchases, wait for the drain, stop, read the figures, audit, clean up.
import { performance } from 'node:perf_hooks';
import { say } from './bench-kit.js';
import { childEnv, runToEnd, sleep, type Child } from './bench-processes.js';
import { cpuShares, cpuSnapshot, type CpuSnapshot } from './cpu-sampler.js';
import { otherDatabaseTransactions } from './pg-activity.js';
import { readDrainFigures, saleSettled } from './flash-figures.js';
import { fire, type LoadResult } from './flash-load.js';
import type { ModeReport } from './flash-report.js';
import {
  admittedByServers,
  createProduct,
  createSale,
  decidedSoFar,
  deployDistributed,
  deployEmbedded,
  eventLoopDelay,
  register,
  registerBuyers,
  waitUntilActive,
  type Deployment,
  type Mode,
} from './flash-setup.js';

export type Options = {
  modes: Mode[];
  apiProcesses: number;
  /** Distributed: worker processes draining (competing consumers of the sale's stream). */
  workers: number;
  seconds: number;
  connections: number;
  buyers: number;
  warmUp: number;
  /** Distributed: the worker starts only after the load, so the drain works off the whole queue alone. */
  workerAfterLoad: boolean;
  profileDir: string | undefined;
};

const QUANTITY = 1_000_000;
const PER_USER_LIMIT = 1_000_000;
/** The sale starts this long after it is created, and ends this long after the load should be over. */
const START_DELAY_MS = 2_000;
const END_MARGIN_MS = 5_000;
const REGISTER_CONCURRENCY = 32;
/** The drain is given up on when its counter has not moved for this long. */
const DRAIN_STALL_MS = 60_000;
/** The drain is done when its counter has stood still this long (its loops poll every 5 ms). */
const SETTLED_MS = 1_000;
/** Embedded: the end job (polled every second) and the reconciler (every 2 s) have run by then. */
const SETTLE_WAIT_MS = 5_000;

/** Other work on the machine beyond this share of a core marks a measurement as disturbed. */
const DISTURBED_PCT = 25;
/** So do other databases on the same PostgreSQL server running more transactions per second than this. */
const DISTURBED_TX_PER_SEC = 50;

type Shop = { saleId: string; tokens: string[]; endsAt: Date };
export type HelloServer = { base: string; pid: number | undefined };
/** One mode's run: its deployment, the options, the reference server, what looked wrong so far. */
type Run = { d: Deployment; options: Options; hello: HelloServer; problems: string[] };

function title(d: Deployment, options: Options): string {
  const what =
    d.mode === 'distributed'
      ? `${options.apiProcesses} api process${options.apiProcesses > 1 ? 'es' : ''} + ${options.workers} worker${options.workers > 1 ? 's' : ''}${options.workerAfterLoad ? ' (started after the load)' : ''} on PostgreSQL, Redis, RabbitMQ`
      : 'one --role all process on PGlite, in-process hot store and bus';
  const drain = `drain batch ${d.env.FLASHMART_FLASH_DRAIN_BATCH ?? '500'} × ${d.env.FLASHMART_FLASH_DRAIN_LOOPS ?? '2'} loops`;
  return `${d.mode}: ${what}; ${options.connections} connections, ${options.seconds} s, ${options.buyers} buyers, ${drain}`;
}

/** Seller, product and buyers; then the sale, created to start at once and end soon after the load. */
async function prepareShop(d: Deployment, options: Options): Promise<Omit<Shop, 'saleId' | 'endsAt'> & { sellerToken: string; skuId: string }> {
  const base = d.apiBases[0] ?? '';
  const began = performance.now();
  const sellerToken = await register(base, `fb_seller_${Date.now().toString(36)}`);
  const skuId = await createProduct(base, sellerToken, QUANTITY);
  const tokens = await registerBuyers(d.apiBases, options.buyers, REGISTER_CONCURRENCY);
  say(`  ${d.mode}: seller, product and ${options.buyers} buyers registered in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  return { sellerToken, skuId, tokens };
}

async function openSale(d: Deployment, options: Options, shop: { sellerToken: string; skuId: string }): Promise<{ saleId: string; endsAt: Date }> {
  const startsAt = new Date(Date.now() + START_DELAY_MS);
  const endsAt = new Date(startsAt.getTime() + (options.warmUp + options.seconds) * 1000 + END_MARGIN_MS);
  const saleId = await createSale(d.apiBases[0] ?? '', shop.sellerToken, { skuId: shop.skuId, quantity: QUANTITY, perUserLimit: PER_USER_LIMIT, startsAt, endsAt });
  await waitUntilActive(d.apiBases[0] ?? '', saleId);
  return { saleId, endsAt };
}

function measureLoad(bases: string[], path: string, okStatus: number, tokens: string[], options: Options, onMeasuring: () => void) {
  return fire({ bases, path, connections: options.connections, warmUpSeconds: options.warmUp, seconds: options.seconds, tokens, okStatus, onMeasuring });
}

/**
 * Waits until the drain's counter covers every purchase the servers answered 202 and has then
 * stood still for a second (purchases admitted while the load generator hung up were never
 * answered, so the servers' count can fall short of the queue by a few); how long after `since`.
 */
async function waitForDrain(d: Deployment, admitted: number, since: number): Promise<{ ms: number; complete: boolean }> {
  let last = -1;
  let movedAt = performance.now();
  for (;;) {
    const decided = await decidedByDrainers(d).catch(() => last);
    const now = performance.now();
    if (decided !== last) {
      last = decided;
      movedAt = now;
    } else if (decided >= admitted && now - movedAt >= SETTLED_MS) {
      return { ms: Math.max(0, movedAt - since), complete: true };
    } else if (now - movedAt > DRAIN_STALL_MS) {
      return { ms: now - since, complete: false };
    }
    await sleep(100);
  }
}

/** Purchases the drain processes have decided so far (their counters summed). */
async function decidedByDrainers(d: Deployment): Promise<number> {
  const counts = await Promise.all(d.drainerBases.map((base) => decidedSoFar(base)));
  return counts.reduce((sum, n) => sum + n, 0);
}

/** The sale must be over (and, where it can be seen, settled) before the audit looks at it. */
async function waitForSaleEnd(d: Deployment, shop: Shop): Promise<boolean> {
  const deadline = shop.endsAt.getTime() + 60_000;
  if (!d.databaseUrl) {
    await sleep(Math.max(0, shop.endsAt.getTime() + SETTLE_WAIT_MS - Date.now()));
    return true;
  }
  while (Date.now() < deadline) {
    if (await saleSettled(d.databaseUrl, shop.saleId)) return true;
    await sleep(250);
  }
  return false;
}

/** The flashmart processes of a deployment (the worker once it runs). */
function flashmartChildren(d: Deployment): Child[] {
  return [...d.apis, ...d.drainers.filter((drainer) => !d.apis.includes(drainer))];
}

/** The processes whose CPU is reported: flashmart's, and the hello-world server. */
function processes(r: Run): { label: string; pid: number | undefined }[] {
  return [...flashmartChildren(r.d).map((c) => ({ label: c.name, pid: c.process.pid })), { label: 'hello-world', pid: r.hello.pid }];
}

type Snapshot = { cpu: CpuSnapshot; otherTx: number | undefined };

async function snapshot(r: Run): Promise<Snapshot> {
  const otherTx = await otherDatabaseTransactions(r.d.databaseUrl);
  return { cpu: cpuSnapshot(processes(r)), otherTx };
}

/** CPU of a stretch (and the machine's busy CPU seconds in it), with a warning when something else on the machine or the PostgreSQL server took a share of it. */
async function stretch(r: Run, before: Snapshot, what: string): Promise<{ text: string; busySeconds: number }> {
  const after = await snapshot(r);
  const shares = cpuShares(before.cpu, after.cpu);
  if (shares.other > DISTURBED_PCT) r.problems.push(`${what}: ${shares.other.toFixed(0)}% of a core went to other processes on the machine: figures disturbed`);
  if (before.otherTx === undefined || after.otherTx === undefined) return shares;
  const perSec = (after.otherTx - before.otherTx) / ((after.cpu.at - before.cpu.at) / 1000);
  if (perSec > DISTURBED_TX_PER_SEC) r.problems.push(`${what}: other databases on the PostgreSQL server ran ${perSec.toFixed(0)} transactions/s (in "postgres" above): figures disturbed`);
  return { text: `${shares.text}; other databases ${perSec.toFixed(0)} tx/s`, busySeconds: shares.busySeconds };
}

function childLogProblems(d: Deployment): string[] {
  return flashmartChildren(d).flatMap((c) =>
    c.logged.size === 0 ? [] : [`${c.name} logged ${[...c.logged].map(([level, count]) => `${count} ${level}`).join(', ')}; first: ${c.firstProblems.join(' | ')}`],
  );
}

function loadProblems(load: LoadResult, what: string): string[] {
  const problems: string[] = [];
  const fiveXX = [...load.statuses].filter(([code]) => code >= 500).reduce((sum, [, count]) => sum + count, 0);
  if (fiveXX > 0) problems.push(`${what}: ${fiveXX} responses 5xx`);
  if (load.errors > 0) problems.push(`${what}: ${load.errors} connection errors (${load.timeouts} timeouts)`);
  return problems;
}

async function audit(d: Deployment): Promise<{ clean: boolean; lines: string[] }> {
  const result = await runToEnd(['bin/flashmart.mjs', 'audit'], childEnv(0, d.env));
  return { clean: result.code === 0, lines: result.output.trimEnd().split('\n') };
}

async function measureHello(r: Run, tokens: string[]): Promise<{ hello: LoadResult; cpuDuringHello: string }> {
  const { options } = r;
  say(`  ${r.d.mode}: hello-world POST (${options.warmUp} s warm-up + ${options.seconds} s)...`);
  let before = snapshot(r);
  const { measured: hello } = await measureLoad([r.hello.base], '/hello', 200, tokens, options, () => (before = snapshot(r)));
  return { hello, cpuDuringHello: (await stretch(r, await before, 'hello-world')).text };
}

/** "api #1: p99 38 ms, max 43 ms; …" since the previous scrape of each api process. */
async function loopDelays(d: Deployment): Promise<string> {
  const delays = await Promise.all(d.apiBases.map(eventLoopDelay));
  return delays.map((delay, i) => `${d.apis[i]?.name ?? ''}: p99 ${delay.p99.toFixed(0)} ms, max ${delay.max.toFixed(0)} ms`).join('; ');
}

async function measurePurchases(r: Run, shop: Shop) {
  const { d, options } = r;
  const path = `/api/v1/flash-sales/${shop.saleId}/purchases`;
  say(`  ${d.mode}: purchases (${options.warmUp} s warm-up + ${options.seconds} s)...`);
  let before = snapshot(r);
  const onMeasuring = () => {
    before = snapshot(r);
    void loopDelays(d).catch(() => undefined);
  };
  const { warmUpOk, measured: purchases, allConnectedMs, neverAnswered } = await measureLoad(d.apiBases, path, 202, shop.tokens, options, onMeasuring);
  if (neverAnswered > 0 || allConnectedMs > options.warmUp * 1000) {
    r.problems.push(`connections were still waiting for their first answer after the warm-up (slowest ${(allConnectedMs / 1000).toFixed(1)} s, ${neverAnswered} never): new connections were accepted slowly`);
  }
  const connections = `${neverAnswered > 0 ? `${neverAnswered} of ${options.connections} never answered; the others` : `all ${options.connections}`} had a first answer within ${(allConnectedMs / 1000).toFixed(1)} s of the start`;
  const loadEnd = new Date();
  const loadEndedAt = performance.now();
  const cpuDuringLoad = (await stretch(r, await before, 'purchases')).text;
  const loopDelay = await loopDelays(d);
  // Answers still in flight when the load generator stopped reach the servers' counters a moment later.
  await sleep(500);
  const serverAdmitted = await admittedByServers(d.apiBases);
  if (d.drainers.length === 0) say(`  ${d.mode}: starting the worker${options.workers > 1 ? 's' : ''} now (--worker-after-load)...`);
  await d.startDrainers();
  // From here the machine's CPU is the drain's (the api processes idle), its start-up left out.
  const decidedBefore = await decidedByDrainers(d);
  before = snapshot(r);
  const drainWait = await waitForDrain(d, serverAdmitted, loadEndedAt);
  const afterLoad = await stretch(r, await before, 'drain after the load');
  const drainedAfterLoad = { cpuSeconds: afterLoad.busySeconds, orders: (await decidedByDrainers(d)) - decidedBefore };
  return { warmUpAdmitted: warmUpOk, purchases, connections, loadEnd, serverAdmitted, drainWait, cpuDuringLoad, cpuAfterLoad: afterLoad.text, drainedAfterLoad, loopDelay };
}

async function measure(r: Run): Promise<Omit<ModeReport, 'figures' | 'audit' | 'title'> & { shop: Shop; loadEnd: Date }> {
  const { d } = r;
  const prepared = await prepareShop(d, r.options);
  const { hello, cpuDuringHello } = await measureHello(r, prepared.tokens);
  const shop: Shop = { ...(await openSale(d, r.options, prepared)), tokens: prepared.tokens };
  const { drainWait, ...measured } = await measurePurchases(r, shop);
  say(`  ${d.mode}: ${drainWait.complete ? 'drained' : 'drain STALLED'} ${(drainWait.ms / 1000).toFixed(1)} s after the load; waiting for the sale to end...`);
  r.problems.push(...loadProblems(measured.purchases, 'purchases'), ...loadProblems(hello, 'hello-world'));
  if (!drainWait.complete) r.problems.push(`the drain stopped making progress for ${DRAIN_STALL_MS / 1000} s before deciding every admitted purchase`);
  if (!(await waitForSaleEnd(d, shop))) r.problems.push('the sale had not settled a minute after its end');
  return { hello, cpuDuringHello, drainWait, problems: r.problems, shop, ...measured };
}

function consistencyProblems(report: ModeReport, connections: number): string[] {
  const f = report.figures;
  const problems: string[] = [];
  // Each load run leaves at most one request per connection unanswered when it stops.
  const unanswered = f.purchases - report.serverAdmitted;
  if (unanswered < 0 || unanswered > 2 * connections) problems.push(`the api processes answered ${report.serverAdmitted} purchases 202 but ${f.purchases} were decided`);
  if (f.flashOrders !== f.succeeded) problems.push(`${f.succeeded} purchases succeeded but ${f.flashOrders} flash orders exist`);
  if (f.failed.size > 0) problems.push(`purchases failed in the drain: ${[...f.failed].map(([reason, count]) => `${count} ${reason}`).join(', ')}`);
  return problems;
}

export async function runMode(mode: Mode, options: Options, hello: HelloServer): Promise<ModeReport> {
  say(`\n${mode}: starting flashmart...`);
  const nodeArgs = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  const d = mode === 'distributed' ? await deployDistributed(options.apiProcesses, options.workers, nodeArgs, options.workerAfterLoad) : await deployEmbedded(nodeArgs);
  try {
    const m = await measure({ d, options, hello, problems: [] });
    await d.stopProcesses();
    const batch = Number(d.env.FLASHMART_FLASH_DRAIN_BATCH ?? 500);
    const figures = await readDrainFigures(d, m.shop.saleId, m.loadEnd, batch);
    const report: ModeReport = { ...m, title: title(d, options), figures, audit: await audit(d) };
    report.problems.push(...consistencyProblems(report, options.connections), ...childLogProblems(d));
    return report;
  } finally {
    await d.stopProcesses();
    await d.cleanUp();
  }
}
