/**
 * `npm run bench:http -- [--duration 10] [--connections 100] [--mode embedded|distributed] [--profile DIR]`
 * req/s and p50/p99 of `GET /api/v1/me` (valid bearer token) per mode, next to a bare Fastify
 * hello-world measured in the same run; target: me/hello >= 50%. Every server is a child process
 * so autocannon, CPU-hungry itself, does not share their event loop. --profile DIR runs the
 * flashmart child with --cpu-prof (the profile is written when the child exits).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { APP_CONSUMER_GROUPS, cleanUpNamespace, createTestDatabase, uniqueName } from '../test/support/harness.js';
import { SERVICE_URLS, portAnswers } from '../test/support/services.js';
import { childEnv, freePort, signalAllChildren, startChild, stopChild, waitUntilAnswering, type Child } from './bench-processes.js';

/** The part of autocannon's programmatic API used here (the package ships no types). */
type CannonResult = { requests: { average: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number; timeouts: number };
type CannonRun = Promise<CannonResult> & { stop(): void };
type Cannon = (options: { url: string; connections: number; duration: number; headers: Record<string, string> }) => CannonRun;
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

type Mode = 'embedded' | 'distributed';
const MODES: readonly Mode[] = ['embedded', 'distributed'];
const WARM_UP_SECONDS = 2;
const TARGET_RATIO = 0.5;

type Options = { duration: number; connections: number; modes: Mode[]; profileDir: string | undefined };
type Measurement = { reqPerSec: number; p50: number; p99: number };
type Row = Measurement & { mode: Mode; target: string; ratio: number | undefined };

/** output: the last chunks it printed, so a child that fails to start can say why. */

let running: CannonRun | undefined;
let interrupted = false;

const isMode = (value: string): value is Mode => (MODES as readonly string[]).includes(value);
const say = (line: string) => process.stdout.write(`${line}\n`);

function positiveInt(raw: string, flag: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a whole number >= 1, got "${raw}"`);
  return value;
}

function readOptions(): Options {
  const flags = { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '100' }, mode: { type: 'string' }, profile: { type: 'string' } } as const;
  const { values } = parseArgs({ options: flags });
  if (values.mode !== undefined && !isMode(values.mode)) throw new Error(`--mode must be one of ${MODES.join(', ')}`);
  return {
    duration: positiveInt(values.duration, '--duration'),
    connections: positiveInt(values.connections, '--connections'),
    modes: values.mode ? [values.mode] : [...MODES],
    profileDir: values.profile === undefined ? undefined : path.resolve(values.profile),
  };
}

async function registerUser(base: string): Promise<string> {
  const username = `bench_${randomBytes(6).toString('hex')}`;
  const response = await fetch(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'bench-password-1' }),
  });
  const body = (await response.json()) as { accessToken?: unknown };
  if (response.status !== 201 || typeof body.accessToken !== 'string') throw new Error(`register answered ${response.status}: ${JSON.stringify(body)}`);
  return body.accessToken;
}

async function cannon(url: string, connections: number, duration: number, headers: Record<string, string>): Promise<CannonResult> {
  if (interrupted) throw new Error('interrupted');
  running = autocannon({ url, connections, duration, headers });
  try {
    return await running;
  } finally {
    running = undefined;
  }
}

async function measure(url: string, options: Options, headers: Record<string, string> = {}): Promise<Measurement> {
  // The warm-up lets V8 optimise the hot path before the numbers count.
  await cannon(url, options.connections, WARM_UP_SECONDS, headers);
  const result = await cannon(url, options.connections, options.duration, headers);
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) say(`  warning: ${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  return { reqPerSec: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

type Deployment = { env: Record<string, string>; cleanUp(): Promise<void> };

function embeddedDeployment(): Deployment {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashmart-bench-'));
  return { env: { FLASHMART_DATA_DIR: dataDir }, cleanUp: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
}

async function distributedDeployment(): Promise<Deployment> {
  const namespace = uniqueName('fmbench');
  const database = await createTestDatabase();
  return {
    env: { DATABASE_URL: database.url, REDIS_URL: SERVICE_URLS.redis, AMQP_URL: SERVICE_URLS.amqp, FLASHMART_NAMESPACE: namespace, FLASHMART_ROLE: 'all' },
    async cleanUp() {
      await cleanUpNamespace(namespace, APP_CONSUMER_GROUPS).catch((error: unknown) => say(`  cleanup of namespace ${namespace} failed: ${String(error)}`));
      await database.drop();
    },
  };
}

async function servicesAnswer(): Promise<boolean> {
  const answers = await Promise.all([portAnswers(SERVICE_URLS.database, 5432), portAnswers(SERVICE_URLS.redis, 6379), portAnswers(SERVICE_URLS.amqp, 5672)]);
  return answers.every(Boolean);
}

/** Hello and me are measured back to back for each mode, so the ratio compares like with like. */
async function runMode(mode: Mode, helloUrl: string, options: Options): Promise<Row[]> {
  const deployment = mode === 'embedded' ? embeddedDeployment() : await distributedDeployment();
  let child: Child | undefined;
  try {
    const port = await freePort();
    const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
    child = startChild(`flashmart (${mode})`, [...profile, 'bin/flashmart.mjs', 'start'], childEnv(port, deployment.env));
    const base = `http://127.0.0.1:${port}`;
    await waitUntilAnswering(child, `${base}/healthz`);
    const token = await registerUser(base);
    const hello = await measure(helloUrl, options);
    const me = await measure(`${base}/api/v1/me`, options, { authorization: `Bearer ${token}` });
    const ratio = me.reqPerSec / hello.reqPerSec;
    return [{ mode, target: 'GET /hello', ...hello, ratio: undefined }, { mode, target: 'GET /api/v1/me', ...me, ratio }];
  } finally {
    if (child) await stopChild(child);
    await deployment.cleanUp();
  }
}

function printTable(rows: Row[]): void {
  const header = ['mode', 'target', 'req/s', 'p50 ms', 'p99 ms', 'ratio vs hello'];
  const verdict = (ratio: number) => `${(ratio * 100).toFixed(1)}% ${ratio >= TARGET_RATIO ? '(ok)' : `(below ${TARGET_RATIO * 100}%)`}`;
  const cells = rows.map((r) => [r.mode, r.target, r.reqPerSec.toFixed(0), String(r.p50), String(r.p99), r.ratio === undefined ? '' : verdict(r.ratio)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ');
  say(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}`);
  for (const c of cells) say(line(c));
}

async function runModes(options: Options, helloUrl: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (const mode of options.modes) {
    if (mode === 'distributed' && !(await servicesAnswer())) {
      say(`distributed: SKIPPED, PostgreSQL/Redis/RabbitMQ do not all answer (${SERVICE_URLS.database}, ${SERVICE_URLS.redis}, ${new URL(SERVICE_URLS.amqp).host})`);
      continue;
    }
    say(`${mode}: measuring /hello then /api/v1/me (${WARM_UP_SECONDS} s warm-up + ${options.duration} s each)...`);
    try {
      rows.push(...(await runMode(mode, helloUrl, options)));
    } catch (error) {
      process.exitCode = 1;
      say(`${mode}: FAILED: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const options = readOptions();
  say(`GET /api/v1/me vs hello-world: ${options.connections} connections, ${options.duration} s, node ${process.version}, ${os.cpus().length} CPUs`);
  const helloPort = await freePort();
  const hello = startChild('hello-world', ['--import', 'tsx', 'bench/hello-server.ts'], childEnv(helloPort));
  const helloUrl = `http://127.0.0.1:${helloPort}/hello`;
  try {
    await waitUntilAnswering(hello, helloUrl);
    printTable(await runModes(options, helloUrl));
  } finally {
    await stopChild(hello);
  }
}

// Ctrl-C: stop the load and the servers; the finally blocks still drop the database.
process.once('SIGINT', () => {
  interrupted = true;
  running?.stop();
  signalAllChildren('SIGTERM');
});
// Last resort if the bench itself crashes: no server outlives it.
process.once('exit', () => {
  signalAllChildren('SIGKILL');
});

main().then(
  () => process.exit(process.exitCode ?? (interrupted ? 130 : 0)),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
