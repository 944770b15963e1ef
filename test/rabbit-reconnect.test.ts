import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createRabbitTransport, type Transport, type WireMessage } from '../src/platform/bus/index.js';
import { SERVICE_URLS, servicesEnabled } from './support/services.js';
import { cleanUpNamespace, uniqueName } from './support/harness.js';

/** Closes, from the broker's side, every connection whose client named itself `name`. */
function closeConnectionsNamed(name: string): number {
  const listing = execFileSync('rabbitmqctl', ['-q', 'list_connections', 'pid', 'client_properties'], { encoding: 'utf8', timeout: 30_000 });
  const pids = listing
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${name}"}`))
    .map((line) => line.split('\t')[0] ?? '');
  for (const pid of pids) execFileSync('rabbitmqctl', ['-q', 'close_connection', pid, 'test: simulated broker-side close'], { timeout: 30_000 });
  return pids.length;
}

async function waitFor(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('RabbitMQ transport recovers from a lost connection', { skip: servicesEnabled ? false : 'needs RabbitMQ' }, () => {
  const namespace = uniqueName('fmtest-reconnect').replaceAll('_', '-');
  let transport: Transport;
  const received: WireMessage[] = [];

  before(async () => {
    transport = await createRabbitTransport({ url: SERVICE_URLS.amqp, namespace, deliveryLimit: 3 }, pino({ level: 'silent' }));
    await transport.consume('reconnect', ['test.ping'], async (message) => {
      received.push(message);
    });
  });
  after(async () => {
    await transport.close();
    await cleanUpNamespace(namespace, ['reconnect']);
  });

  it('keeps publishing and consuming after the broker closes its connection', async () => {
    await transport.publish([{ id: '00000000-0000-4000-8000-000000000001', topic: 'test.ping', payload: { n: 1 } }]);
    await waitFor(() => received.length === 1);
    assert.equal(closeConnectionsNamed(`${namespace}:${process.pid}`), 1, 'the transport connection was found and closed');
    // The publisher reconnects on demand; the consumer is set up again on the new connection.
    let published = false;
    for (let attempt = 0; attempt < 50 && !published; attempt++) {
      try {
        await transport.publish([{ id: '00000000-0000-4000-8000-000000000002', topic: 'test.ping', payload: { n: 2 } }]);
        published = true;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    assert.ok(published, 'publishing works again');
    await waitFor(() => received.some((m) => m.id === '00000000-0000-4000-8000-000000000002'));
    // At least once: a message whose ack was lost with the connection may come again (the inbox absorbs that).
    assert.deepEqual([...new Set(received.map((m) => JSON.stringify(m.payload)))].sort(), ['{"n":1}', '{"n":2}']);
  });
});

describe('RabbitMQ transport closes gracefully', { skip: servicesEnabled ? false : 'needs RabbitMQ' }, () => {
  const namespace = uniqueName('fmtest-close').replaceAll('_', '-');
  const silent = pino({ level: 'silent' });
  after(async () => {
    await cleanUpNamespace(namespace, ['closing']);
  });

  it('lets the handlers already working finish and settle their messages, so none is delivered again', async () => {
    const first = await createRabbitTransport({ url: SERVICE_URLS.amqp, namespace, deliveryLimit: 3 }, silent);
    const started: string[] = [];
    const finished: string[] = [];
    await first.consume('closing', ['test.slow'], async (message) => {
      started.push(message.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished.push(message.id);
    });
    const ids = Array.from({ length: 5 }, (_, i) => `00000000-0000-4000-8000-00000000010${i}`);
    await first.publish(ids.map((id) => ({ id, topic: 'test.slow', payload: {} })));
    await waitFor(() => started.length === ids.length);
    await first.close();
    assert.deepEqual([...finished].sort(), ids, 'every running handler finished before the connection closed');

    // Had a delivery not been acknowledged, the group's next consumer would get it again.
    const second = await createRabbitTransport({ url: SERVICE_URLS.amqp, namespace, deliveryLimit: 3 }, silent);
    const again: string[] = [];
    await second.consume('closing', ['test.slow'], async (message) => {
      again.push(message.id);
    });
    await second.publish([{ id: '00000000-0000-4000-8000-000000000199', topic: 'test.slow', payload: {} }]);
    await waitFor(() => again.includes('00000000-0000-4000-8000-000000000199'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await second.close();
    assert.deepEqual(again, ['00000000-0000-4000-8000-000000000199'], 'nothing of the first consumer came again');
  });
});
