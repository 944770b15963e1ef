import { useCallback, useState, type ReactNode } from 'react';
import { ApiError } from '../../api/client';
import { ErrorMessage } from '../../components/states';
import { useT } from '../../i18n';
import { CURRENCIES } from './types';

/** A mistake found before anything was sent: its message is already a sentence. */
export class FormProblem extends Error {}

export interface Submission {
  busy: boolean;
  error: unknown;
  fail(error: unknown): void;
  /** Runs an action once at a time; resolves with its result, or undefined when it failed. */
  run<T>(action: () => Promise<T>): Promise<T | undefined>;
}

/** Busy and error state of a form that sends something. */
export function useSubmission(): Submission {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (reason) {
      setError(reason);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, fail: setError, run };
}

/** A form's error: our own sentence, or the API's (with the fields it named). */
export function FormAlert({ error }: { error: unknown }): ReactNode {
  if (!error) return null;
  if (error instanceof FormProblem) {
    return (
      <div className="error-box" role="alert">
        <span>{error.message}</span>
      </div>
    );
  }
  const fields = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  return (
    <div className="stack">
      <ErrorMessage error={error} />
      {fields.length > 0 && (
        <ul className="muted">
          {fields.map((field) => (
            <li key={field.path}>
              <code>{field.path}</code> {field.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function CurrencySelect({ value, onChange, testId }: { value: string; onChange(currency: string): void; testId: string }): ReactNode {
  const t = useT();
  return (
    <label>
      {t('seller.field.currency')}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {CURRENCIES.map((currency) => (
          <option key={currency} value={currency}>
            {currency}
          </option>
        ))}
      </select>
    </label>
  );
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A moment as the value of a datetime-local input (local time, to the minute). */
export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local value (local time) → ISO 8601 UTC, or null when it is empty or invalid. */
export function localInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A whole number typed by a person, or null. */
export function parseWhole(text: string): number | null {
  const match = /^\s*([+-]?)\s*(\d{1,9})\s*$/.exec(text);
  if (!match) return null;
  return match[1] === '-' ? -Number(match[2]) : Number(match[2]);
}
