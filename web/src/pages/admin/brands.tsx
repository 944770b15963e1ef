import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Brand } from '../../api/types';
import { Empty, ErrorLine } from '../../components/states';
import { useAction } from '../../hooks';
import { useT, type Translate } from '../../i18n';
import { conflictSentence, failureOf } from './conflict-sentence';
import { NameField, SaveForm } from './save-form';

interface BrandValues {
  name: string;
  logoUrl: string | null;
}

/** What the API accepts as a logo: an http(s) address or a path on this site. */
const LOGO_URL = /^(https?:\/\/|\/)/;

function validate(t: Translate, name: string, logoUrl: string): string | null {
  if (name.trim() === '') return t('admin.catalog.nameRequired');
  if (logoUrl.trim() !== '' && !LOGO_URL.test(logoUrl.trim())) return t('admin.catalog.logoInvalid');
  return null;
}

interface FormProps {
  initial: BrandValues;
  testId: string;
  submitLabel: string;
  /** Saves; resolves to an error sentence, or null when saved. */
  onSave: (values: BrandValues) => Promise<string | null>;
  onSaved: () => void;
  /** Shows "cancel" (an edit form); without it the form empties itself after a save (a create form). */
  onCancel?: () => void;
}

/** A brand's name and logo address, for creating or editing one. */
function BrandForm({ initial, testId, submitLabel, onSave, onSaved, onCancel }: FormProps): ReactNode {
  const t = useT();
  const [name, setName] = useState(initial.name);
  const [logoUrl, setLogoUrl] = useState(initial.logoUrl ?? '');
  const save = async (): Promise<string | null> => validate(t, name, logoUrl) ?? (await onSave({ name: name.trim(), logoUrl: logoUrl.trim() === '' ? null : logoUrl.trim() }));
  const saved = (): void => {
    if (!onCancel) {
      setName('');
      setLogoUrl('');
    }
    onSaved();
  };
  return (
    <SaveForm testId={testId} submitLabel={submitLabel} save={save} onSaved={saved} onCancel={onCancel}>
      <div className="row">
        <NameField testId={testId} value={name} onChange={setName} />
        <label>
          {t('admin.catalog.logoUrl')}
          <input name="logoUrl" type="text" inputMode="url" value={logoUrl} maxLength={2048} placeholder="https://…" data-testid={`${testId}-logo`} onChange={(event) => setLogoUrl(event.target.value)} />
        </label>
      </div>
    </SaveForm>
  );
}

const sendBrand = (t: Translate, path: string, method: 'POST' | 'PATCH', values: BrandValues): Promise<string | null> =>
  failureOf(t, 'admin.catalog.brandTaken', () => api<Brand>(path, { method, body: values }));

/** A brand's logo, or nothing when the address does not load. */
function Logo({ url }: { url: string }): ReactNode {
  const [broken, setBroken] = useState<string | null>(null);
  if (broken === url) return null;
  return <img src={url} alt="" width={32} height={32} style={{ objectFit: 'contain' }} onError={() => setBroken(url)} />;
}

function BrandRow({ brand, onChanged }: { brand: Brand; onChanged: () => void }): ReactNode {
  const t = useT();
  const [editing, setEditing] = useState(false);
  const removal = useAction();
  const path = `/admin/brands/${encodeURIComponent(brand.id)}`;
  const saved = (): void => {
    setEditing(false);
    onChanged();
  };
  const remove = async (): Promise<void> => {
    if (await removal.run(() => api<void>(path, { method: 'DELETE' }).then(() => true))) onChanged();
  };
  return (
    <li className="card stack" data-testid="brand-row" data-brand-id={brand.id}>
      <div className="toolbar" style={{ marginBottom: 0 }}>
        {brand.logoUrl && <Logo url={brand.logoUrl} />}
        <strong data-testid="brand-name">{brand.name}</strong>
        <span className="spacer" />
        <button type="button" className="link" aria-pressed={editing} data-testid="edit-brand" onClick={() => setEditing(!editing)}>
          {t('admin.catalog.edit')}
        </button>
        <button type="button" className="danger small" disabled={removal.busy} data-testid="delete-brand" onClick={() => void remove()}>
          {t('action.delete')}
        </button>
      </div>
      {brand.logoUrl && <small className="muted">{brand.logoUrl}</small>}
      <ErrorLine message={removal.error ? conflictSentence(t, removal.error, 'admin.catalog.brandInUse') : null} />
      {editing && (
        <BrandForm testId="edit-brand-form" initial={brand} submitLabel={t('action.save')} onSave={(values) => sendBrand(t, path, 'PATCH', values)} onSaved={saved} onCancel={() => setEditing(false)} />
      )}
    </li>
  );
}

/** The brands: a create form, then each brand with its logo, "edit" (name, logo address) and "delete". */
export function BrandList({ brands, onChanged }: { brands: Brand[]; onChanged: () => void }): ReactNode {
  const t = useT();
  return (
    <div className="stack">
      <div className="card">
        <h3>{t('admin.catalog.newBrand')}</h3>
        <BrandForm testId="create-brand" initial={{ name: '', logoUrl: null }} submitLabel={t('admin.catalog.createBrand')} onSave={(values) => sendBrand(t, '/admin/brands', 'POST', values)} onSaved={onChanged} />
      </div>
      {brands.length === 0 ? (
        <Empty>{t('admin.catalog.noBrands')}</Empty>
      ) : (
        <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {brands.map((brand) => (
            <BrandRow key={brand.id} brand={brand} onChanged={onChanged} />
          ))}
        </ul>
      )}
    </div>
  );
}
