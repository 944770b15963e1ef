/**
 * Real-process deployments for the chaos suites: a fresh services environment (own database,
 * Redis namespace, RabbitMQ names), a PostgreSQL client on its database, and the processes
 * started for it, all stopped and removed after the describe block.
 */
import assert from 'node:assert/strict';
import { after } from 'node:test';
import pg from 'pg';
import { createTestEnvironment, type TestEnvironment } from './harness.js';
import { startFlashmartProcess, stopProcess, type FlashmartProcess } from './processes.js';
import { servicesEnabled } from './services.js';

/** The `skip` of a suite that needs the real services. */
export const SERVICES_ONLY = servicesEnabled ? false : 'needs real PostgreSQL + Redis + RabbitMQ: run with FLASHMART_TEST_SERVICES=1 (npm test sets it when they answer)';

/** Seconds since it was made, for the diagnostics a chaos test prints as it goes. */
export function stopwatch(): () => string {
  const started = Date.now();
  return () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

export interface Deployment {
  environment: TestEnvironment;
  /** A client on the deployment's database, for the checks a test makes behind the API. */
  db: pg.Client;
  /** Another client on it (closed with the deployment), e.g. to hold a lock while the test watches. */
  openClient(): Promise<pg.Client>;
  /** Starts `flashmart start --role <role>` with the deployment's environment plus `extraEnv`. */
  start(role: string, extraEnv?: Record<string, string>): Promise<FlashmartProcess>;
}

/** Deployments for the enclosing describe block; everything they started is cleaned up after it. */
export function useDeployments(): { deploy(overrides: Record<string, string>): Promise<Deployment> } {
  const environments: TestEnvironment[] = [];
  const processes: FlashmartProcess[] = [];
  const clients: pg.Client[] = [];
  after(async () => {
    await Promise.allSettled(processes.map((p) => stopProcess(p)));
    await Promise.allSettled(clients.map((c) => c.end()));
    for (const environment of environments) await environment.dispose();
  });
  return {
    async deploy(overrides) {
      const environment = await createTestEnvironment('services', { LOG_LEVEL: 'warn', ...overrides });
      environments.push(environment);
      const databaseUrl = environment.env.DATABASE_URL;
      assert.ok(databaseUrl, 'the services environment has a DATABASE_URL');
      const openClient = async (): Promise<pg.Client> => {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        // Dropping the database at the end ends the session from the server's side: not an error.
        client.on('error', () => undefined);
        clients.push(client);
        return client;
      };
      return {
        environment,
        db: await openClient(),
        openClient,
        async start(role, extraEnv = {}) {
          const p = await startFlashmartProcess({ ...environment.env, ...extraEnv }, role);
          processes.push(p);
          return p;
        },
      };
    },
  };
}
