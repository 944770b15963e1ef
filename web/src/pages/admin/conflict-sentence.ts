import { ApiError } from '../../api/client';
import { errorSentence, type Translate } from '../../i18n';

/**
 * An error as a sentence, with this screen's own words for a conflict (409 invalid_state): "still has
 * sub-categories" says more than the generic "cannot be done in the current state".
 */
export function conflictSentence(t: Translate, error: unknown, conflictKey: string): string {
  if (error instanceof ApiError && error.code === 'invalid_state') return t(conflictKey);
  return errorSentence(t, error);
}

/** Runs `work`; resolves null when it succeeded, else why it failed as a sentence (see conflictSentence). */
export async function failureOf(t: Translate, conflictKey: string, work: () => Promise<unknown>): Promise<string | null> {
  try {
    await work();
    return null;
  } catch (error) {
    return conflictSentence(t, error, conflictKey);
  }
}
