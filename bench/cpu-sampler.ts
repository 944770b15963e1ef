// Where the CPU went during a stretch of a benchmark (Linux /proc; elsewhere it says nothing):
// CPU time of each named child, of the local PostgreSQL, Redis and RabbitMQ servers, and of the
// bench process itself (the load generator), as a share of one core.
import fs from 'node:fs';
import os from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on every mainstream Linux). */
const TICKS_PER_SECOND = 100;
const SERVICES: Record<string, string> = { postgres: 'postgres', 'redis-server': 'redis', 'beam.smp': 'rabbitmq' };

export interface CpuSnapshot {
  at: number;
  /** CPU seconds by label. */
  seconds: Map<string, number>;
  /** Idle and busy seconds of the whole machine (all cores); irq: interrupt handling, part of busy. */
  idle: number;
  busy: number;
  irq: number;
}

function processSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function serviceSeconds(into: Map<string, number>): void {
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return;
  }
  for (const pid of pids) {
    let comm: string;
    try {
      comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    const label = SERVICES[comm];
    if (label) into.set(label, (into.get(label) ?? 0) + processSeconds(Number(pid)));
  }
}

function machineSeconds(): { idle: number; busy: number; irq: number } {
  try {
    // user nice system idle iowait irq softirq steal
    const fields = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const busy = fields.reduce((a, b) => a + b, 0) - idle;
    return { idle: idle / TICKS_PER_SECOND, busy: busy / TICKS_PER_SECOND, irq: ((fields[5] ?? 0) + (fields[6] ?? 0)) / TICKS_PER_SECOND };
  } catch {
    return { idle: Number.NaN, busy: Number.NaN, irq: Number.NaN };
  }
}

/** CPU seconds so far of each labelled process, the services and this process. */
export function cpuSnapshot(processes: { label: string; pid: number | undefined }[], ownLabel = 'load generator (bench)'): CpuSnapshot {
  const seconds = new Map<string, number>();
  for (const { label, pid } of processes) if (pid !== undefined) seconds.set(label, processSeconds(pid));
  serviceSeconds(seconds);
  const own = process.cpuUsage();
  seconds.set(ownLabel, (own.user + own.system) / 1e6);
  return { at: performance.now(), seconds, ...machineSeconds() };
}

export interface CpuShares {
  /** "api #1 96%, postgres 41%, …, other 9%; machine idle 12% (of 200%)". */
  text: string;
  /** % of one core used by nothing labelled, interrupt handling aside: other processes, mostly. */
  other: number;
  /** CPU seconds the whole machine was busy (all cores, everything on it). */
  busySeconds: number;
}

/** Between two snapshots, in % of one core, busiest first. */
export function cpuShares(before: CpuSnapshot, after: CpuSnapshot): CpuShares {
  const elapsed = (after.at - before.at) / 1000;
  if (elapsed <= 0 || Number.isNaN(after.busy)) return { text: 'n/a', other: 0, busySeconds: Number.NaN };
  const pct = (seconds: number) => (seconds / elapsed) * 100;
  const shares = [...after.seconds].map(([label, s]) => [label, pct(s - (before.seconds.get(label) ?? 0))] as const);
  // The loopback network stack runs largely in softirq, which no process is charged for.
  const irq = pct(after.irq - before.irq);
  const other = pct(after.busy - before.busy) - irq - shares.reduce((sum, [, p]) => sum + p, 0);
  const listed = [...shares, ['kernel irq/softirq', irq] as const, ['other', other] as const]
    .filter(([, p]) => p >= 0.5)
    .sort(([, a], [, b]) => b - a)
    .map(([label, p]) => `${label} ${p.toFixed(0)}%`);
  return { text: `${listed.join(', ')}; machine idle ${pct(after.idle - before.idle).toFixed(0)}% (of ${100 * os.cpus().length}%)`, other, busySeconds: after.busy - before.busy };
}
