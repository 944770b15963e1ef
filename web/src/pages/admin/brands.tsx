import { useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Brand } from '../../api/types';
import { Empty } from '../../components/states';
import { useT, type Translate } from '../../i18n';
import { ErrorLine } from './error-line';
import { conflictSentence, useMutation } from './use-mutation';

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

/** A brand's name and logo address, for creating or editing one. Saves through `onSave`, which answers an error sentence or null. */
function BrandForm({ initial, testId, submitLabel, onSave, onCancel }: { initial: BrandValues; testId: string; submitLabel: string; onSave: (values: BrandValues) => Promise<string | null>; onCancel?: () => void }): ReactNode {
  const t = useT();
  const [name, setName] = useState(initial.name);
  const [logoUrl, setLogoUrl] = useState(initial.logoUrl ?? '');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const invalid = validate(t, name, logoUrl);
    if (invalid) return setMessage(invalid);
    setBusy(true);
    const failure = await onSave({ name: name.trim(), logoUrl: logoUrl.trim() === '' ? null : logoUrl.trim() });
    setBusy(false);
    setMessage(failure);
    if (failure === null && !onCancel) {
      setName('');
      setLogoUrl('');
    }
  };
  return (
    <form className="form" data-testid={testId} onSubmit={(event) => void submit(event)}>
      <div className="row">
        <label>
          {t('admin.catalog.name')}
          <input name="name" value={name} maxLength={100} required data-testid={`${testId}-name`} onChange={(event) => setName(event.target.value)} />
        </label>
        <label>
          {t('admin.catalog.logoUrl')}
          <input name="logoUrl" type="text" inputMode="url" value={logoUrl} maxLength={2048} placeholder="https://…" data-testid={`${testId}-logo`} onChange={(event) => setLogoUrl(event.target.value)} />
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

async function sendBrand(t: Translate, path: string, method: 'POST' | 'PATCH', values: BrandValues): Promise<string | null> {
  try {
    await api<Brand>(path, { method, body: values });
    return null;
  } catch (error) {
    return conflictSentence(t, error, 'admin.catalog.brandTaken');
  }
}

/** A brand's logo, or nothing when the address does not load. */
function Logo({ url }: { url: string }): ReactNode {
  const [broken, setBroken] = useState<string | null>(null);
  if (broken === url) return null;
  return <img src={url} alt="" width={32} height={32} style={{ objectFit: 'contain' }} onError={() => setBroken(url)} />;
}

function BrandRow({ brand, onChanged }: { brand: Brand; onChanged: () => void }): ReactNode {
  const t = useT();
  const [editing, setEditing] = useState(false);
  const removal = useMutation();
  const path = `/admin/brands/${encodeURIComponent(brand.id)}`;
  const save = async (values: BrandValues): Promise<string | null> => {
    const failure = await sendBrand(t, path, 'PATCH', values);
    if (failure === null) {
      setEditing(false);
      onChanged();
    }
    return failure;
  };
  const remove = async (): Promise<void> => {
    if (await removal.run(() => api<void>(path, { method: 'DELETE' }))) onChanged();
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
      {editing && <BrandForm testId="edit-brand-form" initial={brand} submitLabel={t('action.save')} onSave={save} onCancel={() => setEditing(false)} />}
    </li>
  );
}

/** The brands: a create form, then each brand with its logo, "edit" (name, logo address) and "delete". */
export function BrandList({ brands, onChanged }: { brands: Brand[]; onChanged: () => void }): ReactNode {
  const t = useT();
  const create = async (values: BrandValues): Promise<string | null> => {
    const failure = await sendBrand(t, '/admin/brands', 'POST', values);
    if (failure === null) onChanged();
    return failure;
  };
  return (
    <div className="stack">
      <div className="card">
        <h3>{t('admin.catalog.newBrand')}</h3>
        <BrandForm testId="create-brand" initial={{ name: '', logoUrl: null }} submitLabel={t('admin.catalog.createBrand')} onSave={create} />
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
