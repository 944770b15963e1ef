import type { ReactNode } from 'react';
import { ApiError } from '../../api/client';
import { ErrorLine, ErrorMessage } from '../../components/states';

/** A mistake found before anything was sent: its message is already a sentence. */
export class FormProblem extends Error {}

/** A form's error: our own sentence, or the API's (with the fields it named). */
export function FormAlert({ error }: { error: unknown }): ReactNode {
  if (!error) return null;
  if (error instanceof FormProblem) return <ErrorLine message={error.message} />;
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
