// The load of bench/flash.bench.ts: autocannon (as bench:http uses it) in this process, POSTs
// with a JSON body and a Bearer token per request, rotated over the buyers: connection k cycles
// through its own share of the tokens (buyers k, k + C, k + 2C, …), requests prebuilt once, so
// rotating costs the load generator nothing per request. Several URLs (api processes) share
// the connections round-robin (autocannon: connection k goes to url k mod n).
// The warm-up and the measurement are one run on the same connections: only the responses after
// the warm-up count. (Separate runs would reconnect every connection at the start of the
// measurement, and a server whose event loop is busy accepts about one connection per turn.)
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { percentile } from './bench-kit.js';

/** The part of autocannon's programmatic API used here (the package ships no types). */
type CannonRequest = { method: string; path: string; headers: Record<string, string>; body: string };
type CannonClient = { setRequests(requests: CannonRequest[]): void };
type CannonRun = Promise<unknown> & {
  stop(): void;
  on(event: 'response', listener: (client: CannonClient, status: number, bytes: number, ms: number) => void): void;
  on(event: 'reqError', listener: (error: Error) => void): void;
};
type Cannon = (options: { url: string[]; connections: number; duration: number; timeout: number; setupClient(client: CannonClient): void }) => CannonRun;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

/** Purchase bodies: one unit each (the default quantity). */
const PURCHASE_BODY = '{}';

export interface LoadPlan {
  /** Base URLs (http://host:port), one per server process. */
  bases: string[];
  path: string;
  connections: number;
  warmUpSeconds: number;
  seconds: number;
  /** Bearer tokens to rotate over. */
  tokens: string[];
  /** The status that counts as done (200 for the hello-world, 202 for an admitted purchase). */
  okStatus: number;
  /** Called when the warm-up is over and the measurement begins. */
  onMeasuring?: () => void;
}

export interface LoadResult {
  seconds: number;
  /** Responses with plan.okStatus, and those per second. */
  ok: number;
  okPerSec: number;
  /** Responses by status code (all of them, okStatus included). */
  statuses: Map<number, number>;
  /** Latency of every response, whatever its status, ms. */
  p50: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
}

let running: CannonRun | undefined;
let stopped = false;

/** Ctrl-C: stop the load now; no further one starts. */
export function stopLoad(): void {
  stopped = true;
  running?.stop();
}

/** The tokens connection k cycles through. */
function shareOf(tokens: string[], connections: number, k: number): string[] {
  if (tokens.length === 0) throw new Error('no tokens to send');
  if (tokens.length <= connections) return [tokens[k % tokens.length] ?? ''];
  return tokens.filter((_, j) => j % connections === k);
}

/** Tallies of one stretch of the run. */
class Tally {
  readonly statuses = new Map<number, number>();
  readonly latencies: number[] = [];
  errors = 0;
  timeouts = 0;

  result(seconds: number, okStatus: number): LoadResult {
    const sorted = Float64Array.from(this.latencies).sort();
    const ok = this.statuses.get(okStatus) ?? 0;
    const max = sorted.length > 0 ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN;
    return { seconds, ok, okPerSec: ok / seconds, statuses: this.statuses, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max, errors: this.errors, timeouts: this.timeouts };
  }
}

export interface FireResult {
  /** okStatus responses during the warm-up. */
  warmUpOk: number;
  measured: LoadResult;
  /** When the slowest connection got its first answer, ms after the start (a busy server accepts slowly). */
  allConnectedMs: number;
  /** Connections that never got an answer. */
  neverAnswered: number;
}

/** One run of warmUpSeconds + seconds: the warm-up's okStatus count, the rest's figures. */
export async function fire(plan: LoadPlan): Promise<FireResult> {
  if (stopped) throw new Error('interrupted');
  let next = 0;
  const setupClient = (client: CannonClient) => {
    const share = shareOf(plan.tokens, plan.connections, next++ % plan.connections);
    client.setRequests(
      share.map((token) => ({ method: 'POST', path: plan.path, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: PURCHASE_BODY })),
    );
  };
  const warmUp = new Tally();
  const measured = new Tally();
  let measuredFrom = Number.POSITIVE_INFINITY;
  const startMeasuring = () => {
    measuredFrom = performance.now();
    plan.onMeasuring?.();
  };
  const url = plan.bases.map((base) => `${base}${plan.path}`);
  const began = performance.now();
  const firstAnswer = new Map<CannonClient, number>();
  const run = autocannon({ url, connections: plan.connections, duration: plan.warmUpSeconds + plan.seconds, timeout: 10, setupClient });
  running = run;
  if (plan.warmUpSeconds === 0) startMeasuring();
  const warmUpTimer = plan.warmUpSeconds > 0 ? setTimeout(startMeasuring, plan.warmUpSeconds * 1000) : undefined;
  const tallyNow = () => (performance.now() >= measuredFrom ? measured : warmUp);
  run.on('response', (client, status, _bytes, ms) => {
    if (!firstAnswer.has(client)) firstAnswer.set(client, performance.now() - began);
    const tally = tallyNow();
    tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
    tally.latencies.push(ms);
  });
  run.on('reqError', (error) => {
    const tally = tallyNow();
    tally.errors += 1;
    if (error.message === 'request timed out') tally.timeouts += 1;
  });
  try {
    await run;
  } finally {
    clearTimeout(warmUpTimer);
    running = undefined;
  }
  const seconds = Number.isFinite(measuredFrom) ? (performance.now() - measuredFrom) / 1000 : 0;
  return {
    warmUpOk: warmUp.statuses.get(plan.okStatus) ?? 0,
    measured: measured.result(seconds, plan.okStatus),
    allConnectedMs: Math.max(0, ...firstAnswer.values()),
    neverAnswered: plan.connections - firstAnswer.size,
  };
}

/** "0" or "12 × 409, 3 × 429": the responses other than okStatus. */
export function otherStatuses(result: LoadResult, okStatus: number): string {
  const others = [...result.statuses].filter(([code]) => code !== okStatus).sort(([a], [b]) => a - b);
  return others.length === 0 ? '0' : others.map(([code, n]) => `${n} × ${code}`).join(', ');
}
