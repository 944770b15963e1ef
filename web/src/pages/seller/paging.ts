import { api, type RequestOptions } from '../../api/client';
import type { Page } from '../../api/types';

export interface Gathered<T> {
  items: T[];
  /** True when there was more than `max` to read. */
  truncated: boolean;
}

/** Reads a cursor list page by page (100 at a time) up to `max` items. */
export async function gatherPages<T>(path: string, query: RequestOptions['query'], max: number): Promise<Gathered<T>> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const limit = Math.min(100, max - items.length);
    const page: Page<T> = await api<Page<T>>(path, { query: { ...query, limit, cursor: cursor ?? undefined } });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null && items.length < max);
  return { items, truncated: cursor !== null };
}
