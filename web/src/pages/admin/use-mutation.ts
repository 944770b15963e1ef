import { useCallback, useState } from 'react';
import { ApiError } from '../../api/client';
import { errorSentence, type Translate } from '../../i18n';

export interface Mutation {
  busy: boolean;
  error: unknown;
  /** Runs `task` once at a time; resolves true when it succeeded, false when it failed (see `error`). */
  run(task: () => Promise<void>): Promise<boolean>;
  clear(): void;
}

/** The busy flag and last error of a button or form that changes something through the API. */
export function useMutation(): Mutation {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (task: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await task();
      return true;
    } catch (reason) {
      setError(reason);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  return { busy, error, run, clear };
}

/**
 * An error as a sentence, with this screen's own words for a conflict (409 invalid_state): "still has
 * sub-categories" says more than the generic "cannot be done in the current state".
 */
export function conflictSentence(t: Translate, error: unknown, conflictKey: string): string {
  if (error instanceof ApiError && error.code === 'invalid_state') return t(conflictKey);
  return errorSentence(t, error);
}
