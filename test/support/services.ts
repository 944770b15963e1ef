import { Redis } from 'ioredis';
import net from 'node:net';

/** Where the real services are expected in tests (their default local addresses). */
export const SERVICE_URLS = {
  database: process.env.FLASHMART_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redis: process.env.FLASHMART_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  amqp: process.env.FLASHMART_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
};

/** True when the test runner found PostgreSQL, Redis and RabbitMQ answering (scripts/run-tests.ts). */
export const servicesEnabled = process.env.FLASHMART_TEST_SERVICES === '1';

export function portAnswers(url: string, defaultPort: number, timeoutMs = 1500): Promise<boolean> {
  const parsed = new URL(url);
  const port = Number(parsed.port || defaultPort);
  const host = parsed.hostname || '127.0.0.1';
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Deletes every Redis key of a namespace (a test's own prefix). */
export async function deleteRedisNamespace(namespace: string): Promise<void> {
  const redis = new Redis(SERVICE_URLS.redis);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}
