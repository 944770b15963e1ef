import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Category } from '../../api/types';
import { flattenCategories } from '../../categories';
import { useT, type Translate } from '../../i18n';
import { failureOf } from './conflict-sentence';
import { NameField, SaveForm } from './save-form';

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
export function parentChoices(tree: Category[], except?: string): ParentChoice[] {
  return flattenCategories(tree, except).map((category) => ({ id: category.id, label: `${'— '.repeat(category.depth)}${category.name}` }));
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
  onSaved: () => void;
  onCancel?: () => void;
  /** Empties the form after a successful save (a create form). */
  resetOnSave?: boolean;
}

/** A category's name, parent and position, for creating or editing one. */
export function CategoryForm({ initial, parents, submitLabel, testId, onSubmit, onSaved, onCancel, resetOnSave }: Props): ReactNode {
  const t = useT();
  const [name, setName] = useState(initial.name);
  const [parentId, setParentId] = useState(initial.parentId ?? '');
  const [position, setPosition] = useState(initial.position === undefined ? '' : String(initial.position));

  const save = async (): Promise<string | null> => {
    const parsed = parsePosition(position);
    if (name.trim() === '') return t('admin.catalog.nameRequired');
    if (parsed === null) return t('admin.catalog.positionInvalid', { max: MAX_POSITION });
    return onSubmit({ name: name.trim(), parentId: parentId === '' ? null : parentId, position: parsed });
  };
  const saved = (): void => {
    if (resetOnSave) {
      setName('');
      setPosition('');
    }
    onSaved();
  };

  return (
    <SaveForm testId={testId} submitLabel={submitLabel} save={save} onSaved={saved} onCancel={onCancel}>
      <div className="row">
        <NameField testId={testId} value={name} onChange={setName} />
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
    </SaveForm>
  );
}

/** Creates a category (POST /admin/categories); resolves null, or why it failed as a sentence. */
export function createCategory(t: Translate, values: CategoryValues): Promise<string | null> {
  const body = { name: values.name, parentId: values.parentId, ...(values.position !== undefined && { position: values.position }) };
  return failureOf(t, 'admin.catalog.categoryConflict', () => api<Category>('/admin/categories', { method: 'POST', body }));
}
