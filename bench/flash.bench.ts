// `npm run bench:flash [-- --mode distributed|embedded|both] [--api-processes 1] [--workers 1] [--seconds 15]
//                          [--connections 200] [--buyers 2000] [--warm-up 2] [--worker-after-load]
//                          [--profile DIR]`
//
// One flash sale of 1,000,000 units (per-user limit 1,000,000, no per-user rate limit) and
// `buyers` registered buyers; autocannon (in this process) POSTs purchases with `connections`
// connections for `seconds`, each request with the Bearer token of one of the buyers (rotated).
// Figures per mode: admission req/s (202s only) as a share of a bare Fastify POST measured with
// the same load in the same run, p50/p99 latency, the drain's orders/s (from the purchases'
// decided_at, over the seconds it had a backlog), how long the queue took to empty after the
// load, end-to-end p99 (accepted_at → decided_at), and `flashmart audit`.
//   distributed  N `--role api` processes (the connections spread over them round-robin) and
//                `--workers` `--role worker` (default 1), on a fresh PostgreSQL database, Redis and RabbitMQ
//   embedded     one `--role all` process, PGlite in a fresh data folder, in-process hot store
// --worker-after-load (distributed) holds the worker back until the load is over: the drain then
// works off the whole queue alone, its rate with a backlog (a drain that keeps up with admission
// never shows it: its rate is then admission's).
// Exit 0 even when targets are missed (it is a measurement); 1 when the bench failed or an
// audit is not clean. FLASHMART_FLASH_DRAIN_BATCH / _LOOPS and FLASHMART_DB_POOL_SIZE, when
// set, are passed on to the flashmart processes. --profile DIR runs them with --cpu-prof (each
// writes its profile to DIR when it stops).
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { positiveInt, runBench, say } from './bench-kit.js';
import { childEnv, freePort, signalAllChildren, startChild, stopChild, waitUntilAnswering, type Child } from './bench-processes.js';
import { stopLoad } from './flash-load.js';
import { printModeTable, printSummary, type ModeReport } from './flash-report.js';
import { runMode, type HelloServer, type Options } from './flash-run.js';
import type { Mode } from './flash-setup.js';
import { portAnswers, SERVICE_URLS } from '../test/support/services.js';

const MODES: readonly Mode[] = ['distributed', 'embedded'];

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'both' },
      'api-processes': { type: 'string', default: '1' },
      workers: { type: 'string', default: '1' },
      seconds: { type: 'string', default: '15' },
      connections: { type: 'string', default: '200' },
      buyers: { type: 'string', default: '2000' },
      'warm-up': { type: 'string', default: '2' },
      'worker-after-load': { type: 'boolean', default: false },
      profile: { type: 'string' },
    },
  });
  const mode = values.mode;
  if (mode !== 'both' && !(MODES as readonly string[]).includes(mode)) throw new Error(`--mode must be distributed, embedded or both, got "${mode}"`);
  return {
    modes: mode === 'both' ? [...MODES] : [mode as Mode],
    apiProcesses: positiveInt(values['api-processes'], '--api-processes'),
    workers: positiveInt(values.workers, '--workers'),
    seconds: positiveInt(values.seconds, '--seconds'),
    connections: positiveInt(values.connections, '--connections'),
    buyers: positiveInt(values.buyers, '--buyers'),
    warmUp: positiveInt(values['warm-up'], '--warm-up', 0),
    workerAfterLoad: values['worker-after-load'],
    profileDir: values.profile === undefined ? undefined : path.resolve(values.profile),
  };
}

async function servicesAnswer(): Promise<boolean> {
  const answers = await Promise.all([portAnswers(SERVICE_URLS.database, 5432), portAnswers(SERVICE_URLS.redis, 6379), portAnswers(SERVICE_URLS.amqp, 5672)]);
  return answers.every(Boolean);
}

async function startHello(): Promise<{ child: Child; server: HelloServer }> {
  const port = await freePort();
  const child = startChild('hello-world', ['--import', 'tsx', 'bench/hello-post-server.ts'], childEnv(port));
  const base = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(child, `${base}/hello`, { method: 'POST' });
  return { child, server: { base, pid: child.process.pid } };
}

/** Runs the modes one after the other; false when one failed or its audit was not clean. */
async function runModes(options: Options, hello: HelloServer): Promise<boolean> {
  let ok = true;
  const reports: { mode: Mode; report: ModeReport }[] = [];
  for (const mode of options.modes) {
    if (mode === 'distributed' && !(await servicesAnswer())) {
      say(`distributed: SKIPPED, PostgreSQL/Redis/RabbitMQ do not all answer (${SERVICE_URLS.database}, ${SERVICE_URLS.redis}, ${new URL(SERVICE_URLS.amqp).host})`);
      ok = ok && options.modes.length > 1;
      continue;
    }
    try {
      const report = await runMode(mode, options, hello);
      printModeTable(report);
      reports.push({ mode, report });
      ok = ok && report.audit.clean && report.drainWait.complete;
    } catch (error) {
      ok = false;
      say(`${mode}: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  printSummary(reports);
  return ok;
}

async function main(): Promise<boolean> {
  const options = readOptions();
  say(
    `flash sale: 1,000,000 units, ${options.buyers} buyers, ${options.connections} connections, ${options.warmUp} s warm-up + ${options.seconds} s; ` +
      `modes ${options.modes.join(', ')}${options.modes.includes('distributed') ? ` (${options.apiProcesses} api process${options.apiProcesses > 1 ? 'es' : ''})` : ''}; node ${process.version}, ${os.cpus().length} CPUs`,
  );
  const hello = await startHello();
  try {
    return await runModes(options, hello.server);
  } finally {
    await stopChild(hello.child);
  }
}

// Ctrl-C: stop the load and the servers; the finally blocks still drop the database.
process.once('SIGINT', () => {
  stopLoad();
  signalAllChildren('SIGTERM');
});
// Last resort if the bench itself crashes: no server outlives it.
process.once('exit', () => signalAllChildren('SIGKILL'));

runBench(main);
