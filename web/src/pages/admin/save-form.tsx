import { useState, type FormEvent, type ReactNode } from 'react';
import { ErrorLine } from '../../components/states';
import { useAction } from '../../hooks';
import { useT } from '../../i18n';

interface Props {
  /** data-testid of the form; its submit button is `${testId}-submit`. */
  testId: string;
  submitLabel: string;
  /** Checks and saves what was typed; resolves to the sentence that says why not, or null when saved. */
  save: () => Promise<string | null>;
  /** After a successful save (a create form empties itself). */
  onSaved?: () => void;
  onCancel?: () => void;
  children: ReactNode;
}

/** A catalog form: its fields, then why the last save failed, "save" and (when editing) "cancel". */
export function SaveForm({ testId, submitLabel, save, onSaved, onCancel, children }: Props): ReactNode {
  const t = useT();
  const action = useAction();
  const [message, setMessage] = useState<string | null>(null);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const failure = await action.run(save);
    if (failure === undefined) return;
    setMessage(failure);
    if (failure === null) onSaved?.();
  };
  return (
    <form className="form" data-testid={testId} onSubmit={(event) => void submit(event)}>
      {children}
      <ErrorLine message={message} />
      <div className="actions">
        <button type="submit" disabled={action.busy} data-testid={`${testId}-submit`}>
          {submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            {t('action.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

/** The name every catalog entry has (`${testId}-name`). */
export function NameField({ testId, value, onChange }: { testId: string; value: string; onChange: (name: string) => void }): ReactNode {
  const t = useT();
  return (
    <label>
      {t('admin.catalog.name')}
      <input name="name" value={value} maxLength={100} required data-testid={`${testId}-name`} onChange={(event) => onChange(event.target.value)} />
    </label>
  );
}
