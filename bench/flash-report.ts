// The results of bench/flash.bench.ts: one table per mode (figure, measured, target), then
// which targets each mode met.
import os from 'node:os';
import { say } from './bench-kit.js';
import type { DrainFigures } from './flash-figures.js';
import { otherStatuses, type LoadResult } from './flash-load.js';

/** The issue's targets on this 2-core machine. */
export const TARGETS = { admissionVsHello: 0.6, p99Ms: 25, drainPerSec: 20_000 } as const;

export interface ModeReport {
  title: string;
  hello: LoadResult;
  purchases: LoadResult;
  /** Purchases admitted during the warm-up (same sale, before the measured load). */
  warmUpAdmitted: number;
  /** 202s the api processes sent in all (the load generator misses those in flight when it stops). */
  serverAdmitted: number;
  /** How long after the load the drain's counter reached every admitted purchase. */
  drainWait: { ms: number; complete: boolean };
  figures: DrainFigures;
  cpuDuringHello: string;
  /** Event-loop delay of each api process during the measured load. */
  loopDelay: string;
  /** How soon every connection of the purchase load had its first answer. */
  connections: string;
  cpuDuringLoad: string;
  cpuAfterLoad: string;
  /** From the moment the drain processes answered after the load until the queue was empty: purchases decided, and the whole machine's busy CPU seconds. */
  drainedAfterLoad: { orders: number; cpuSeconds: number };
  audit: { clean: boolean; lines: string[] };
  /** Anything that looked wrong (errors, 5xx, a drain that did not finish, unexpected refusals). */
  problems: string[];
}

export type Verdicts = { admission: boolean; p99: boolean; drain: boolean | undefined; audit: boolean };

const n = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : 'n/a');
const verdict = (met: boolean | undefined, what: string) => `${met === undefined ? 'n/a' : met ? 'ok' : 'MISSED'} (${what})`;

export function verdictsOf(r: ModeReport): Verdicts {
  const rate = r.figures.backloggedRate;
  return {
    admission: r.purchases.okPerSec >= TARGETS.admissionVsHello * r.hello.okPerSec,
    p99: r.purchases.p99 <= TARGETS.p99Ms,
    drain: rate === undefined ? undefined : rate >= TARGETS.drainPerSec,
    audit: r.audit.clean,
  };
}

function drainRows(r: ModeReport, v: Verdicts): string[][] {
  const f = r.figures;
  const target = verdict(v.drain, `>= ${n(TARGETS.drainPerSec)} orders/s`);
  const drain =
    f.backloggedRate === undefined
      ? [`drain (never a full batch behind)`, `kept up with admission; peak ${n(f.peakRate)} orders/s in 1 s`, `${target}: no backlog to measure it on (--worker-after-load gives it one)`]
      : [`drain (${f.backloggedSeconds} s with a backlog)`, `${n(f.backloggedRate)} orders/s (peak 1 s: ${n(f.peakRate)})`, target];
  const after =
    f.backlogAtLoadEnd === 0
      ? 'nothing left to decide when the load stopped'
      : `${n(f.backlogAtLoadEnd)} still queued at the end of the load, all decided ${(f.drainedAfterLoadMs / 1000).toFixed(1)} s later${f.afterLoadRate === undefined ? '' : ` (${n(f.afterLoadRate)} orders/s)`}`;
  const failed = [...f.failed].map(([reason, count]) => `${n(count)} ${reason}`).join(', ') || '0';
  return [
    drain,
    ['drain after the load', `${after}; max backlog ${n(f.maxBacklog)}`, ''],
    ...drainCostRow(r),
    ['end-to-end (accepted → order)', `p50 ${n(f.e2eP50)} ms, p99 ${n(f.e2eP99)} ms (max ${n(f.e2eMax)} ms)`, ''],
    [
      'purchases',
      `${n(f.purchases)} decided (${n(r.serverAdmitted)} answered 202 by the api processes, ${n(r.warmUpAdmitted)} of them in the warm-up): ${n(f.succeeded)} orders (${n(f.flashOrders)} in the orders table), failed ${failed}`,
      '',
    ],
  ];
}

/** Purchases decided after the load worth a per-order cost (some seconds of drain work). */
const COSTED_BACKLOG = 10_000;

