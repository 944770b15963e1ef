import { sql } from 'kysely';
import { pendingMigrations, type MigrationSource } from './db/index.js';
import type { AuditCheck, Platform } from './module.js';

/** Checks the platform owns: schema up to date, no event stuck in the outbox. */
export function platformAudits(platform: Platform, sources: MigrationSource[]): AuditCheck[] {
  const db = platform.database.db;
  return [
    {
      name: 'platform: every migration is applied',
      async run() {
        const pending = await pendingMigrations(platform.database, sources);
        return pending.map((id) => `migration ${id} is not applied`);
      },
    },
    {
      name: 'platform: no outbox event waits more than 5 minutes',
      async run() {
        const row = await db
          .selectFrom('platform_outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('created_at', '<', sql<Date>`now() - interval '5 minutes'`)
          .executeTakeFirstOrThrow();
        return row.n === 0 ? [] : [`${row.n} outbox event(s) unpublished for over 5 minutes (is a worker running?)`];
      },
    },
  ];
}

export interface AuditReport {
  ok: boolean;
  lines: string[];
}

/** Runs every check and formats a report; a check that throws counts as a violation. */
export async function runAudit(checks: AuditCheck[]): Promise<AuditReport> {
  const lines: string[] = [];
  let ok = true;
  for (const check of checks) {
    let violations: string[];
    try {
      violations = await check.run();
    } catch (error) {
      violations = [`check failed to run: ${error instanceof Error ? error.message : String(error)}`];
    }
    if (violations.length === 0) {
      lines.push(`ok    ${check.name}`);
    } else {
      ok = false;
      lines.push(`FAIL  ${check.name}`);
      for (const violation of violations) lines.push(`      - ${violation}`);
    }
  }
  lines.push(ok ? `audit clean: ${checks.length} checks passed` : 'audit found violations');
  return { ok, lines };
}
