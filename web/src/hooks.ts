import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type RequestOptions } from './api/client';
import type { Page } from './api/types';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
  /** Replaces the data after a mutation answered with the new value. */
  setData(data: T): void;
}

/** Runs `load` now and whenever `deps` change; the latest call wins. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const generation = useRef(0);
  useEffect(() => {
    const mine = ++generation.current;
    setLoading(true);
    setError(null);
    load().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setLoading(false);
      },
      (reason: unknown) => {
        if (mine !== generation.current) return;
        setError(reason);
        setLoading(false);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller lists what `load` depends on
  }, [...deps, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, loading, reload, setData };
}

export interface CursorList<T> {
  items: T[];
  error: unknown;
  loading: boolean;
  hasMore: boolean;
  loadMore(): void;
  reload(): void;
  /** Changes rows in place (e.g. one a mutation answered anew), until the list is read again. */
  update(change: (item: T) => T): void;
}

/** A list that follows API.md's cursor convention, page by page ("load more"). */
export function useCursorList<T>(path: string, query: RequestOptions['query'] = {}, deps: unknown[] = []): CursorList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const generation = useRef(0);

  const fetchPage = useCallback(
    async (after: string | null, replace: boolean) => {
      const mine = replace ? ++generation.current : generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await api<Page<T>>(path, { query: { ...query, cursor: after ?? undefined } });
        if (mine !== generation.current) return;
        setItems((old) => (replace ? page.items : [...old, ...page.items]));
        setCursor(page.nextCursor);
      } catch (reason) {
        if (mine === generation.current) setError(reason);
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- query is compared through deps
    [path, JSON.stringify(query)],
  );

  useEffect(() => {
    void fetchPage(null, true);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller lists extra dependencies
  }, [fetchPage, version, ...deps]);

  return {
    items,
    error,
    loading,
    hasMore: cursor !== null,
    loadMore: () => void fetchPage(cursor, false),
    reload: () => setVersion((v) => v + 1),
    update: (change) => setItems((old) => old.map(change)),
  };
}

/** A mutation a person starts (a button, a form): whether it runs, and how it failed. */
export interface Action {
  /** The name of the call now running (to mark which button was pressed), or null. */
  running: string | null;
  /** True while a call runs (to disable the controls that start one). */
  busy: boolean;
  /** Why the last call failed (or what `fail` was given); null once another starts. */
  error: unknown;
  /**
   * Runs `work` unless a call of this action is already running. Resolves with its result, or
   * undefined when it failed (see `error`) or did not run.
   */
  run<T>(work: () => Promise<T>, name?: string): Promise<T | undefined>;
  /** Shows a failure found before anything was sent (a form's own check). */
  fail(error: unknown): void;
}

export function useAction(): Action {
  const [running, setRunning] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const busy = useRef(false);
  const run = useCallback(async <T,>(work: () => Promise<T>, name = 'run'): Promise<T | undefined> => {
    if (busy.current) return undefined;
    busy.current = true;
    setRunning(name);
    setError(null);
    try {
      return await work();
    } catch (reason) {
      setError(reason);
      return undefined;
    } finally {
      busy.current = false;
      setRunning(null);
    }
  }, []);
  return { running, busy: running !== null, error, run, fail: setError };
}

/** The current time, ticking every `intervalMs` (for countdowns). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
