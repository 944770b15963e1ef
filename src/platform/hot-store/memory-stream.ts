/**
 * The in-memory twin of a Redis stream with one consumer group, for the memory side of
 * scripts (embedded mode). Same semantics as XADD, XREADGROUP '>', XAUTOCLAIM, XACK, XDEL and
 * XPENDING: an entry read by a consumer stays pending until acknowledged, and a pending entry
 * idle for long enough may be claimed by another consumer.
 */
export type StreamFields = Record<string, string>;

export interface StreamEntry {
  id: string;
  fields: StreamFields;
}

interface Pending {
  consumer: string;
  deliveredAt: number;
}

export class MemoryStream {
  private sequence = 0;
  private readonly entries = new Map<string, StreamFields>();
  /** Ids never delivered to the group, oldest first. */
  private undelivered: string[] = [];
  private readonly pending = new Map<string, Pending>();

  add(fields: StreamFields): string {
    this.sequence += 1;
    const id = `0-${this.sequence}`;
    this.entries.set(id, fields);
    this.undelivered.push(id);
    return id;
  }

  /** XREADGROUP … '>': up to `count` new entries, now pending for `consumer`. */
  readNew(consumer: string, count: number, now: number): StreamEntry[] {
    const taken = this.undelivered.splice(0, count);
    const result: StreamEntry[] = [];
    for (const id of taken) {
      const fields = this.entries.get(id);
      if (!fields) continue;
      this.pending.set(id, { consumer, deliveredAt: now });
      result.push({ id, fields });
    }
    return result;
  }

  /** XAUTOCLAIM: pending entries idle at least `minIdleMs` move to `consumer`. */
  claimIdle(consumer: string, minIdleMs: number, count: number, now: number): StreamEntry[] {
    const result: StreamEntry[] = [];
    for (const [id, owner] of this.pending) {
      if (result.length >= count) break;
      if (now - owner.deliveredAt < minIdleMs) continue;
      const fields = this.entries.get(id);
      if (!fields) {
        this.pending.delete(id);
        continue;
      }
      this.pending.set(id, { consumer, deliveredAt: now });
      result.push({ id, fields });
    }
    return result;
  }

  /** XACK: true when the entry was pending (the first acknowledgement). */
  ack(id: string): boolean {
    return this.pending.delete(id);
  }

  /** XDEL. */
  delete(id: string): void {
    this.entries.delete(id);
  }

  /** XPENDING + XRANGE: the pending entries with their fields. */
  pendingEntries(): StreamEntry[] {
    const result: StreamEntry[] = [];
    for (const id of this.pending.keys()) {
      const fields = this.entries.get(id);
      if (fields) result.push({ id, fields });
    }
    return result;
  }

  /** XRANGE - +: every entry still in the stream. */
  allEntries(): StreamEntry[] {
    return [...this.entries].map(([id, fields]) => ({ id, fields }));
  }

  get length(): number {
    return this.entries.size;
  }
}
