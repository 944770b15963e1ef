import { Worker } from 'node:worker_threads';

/** What the embedded database offers the dialect: PGlite's calls, served by its own thread. */
export interface PGliteSession {
  query<R>(sql: string, params: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(sql: string): Promise<void>;
  /** Calls `onNotify` on every NOTIFY of the channel; returns the function that stops it. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  readonly closed: boolean;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: Record<string, unknown> } | { op: 'notify'; channel: string } | { op: 'ready' } | { op: 'failed'; error: Record<string, unknown> };

/** A database error rebuilt on this side, with the same code, detail and constraint. */
function rebuild(error: Record<string, unknown>): Error {
  return Object.assign(new Error(String(error.message)), error);
}

/**
 * Starts PGlite on a worker thread (`pglite-worker.mjs`). PGlite runs WebAssembly and
 * synchronous file calls for every statement; on the main thread that stalled every HTTP answer
 * for as long as a drain batch took. Here the database uses the second core and the event loop
 * only passes messages. Statements are still one at a time: the dialect serializes the session.
 */
export async function startPGliteThread(location: string): Promise<PGliteSession> {
  const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { location } });
  const pending = new Map<number, Pending>();
  const channels = new Map<string, Set<() => void>>();
  let nextId = 0;
  let closed = false;
  let failure: Error | undefined;

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (reply: Reply) => {
      if ('op' in reply) {
        if (reply.op === 'ready') resolve();
        else if (reply.op === 'failed') reject(rebuild(reply.error));
        else for (const listener of channels.get(reply.channel) ?? []) listener();
        return;
      }
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.result);
      else waiting?.reject(rebuild(reply.error));
    });
    worker.on('error', (error) => {
      failure = error;
      reject(error);
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
    });
  });

  function call<T>(message: Record<string, unknown>): Promise<T> {
    if (failure) return Promise.reject(failure);
    if (closed) return Promise.reject(new Error('the embedded database is closed'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...message, id });
    });
  }

  await ready;
  return {
    query: <R>(sql: string, params: unknown[]) => call<{ rows: R[]; affectedRows?: number }>({ op: 'query', sql, params }),
    exec: (sql: string) => call<void>({ op: 'exec', sql }),
    async listen(channel, onNotify) {
      let set = channels.get(channel);
      if (!set) {
        set = new Set();
        channels.set(channel, set);
        await call({ op: 'listen', channel });
      }
      const listeners = set;
      listeners.add(onNotify);
      return async () => {
        listeners.delete(onNotify);
        if (listeners.size === 0 && channels.get(channel) === listeners && !closed) {
          channels.delete(channel);
          await call({ op: 'unlisten', channel });
        }
      };
    },
    async close() {
      if (closed) return;
      await call({ op: 'close' }).catch(() => undefined);
      closed = true;
      await worker.terminate();
    },
    get closed() {
      return closed;
    },
  };
}
