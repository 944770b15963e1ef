// `npm run bench:wallet [-- --duration 10 --callers 100 --pool 32 --users 1000 --warm-up 2]`
//
// Ledger transactions per second through the wallet service on PostgreSQL, 100 concurrent
// callers, each call one ledger transaction:
//   spread  a random user of 1,000 freezes or unfreezes a small amount (available ⇄ frozen),
//           in autocommit: the ledger's single statement is the whole transaction;
//   hot     the escrow of a random paid order (1,000 orders over the 16 escrow shards) → ONE
//           seller's available balance (wallet.release, autocommit): a seller paid by many.
// Then the full audit (exit 1 unless clean) and, for scale, the same hot load as a bare
// `update wallet_accounts set balance = balance + 1 where id = $1` on the same pool.
// Spread moves money between two accounts of one user because the wallet's door offers no
// user → user transfer (and bench/ may not reach behind it); it is the same two-posting statement.
// Pool 32: spread gains from more connections (more commits share a WAL flush), the hot row
// loses (every waiting connection is woken at each commit); 32 is the compromise measured best.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { auditChecks, closePlatform } from '../src/app.js';
import { runAudit } from '../src/platform/audit.js';
import type { Platform } from '../src/platform/module.js';
import { createTestDatabase } from '../test/support/harness.js';
import { load, positiveInt, printTable, say, runBench, type Call, type Outcome, type Row } from './bench-kit.js';
import { CURRENCY, openBenchPlatform, prepareLedger, type BenchData } from './wallet-setup.js';

const TARGETS = { spread: 3_000, hot: 1_000 } as const;

type Options = { duration: number; warmUp: number; callers: number; pool: number; users: number };

function readOptions(): Options {
  const flags = {
    duration: { type: 'string', default: '10' },
    'warm-up': { type: 'string', default: '2' },
    callers: { type: 'string', default: '100' },
    pool: { type: 'string', default: '32' },
    users: { type: 'string', default: '1000' },
  } as const;
  const { values } = parseArgs({ options: flags });
  return {
    duration: positiveInt(values.duration, '--duration'),
    warmUp: positiveInt(values['warm-up'], '--warm-up', 0),
    callers: positiveInt(values.callers, '--callers'),
    pool: positiveInt(values.pool, '--pool'),
    users: positiveInt(values.users, '--users', 2),
  };
}

async function measure(name: string, options: Options, platform: Platform, call: Call): Promise<Outcome> {
  const runId = `${name}:${Date.now().toString(36)}`;
  // Fresh statistics, as a database in service has them (without, the planner guesses from an
  // empty schema).
  await sql`analyze`.execute(platform.database.db);
  if (options.warmUp > 0) await load(options.callers, options.warmUp, `bench:${runId}:warm-up`, call, ['insufficient_funds']);
  return load(options.callers, options.duration, `bench:${runId}`, call, ['insufficient_funds']);
}

const randomAmount = () => 1 + Math.floor(Math.random() * 100);

/** A random user freezes, or unfreezes what the bench knows it froze: never refused for funds. */
function spreadCall(platform: Platform, data: BenchData): Call {
  const frozen = new Map<string, number>();
  const db = platform.database.db;
  return async (reference) => {
    const userId = data.users[Math.floor(Math.random() * data.users.length)] ?? '';
    const amount = randomAmount();
    const held = frozen.get(userId) ?? 0;
    const money = { amount, currency: CURRENCY };
    if (held >= amount && Math.random() < 0.5) {
      frozen.set(userId, (frozen.get(userId) ?? 0) - amount);
      try {
        await data.modules.wallet.unfreeze(db, userId, money, reference);
      } catch (error) {
        frozen.set(userId, (frozen.get(userId) ?? 0) + amount);
        throw error;
      }
    } else {
      await data.modules.wallet.freeze(db, userId, money, reference);
      frozen.set(userId, (frozen.get(userId) ?? 0) + amount);
    }
  };
}

/** The escrow of a random funded order → the one seller: one statement, its own transaction. */
function hotCall(platform: Platform, data: BenchData): Call {
  const db = platform.database.db;
  return async (reference) => {
    const escrowKey = data.escrowKeys[Math.floor(Math.random() * data.escrowKeys.length)] ?? '';
    await data.modules.wallet.release(db, data.seller, { amount: randomAmount(), currency: CURRENCY }, reference, escrowKey);
  };
}

/** The same hot load with no ledger: one bare row update per call, same pool. */
async function rawHotCall(platform: Platform, data: BenchData): Promise<Call> {
  const db = platform.database.db;
  const row = await sql<{ id: number }>`select id from wallet_accounts where user_id = ${data.seller} and kind = 'available' and currency = ${CURRENCY}`.execute(db);
  const id = row.rows[0]?.id;
  if (id === undefined) throw new Error('the seller has no account');
  return async () => {
    await sql`update wallet_accounts set balance = balance + 1 where id = ${id}`.execute(db);
  };
}

async function run(options: Options, platform: Platform): Promise<boolean> {
  let began = performance.now();
  const data = await prepareLedger(platform, options.users, Math.min(options.pool, 20));
  say(`setup: ${options.users} users recharged, escrow funded in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  const rows: Row[] = [];
  say('spread: measuring...');
  rows.push({ scenario: `spread (freeze/unfreeze, ${options.users} users)`, outcome: await measure('spread', options, platform, spreadCall(platform, data)), target: TARGETS.spread });
  say('hot: measuring...');
  const hot = await measure('hot', options, platform, hotCall(platform, data));
  rows.push({ scenario: 'hot (escrow → one seller)', outcome: hot, target: TARGETS.hot });
  began = performance.now();
  const report = await runAudit(auditChecks(platform, data.modules));
  const auditSeconds = (performance.now() - began) / 1000;
  // Last: it changes a balance without postings, which the audit above would rightly refuse.
  say('raw SQL baseline: measuring...');
  const raw = await measure('raw', options, platform, await rawHotCall(platform, data));
  rows.push({ scenario: 'baseline: bare hot-row UPDATE', outcome: raw, target: undefined });
  printTable(rows, 'tx/s', 'insufficient_funds');
  say(`\nhot ledger vs bare hot-row update: ${((hot.perSec / raw.perSec) * 100).toFixed(1)}%`);
  say(`\naudit (${auditSeconds.toFixed(1)} s):\n${report.lines.map((l) => `  ${l}`).join('\n')}`);
  return report.ok;
}

async function main(): Promise<boolean> {
  const options = readOptions();
  say(
    `wallet ledger on PostgreSQL: ${options.callers} callers, pool ${options.pool}, ${options.users} users, ` +
      `${options.warmUp} s warm-up + ${options.duration} s per scenario, node ${process.version}, ${os.cpus().length} CPUs`,
  );
  const database = await createTestDatabase();
  let platform: Platform | undefined;
  try {
    platform = await openBenchPlatform(database.url, options.pool);
    return await run(options, platform);
  } finally {
    if (platform) await closePlatform(platform);
    await database.drop();
  }
}

runBench(main);
