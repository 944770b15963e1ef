// Shared pieces of the service-level benchmarks: closed-loop callers, latency percentiles,
// error tallies and the results table.
import { performance } from 'node:perf_hooks';
import { AppError } from '../src/platform/http/index.js';

export type Outcome = { perSec: number; p50: number; p99: number; ok: number; refused: Map<string, number>; errors: Map<string, number> };
export type Call = (reference: string) => Promise<void>;

export const say = (line: string) => process.stdout.write(`${line}\n`);

let interrupted = false;

/**
 * Runs a benchmark's `main` and exits: 1 when it failed or cleared `ok` (an unclean audit),
 * 130 when Ctrl-C stopped the callers (its finally blocks still clean up).
 */
export function runBench(main: () => Promise<boolean>): void {
  process.once('SIGINT', () => {
    interrupted = true;
  });
  main().then(
    (ok) => process.exit(ok ? (interrupted ? 130 : 0) : 1),
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}

export function positiveInt(raw: string, flag: string, min = 1): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${flag} must be a whole number >= ${min}, got "${raw}"`);
  return value;
}

export function errorKey(error: unknown): string {
  if (error instanceof AppError) return error.code;
  if (typeof error === 'object' && error !== null && 'code' in error) return `sqlstate ${String((error as { code: unknown }).code)}`;
  return error instanceof Error ? error.message : String(error);
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

/**
 * `callers` async loops calling `call` until `seconds` have passed; the latency of each
 * success. AppErrors whose code is in `expected` (a business refusal such as
 * insufficient_funds) are tallied apart from real errors.
 */
export async function load(callers: number, seconds: number, prefix: string, call: Call, expected: string[] = []): Promise<Outcome> {
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const refused = new Map<string, number>();
  let sequence = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const caller = async (): Promise<void> => {
    while (!interrupted && performance.now() < end) {
      const began = performance.now();
      try {
        await call(`${prefix}:${sequence++}`);
        latencies.push(performance.now() - began);
      } catch (error) {
        const key = errorKey(error);
        const tally = expected.includes(key) ? refused : errors;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  const elapsed = (performance.now() - start) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return { perSec: latencies.length / elapsed, p50: percentile(sorted, 50), p99: percentile(sorted, 99), ok: latencies.length, refused, errors };
}

const tally = (counts: Map<string, number>) => (counts.size === 0 ? '0' : [...counts].map(([k, n]) => `${n} ${k}`).join(', '));

export type Row = { scenario: string; outcome: Outcome; target: number | undefined };

/** Prints the results table; `unit` names the rate column (tx/s, orders/s). */
export function printTable(rows: Row[], unit: string, refusedLabel: string): void {
  const header = ['scenario', unit, 'p50 ms', 'p99 ms', 'done', refusedLabel, 'other errors', 'target'];
  const cells = rows.map(({ scenario, outcome: o, target }) => [
    scenario,
    o.perSec.toFixed(0),
    o.p50.toFixed(1),
    o.p99.toFixed(1),
    String(o.ok),
    tally(o.refused),
    tally(o.errors),
    target === undefined ? '' : `${o.perSec >= target ? 'ok' : 'MISSED'} (>= ${target})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ');
  say(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}`);
  for (const c of cells) say(line(c));
}
