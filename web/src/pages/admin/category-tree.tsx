import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Category } from '../../api/types';
import { ErrorLine } from '../../components/states';
import { useAction } from '../../hooks';
import { useT, type Translate } from '../../i18n';
import { conflictSentence, failureOf } from './conflict-sentence';
import { CategoryForm, createCategory, parentChoices, type CategoryValues } from './category-form';

type Mode = 'view' | 'edit' | 'add';

interface TreeProps {
  tree: Category[];
  /** Called after any change, to load the tree again. */
  onChanged: () => void;
}

/** Only the fields that changed: PATCH wants at least one, and sends nothing it does not need. */
function changesOf(node: Category, values: CategoryValues): { name?: string; parentId?: string | null; position?: number } {
  return {
    ...(values.name !== node.name && { name: values.name }),
    ...(values.parentId !== node.parentId && { parentId: values.parentId }),
    ...(values.position !== undefined && values.position !== node.position && { position: values.position }),
  };
}

function saveCategory(t: Translate, node: Category, values: CategoryValues): Promise<string | null> {
  const changes = changesOf(node, values);
  if (Object.keys(changes).length === 0) return Promise.resolve(null);
  return failureOf(t, 'admin.catalog.categoryLoop', () => api<Category>(`/admin/categories/${encodeURIComponent(node.id)}`, { method: 'PATCH', body: changes }));
}

function NodeActions({ node, mode, setMode, onChanged }: { node: Category; mode: Mode; setMode: (mode: Mode) => void; onChanged: () => void }): ReactNode {
  const t = useT();
  const removal = useAction();
  const remove = async (): Promise<void> => {
    if (await removal.run(() => api<void>(`/admin/categories/${encodeURIComponent(node.id)}`, { method: 'DELETE' }).then(() => true))) onChanged();
  };
  return (
    <>
      <span className="actions">
        <button type="button" className="link" aria-pressed={mode === 'add'} data-testid="add-subcategory" onClick={() => setMode(mode === 'add' ? 'view' : 'add')}>
          {t('admin.catalog.addChild')}
        </button>{' '}
        <button type="button" className="link" aria-pressed={mode === 'edit'} data-testid="edit-category" onClick={() => setMode(mode === 'edit' ? 'view' : 'edit')}>
          {t('admin.catalog.edit')}
        </button>{' '}
        <button type="button" className="danger small" disabled={removal.busy} data-testid="delete-category" onClick={() => void remove()}>
          {t('action.delete')}
        </button>
      </span>
      <ErrorLine message={removal.error ? conflictSentence(t, removal.error, 'admin.catalog.categoryInUse') : null} />
    </>
  );
}

function CategoryNode({ node, tree, onChanged }: { node: Category; tree: Category[]; onChanged: () => void }): ReactNode {
  const t = useT();
  const [mode, setMode] = useState<Mode>('view');
  const done = (): void => {
    setMode('view');
    onChanged();
  };
  return (
    <li data-testid="category-node" data-category-id={node.id}>
      <div className="toolbar" style={{ marginBottom: '0.25rem' }}>
        <strong data-testid="category-name">{node.name}</strong>
        <span className="muted" title={t('admin.catalog.position')} data-testid="category-position">
          #{node.position}
        </span>
        <NodeActions node={node} mode={mode} setMode={setMode} onChanged={onChanged} />
      </div>
      {mode === 'edit' && (
        <CategoryForm
          testId="edit-category-form"
          initial={{ name: node.name, parentId: node.parentId, position: node.position }}
          parents={parentChoices(tree, node.id)}
          submitLabel={t('action.save')}
          onSubmit={(values) => saveCategory(t, node, values)}
          onSaved={done}
          onCancel={() => setMode('view')}
        />
      )}
      {mode === 'add' && (
        <CategoryForm
          testId="create-child-category"
          initial={{ name: '', parentId: node.id, position: undefined }}
          submitLabel={t('admin.catalog.addChildOf', { name: node.name })}
          onSubmit={(values) => createCategory(t, { ...values, parentId: node.id })}
          onSaved={done}
          onCancel={() => setMode('view')}
        />
      )}
      {node.children.length > 0 && <CategoryList nodes={node.children} tree={tree} onChanged={onChanged} />}
    </li>
  );
}

function CategoryList({ nodes, tree, onChanged }: { nodes: Category[]; tree: Category[]; onChanged: () => void }): ReactNode {
  return (
    <ul>
      {nodes.map((node) => (
        <CategoryNode key={node.id} node={node} tree={tree} onChanged={onChanged} />
      ))}
    </ul>
  );
}

/** The category tree, each category with "add sub-category", "edit" (name, parent, position) and "delete". */
export function CategoryTree({ tree, onChanged }: TreeProps): ReactNode {
  return <CategoryList nodes={tree} tree={tree} onChanged={onChanged} />;
}
