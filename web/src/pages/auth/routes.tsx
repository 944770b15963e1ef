import { useState, type FormEvent, type ReactNode } from 'react';
import { useAuth } from '../../auth';
import { ErrorMessage } from '../../components/states';
import { useAction } from '../../hooks';
import { useT } from '../../i18n';
import { Link, navigate, useLocation, type Route } from '../../router';

/** Where to go after signing in: the page that asked (only a path of this app), else home. */
function nextPath(search: URLSearchParams): string {
  const next = search.get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function AuthForm({ mode }: { mode: 'login' | 'register' }): ReactNode {
  const t = useT();
  const auth = useAuth();
  const { search } = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const done = await action.run(() => (mode === 'login' ? auth.login(username, password) : auth.register(username, password)).then(() => true));
    if (done) navigate(nextPath(search), { replace: true });
  };

  const other = mode === 'login' ? '/register' : '/login';
  const keep = search.get('next') ? `?next=${encodeURIComponent(search.get('next') ?? '')}` : '';
  return (
    <section className="narrow card">
      <h1>{t(mode === 'login' ? 'auth.loginTitle' : 'auth.registerTitle')}</h1>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label>
          {t('auth.username')}
          <input name="username" autoComplete="username" required minLength={3} maxLength={32} pattern="[A-Za-z0-9_]+" value={username} onChange={(e) => setUsername(e.target.value)} />
          {mode === 'register' && <small>{t('auth.usernameHint')}</small>}
        </label>
        <label>
          {t('auth.password')}
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            minLength={mode === 'register' ? 8 : 1}
            maxLength={128}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {mode === 'register' && <small>{t('auth.passwordHint')}</small>}
        </label>
        <ErrorMessage error={action.error} />
        <button type="submit" disabled={action.busy} data-testid="auth-submit">
          {t(mode === 'login' ? 'nav.login' : 'nav.register')}
        </button>
      </form>
      <p className="muted">
        {t(mode === 'login' ? 'auth.noAccount' : 'auth.haveAccount')} <Link to={`${other}${keep}`}>{t(mode === 'login' ? 'nav.register' : 'nav.login')}</Link>
      </p>
    </section>
  );
}

export const authRoutes: Route[] = [
  { path: '/login', render: () => <AuthForm mode="login" /> },
  { path: '/register', render: () => <AuthForm mode="register" /> },
];