/**
 * The drain's whole cost per order: every CPU second of the machine (worker, PostgreSQL, Redis,
 * RabbitMQ, kernel) while it worked off the queue after the load, over the purchases it decided
 * meanwhile; and the rate the machine's cores would give at that cost if nothing waited on
 * anything. Only with a backlog of some seconds (--worker-after-load gives one).
 */
function drainCostRow(r: ModeReport): string[][] {
  const { orders, cpuSeconds } = r.drainedAfterLoad;
  if (orders < COSTED_BACKLOG || !Number.isFinite(cpuSeconds)) return [];
  const perOrder = cpuSeconds / orders;
  const cores = os.cpus().length;
  return [['CPU per order drained', `${n(perOrder * 1e6)} µs of the machine's CPU per order: at that cost its ${cores} cores fully busy would decide at most ${n(cores / perOrder)} orders/s`, '']];
}

function rowsOf(r: ModeReport): string[][] {
  const v = verdictsOf(r);
  const { hello: h, purchases: p } = r;
  const ratio = p.okPerSec / h.okPerSec;
  const errors = (l: LoadResult) => `${n(l.errors)} errors, ${n(l.timeouts)} timeouts`;
  return [
    ['hello-world POST (same run)', `${n(h.okPerSec)} req/s, p50 ${ms(h.p50)} ms, p99 ${ms(h.p99)} ms; non-200: ${otherStatuses(h, 200)}, ${errors(h)}`, ''],
    ['admission (202 only)', `${n(p.okPerSec)} req/s = ${(ratio * 100).toFixed(1)}% of hello-world`, verdict(v.admission, `>= ${TARGETS.admissionVsHello * 100}% of hello-world`)],
    ['purchase latency', `p50 ${ms(p.p50)} ms, p99 ${ms(p.p99)} ms (max ${n(p.max)} ms)`, verdict(v.p99, `p99 <= ${TARGETS.p99Ms} ms`)],
    ['event-loop delay during the load', r.loopDelay, ''],
    ['connections (warm-up included)', r.connections, ''],
    ['purchase responses', `${n(p.ok)} × 202; non-202: ${otherStatuses(p, 202)}; ${errors(p)}`, ''],
    ...drainRows(r, v),
    ['sale afterwards', `${r.figures.sale.state}${r.figures.sale.settled ? ', settled' : ', not settled'}: stock ${n(r.figures.sale.stock)}, returned to the SKU ${n(r.figures.sale.returnedToSku)}; outbox ${n(r.figures.outboxWaiting)} waiting`, ''],
    ['CPU during hello-world', r.cpuDuringHello, ''],
    ['CPU during the load', r.cpuDuringLoad, ''],
    ['CPU while draining after it', r.cpuAfterLoad, ''],
    ['audit (flashmart audit)', r.audit.clean ? (r.audit.lines.at(-1) ?? 'clean') : 'NOT CLEAN (its report below)', verdict(v.audit, 'clean')],
  ];
}

export function printModeTable(r: ModeReport): void {
  const header = ['figure', 'measured', 'target'];
  const cells = rowsOf(r);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: string[]) => c.map((value, i) => value.padEnd(widths[i] ?? 0)).join(' | ').trimEnd();
  say(`\n${r.title}`);
  say(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}`);
  for (const c of cells) say(line(c));
  if (!r.audit.clean) say(`audit report:\n${r.audit.lines.filter((l) => !l.startsWith('ok ')).map((l) => `  ${l}`).join('\n')}`);
  if (r.problems.length > 0) say(`problems:\n${r.problems.map((p) => `  - ${p}`).join('\n')}`);
}

export function printSummary(reports: { mode: string; report: ModeReport }[]): void {
  if (reports.length === 0) return;
  say(`\ntargets on this machine: admission >= ${TARGETS.admissionVsHello * 100}% of hello-world req/s, p99 <= ${TARGETS.p99Ms} ms, drain >= ${n(TARGETS.drainPerSec)} orders/s, audit clean`);
  for (const { mode, report } of reports) {
    const v = verdictsOf(report);
    const mark = (met: boolean | undefined) => (met === undefined ? 'n/a' : met ? 'met' : 'MISSED');
    say(`  ${mode.padEnd(12)} admission ${mark(v.admission)}, p99 ${mark(v.p99)}, drain ${mark(v.drain)}, audit ${v.audit ? 'clean' : 'NOT CLEAN'}`);
  }
}
