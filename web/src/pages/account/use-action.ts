import { useCallback, useRef, useState } from 'react';

/** A mutation a person starts with a button: which one runs (to disable buttons) and its error. */
export interface Action {
  /** The name of the request now running, or null. */
  running: string | null;
  error: unknown;
  /** Runs `work` unless another request of this action is running; resolves undefined on error. */
  run<T>(name: string, work: () => Promise<T>): Promise<T | undefined>;
  clearError(): void;
}

export function useAction(): Action {
  const [running, setRunning] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const busy = useRef(false);
  const run = useCallback(async <T,>(name: string, work: () => Promise<T>): Promise<T | undefined> => {
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
  const clearError = useCallback(() => setError(null), []);
  return { running, error, run, clearError };
}
