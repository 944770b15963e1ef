// The embedded database's own thread: PGlite (WebAssembly, synchronous file I/O) runs here so
// that the HTTP event loop on the main thread never waits on it. Plain JavaScript, so the thread
// needs no TypeScript loader. Protocol: see pglite-thread.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const INT8_OID = 20;
function parseInt8(value) {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds the safe integer range`);
  return n;
}

/** Everything a database error carries (code, detail, constraint, …), as plain data. */
function plainError(error) {
  const out = { message: error instanceof Error ? error.message : String(error), name: error?.name ?? 'Error' };
  if (error && typeof error === 'object') {
    for (const [key, value] of Object.entries(error)) {
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) out[key] = value;
    }
  }
  return out;
}

const listeners = new Map();
let pglite;
try {
  pglite = await PGlite.create(workerData.location, { parsers: { [INT8_OID]: parseInt8 } });
  parentPort.postMessage({ op: 'ready' });
} catch (error) {
  parentPort.postMessage({ op: 'failed', error: plainError(error) });
}

async function handle(message) {
  switch (message.op) {
    case 'query': {
      const result = await pglite.query(message.sql, message.params);
      return { rows: result.rows, affectedRows: result.affectedRows };
    }
    case 'exec':
      await pglite.exec(message.sql);
      return null;
    case 'listen':
      if (!listeners.has(message.channel)) {
        listeners.set(message.channel, await pglite.listen(message.channel, () => parentPort.postMessage({ op: 'notify', channel: message.channel })));
      }
      return null;
    case 'unlisten': {
      const stop = listeners.get(message.channel);
      listeners.delete(message.channel);
      if (stop && !pglite.closed) await stop();
      return null;
    }
    case 'close':
      if (!pglite.closed) await pglite.close();
      return null;
    default:
      throw new Error(`unknown operation ${message.op}`);
  }
}

parentPort.on('message', (message) => {
  handle(message).then(
    (result) => parentPort.postMessage({ id: message.id, ok: true, result }),
    (error) => parentPort.postMessage({ id: message.id, ok: false, error: plainError(error) }),
  );
});
