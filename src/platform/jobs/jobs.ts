import { sql } from 'kysely';
import type { Logger } from 'pino';
import { inTransaction, type Db, type Executor, type Recordset, type Tx } from '../db/index.js';
import type { Metrics } from '../metrics.js';
import { createPoller } from '../poller.js';

/** Every job kind and its payload type; modules augment this interface. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobMap {}

export type JobKind = keyof JobMap & string;
/** Runs inside the transaction that holds the job's row lock and deletes it on success. */
export type JobHandler<K extends JobKind> = (tx: Tx, payload: JobMap[K]) => Promise<void>;

export interface ScheduleOptions {
  runAt?: Date;
  /** At most one pending job per key: scheduling the same key again does nothing. */
  key?: string;
}

/** Schedules a durable job in the caller's transaction. */
export async function scheduleJob<K extends JobKind>(tx: Executor, kind: K, payload: JobMap[K], options: ScheduleOptions = {}): Promise<void> {
  await tx
    .insertInto('platform_jobs')
    .values({ kind, payload: JSON.stringify(payload), run_at: options.runAt ?? new Date(), dedupe_key: options.key ?? null })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}

/** Jobs of one kind as rows for `insertRecordsets` (group commits write them with their other rows); keys dedupe as above. */
export function jobRecordset<K extends JobKind>(kind: K, jobs: { payload: JobMap[K]; runAt: Date; key: string }[]): Recordset<'platform_jobs'> {
  return { table: 'platform_jobs', rows: jobs.map((job) => ({ kind, payload: job.payload, run_at: job.runAt.toISOString(), dedupe_key: job.key })), skipConflicts: true };
}

function backoffSeconds(attempts: number): number {
  return Math.min(3600, 2 ** Math.min(attempts, 12));
}

/**
 * Polls the jobs table with FOR UPDATE SKIP LOCKED, so many workers share the work and a
 * job whose worker dies mid-way (its transaction rolls back) runs again.
 */
export function createJobRunner(db: Db, logger: Logger, metrics: Metrics, options: { pollMs?: number } = {}) {
  const handlers = new Map<string, JobHandler<JobKind>>();
  const pollMs = options.pollMs ?? 1000; // due times are kept to the second; inserts also wake it
  type Claimed = { id: number; kind: string; attempts: number };

  /** Counts a failed try and pushes the job back by its back-off. */
  async function recordFailure(executor: Executor, job: Claimed, error: unknown): Promise<void> {
    const attempts = job.attempts + 1;
    await executor
      .updateTable('platform_jobs')
      .set({
        attempts,
        last_error: error instanceof Error ? error.message : String(error),
        run_at: sql<Date>`now() + make_interval(secs => ${backoffSeconds(attempts)})`,
      })
      .where('id', '=', job.id)
      .execute();
    metrics.jobsRun.inc({ kind: job.kind, outcome: 'failed' });
    logger.warn({ err: error, jobId: job.id, kind: job.kind, attempts }, 'job failed; will retry');
  }

  /** Runs one due job; false when none is due. */
  async function runOne(): Promise<boolean> {
    const kinds = [...handlers.keys()];
    if (kinds.length === 0) return false;
    let claimed: Claimed | undefined;
    try {
      return await inTransaction(db, async (tx) => {
        const job = await tx
          .selectFrom('platform_jobs')
          .select(['id', 'kind', 'payload', 'attempts'])
          .where('run_at', '<=', sql<Date>`now()`)
          .where('kind', 'in', kinds)
          .orderBy('run_at')
          .limit(1)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!job) return false;
        claimed = job;
        const handler = handlers.get(job.kind);
        try {
          await sql`savepoint job`.execute(tx);
          await handler?.(tx, job.payload as never);
          // Deferred constraints (e.g. a balanced ledger) are checked here, inside the savepoint.
          await sql`set constraints all immediate`.execute(tx);
          await tx.deleteFrom('platform_jobs').where('id', '=', job.id).execute();
          metrics.jobsRun.inc({ kind: job.kind, outcome: 'done' });
        } catch (error) {
          // Undo the handler's partial work but keep the lock, then record the failure.
          await sql`rollback to savepoint job`.execute(tx);
          await recordFailure(tx, job, error);
        }
        return true;
      });
    } catch (error) {
      // The commit itself failed: the job is untouched, so count the try outside it.
      if (!claimed) throw error;
      await recordFailure(db, claimed, error);
      return true;
    }
  }

  const poller = createPoller('job runner', runOne, pollMs, logger);

  return {
    register<K extends JobKind>(kind: K, handler: JobHandler<K>): void {
      handlers.set(kind, handler as unknown as JobHandler<JobKind>);
    },
    start: poller.start,
    nudge: poller.nudge,
    /** Runs every job due now (tests and the CLI). */
    async runDue(): Promise<number> {
      let count = 0;
      while (await runOne()) count++;
      return count;
    },
    stop: poller.stop,
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
