import { useState, type FormEvent, type ReactNode } from 'react';
import type { Category } from '../../api/types';
import { useT } from '../../i18n';
import { ErrorLine } from './error-line';

export interface CategoryValues {
  name: string;
  parentId: string | null;
  position: number | undefined;
}

export interface ParentChoice {
  id: string;
  label: string;
}

const MAX_POSITION = 1_000_000;

/** Every category of the tree, depth first, indented by depth, leaving out `except` and what is below it. */
export function parentChoices(tree: Category[], except?: string, depth = 0): ParentChoice[] {
  return tree
    .filter((node) => node.id !== except)
    .flatMap((node) => [{ id: node.id, label: `${'— '.repeat(depth)}${node.name}` }, ...parentChoices(node.children, except, depth + 1)]);
}

function parsePosition(text: string): number | undefined | null {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= 0 && value <= MAX_POSITION ? value : null;
}

interface Props {
  initial: CategoryValues;
  /** Shows a parent picker with these choices; without it the parent stays `initial.parentId`. */
  parents?: ParentChoice[];
  submitLabel: string;
  testId: string;
  /** Saves; resolves to an error sentence, or null when saved. */
  onSubmit: (values: CategoryValues) => Promise<string | null>;
  onCancel?: () => void;
  /** Empties the form after a successful save (a create form). */
  resetOnSave?: boolean;
}

/** A category's name, parent and position, for creating or editing one. */
export function CategoryForm({ initial, parents, submitLabel, testId, onSubmit, onCancel, resetOnSave }: Props): ReactNode {
  const t = useT();
  const [name, setName] = useState(initial.name);
  const [parentId, setParentId] = useState(initial.parentId ?? '');
  const [position, setPosition] = useState(initial.position === undefined ? '' : String(initial.position));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const parsed = parsePosition(position);
    if (name.trim() === '') return setMessage(t('admin.catalog.nameRequired'));
    if (parsed === null) return setMessage(t('admin.catalog.positionInvalid', { max: MAX_POSITION }));
    setBusy(true);
    const failure = await onSubmit({ name: name.trim(), parentId: parentId === '' ? null : parentId, position: parsed });
    setBusy(false);
    setMessage(failure);
    if (failure === null && resetOnSave) {
      setName('');
      setPosition('');
    }
  };

  return (
    <form className="form" data-testid={testId} onSubmit={(event) => void submit(event)}>
      <div className="row">
        <label>
          {t('admin.catalog.name')}
          <input name="name" value={name} maxLength={100} required data-testid={`${testId}-name`} onChange={(event) => setName(event.target.value)} />
        </label>
        {parents && (
          <label>
            {t('admin.catalog.parent')}
            <select name="parentId" value={parentId} data-testid={`${testId}-parent`} onChange={(event) => setParentId(event.target.value)}>
              <option value="">{t('admin.catalog.noParent')}</option>
              {parents.map((choice) => (
                <option key={choice.id} value={choice.id}>
                  {choice.label}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t('admin.catalog.position')}
          <input name="position" type="number" min={0} max={MAX_POSITION} step={1} inputMode="numeric" value={position} data-testid={`${testId}-position`} onChange={(event) => setPosition(event.target.value)} />
        </label>
      </div>
      <ErrorLine message={message} />
      <div className="actions">
        <button type="submit" disabled={busy} data-testid={`${testId}-submit`}>
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
