interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * Calls that arrive while one is in flight wait and go together in the next one (at most
 * `maxBatch` per call). An idle process sends each call at once; a busy one sends one per
 * round trip instead of one per caller. Each next call starts after its items arrived, so
 * every answer is as fresh as a call of its own. `send` answers its items in order.
 */
export function createBusyBatcher<I, O>(send: (items: I[]) => Promise<O[]>, maxBatch: number): (item: I) => Promise<O> {
  let waiting: Waiting<I, O>[] = [];
  let busy = false;

  async function flush(): Promise<void> {
    busy = true;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      try {
        const results = await send(batch.map((w) => w.item));
        batch.forEach((w, i) => (i < results.length ? w.resolve(results[i] as O) : w.reject(new Error('the batched call answered fewer items than it was sent'))));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    busy = false;
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!busy) void flush();
    });
}
