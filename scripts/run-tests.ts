/**
 * `npm test`: runs every *.test.ts with node's test runner. The real-service suites run
 * when PostgreSQL, Redis and RabbitMQ answer at their default local addresses; otherwise
 * they are skipped, loudly. FLASHMART_REQUIRE_SERVICES=1 (set by .ci/run) makes them required.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SERVICE_URLS, portAnswers } from '../test/support/services.js';

function findTests(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const requested = process.argv.slice(2);
const files = requested.length > 0 ? requested : [...findTests('src'), ...findTests('test')].sort();

const checks = [
  { name: 'PostgreSQL', url: SERVICE_URLS.database, port: 5432 },
  { name: 'Redis', url: SERVICE_URLS.redis, port: 6379 },
  { name: 'RabbitMQ', url: SERVICE_URLS.amqp, port: 5672 },
];
const missingServices: string[] = [];
for (const check of checks) if (!(await portAnswers(check.url, check.port))) missingServices.push(`${check.name} (${new URL(check.url).host})`);
const missing = [...missingServices];

const required = process.env.FLASHMART_REQUIRE_SERVICES === '1';
// The browser tests drive the built web app: rebuild it when a source is newer than the build.
const build = spawnSync(process.execPath, ['scripts/build-web.mjs', '--if-stale'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!fs.existsSync(chromium)) {
  if (required) {
    process.stderr.write(`FLASHMART_REQUIRE_SERVICES=1 but Chromium is missing at ${chromium} (apt-get install -y chromium)\n`);
    process.exit(1);
  }
  missing.push(`Chromium (${chromium}: the browser tests are skipped)`);
}
let skippedNotice = '';
if (missing.length > 0) {
  if (required) {
    process.stderr.write(`FLASHMART_REQUIRE_SERVICES=1 but these services do not answer: ${missing.join(', ')}\n`);
    process.exit(1);
  }
  skippedNotice = [
    '',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    `!! SKIPPED: the suites that need what is missing (real-service scenarios, browser tests).`,
    `!! Missing: ${missing.join(', ')}.`,
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '',
  ].join('\n');
  process.stdout.write(`${skippedNotice}\n`);
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, FLASHMART_TEST_SERVICES: missingServices.length === 0 ? '1' : '0' },
  },
);
child.on('exit', (code, signal) => {
  if (skippedNotice) process.stdout.write(`${skippedNotice}\n`);
  process.exit(code ?? (signal ? 1 : 0));
});
