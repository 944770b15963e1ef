import { useState, type FormEvent, type ReactNode } from 'react';
import { useAuth } from '../auth';
import { LANGUAGES, useI18n, type Language } from '../i18n';
import { useNotifications } from '../notifications';
import { Link, navigate, useLocation } from '../router';

function SearchBox(): ReactNode {
  const { t } = useI18n();
  const { search } = useLocation();
  const [q, setQ] = useState(search.get('q') ?? '');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    navigate(`/search?q=${encodeURIComponent(q.trim())}`);
  };
  return (
    <form className="search-box" role="search" onSubmit={submit}>
      <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('nav.search')} aria-label={t('nav.search')} />
      <button type="submit">{t('action.search')}</button>
    </form>
  );
}

function LanguageSwitch(): ReactNode {
  const { language, setLanguage, t } = useI18n();
  return (
    <select className="language" aria-label={t('nav.language')} value={language} onChange={(e) => setLanguage(e.target.value as Language)} data-testid="language">
      {LANGUAGES.map((code) => (
        <option key={code} value={code}>
          {code === 'zh-CN' ? '中文' : 'English'}
        </option>
      ))}
    </select>
  );
}

function UserMenu({ onNavigate }: { onNavigate(): void }): ReactNode {
  const { t } = useI18n();
  const { user, isAdmin, logout } = useAuth();
  const { unread } = useNotifications();
  if (!user) {
    return (
      <>
        <Link to="/login" onClick={onNavigate}>
          {t('nav.login')}
        </Link>
        <Link to="/register" onClick={onNavigate} className="button small">
          {t('nav.register')}
        </Link>
      </>
    );
  }
  return (
    <>
      <Link to="/cart" onClick={onNavigate}>
        {t('nav.cart')}
      </Link>
      <Link to="/account/orders" onClick={onNavigate}>
        {t('nav.account')}
      </Link>
      <Link to="/account/notifications" onClick={onNavigate} className="with-badge" aria-label={`${t('nav.notifications')} (${unread})`}>
        {t('nav.notifications')}
        {unread > 0 && (
          <span className="count" data-testid="unread-badge">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </Link>
      <Link to="/seller" onClick={onNavigate}>
        {t('nav.seller')}
      </Link>
      {isAdmin && (
        <Link to="/admin" onClick={onNavigate}>
          {t('nav.admin')}
        </Link>
      )}
      <button
        type="button"
        className="link"
        onClick={() => {
          onNavigate();
          void logout().then(() => navigate('/'));
        }}
      >
        {t('nav.logout')} ({user.username})
      </button>
    </>
  );
}

/** Header (logo, search, navigation, language), the page, and a footer. */
export function Layout({ children }: { children: ReactNode }): ReactNode {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <div className="app">
      <header className="top">
        <div className="top-inner">
          <Link to="/" className="logo">
            ⚡ {t('app.name')}
          </Link>
          <SearchBox />
          <button type="button" className="menu-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
            {t('nav.menu')}
          </button>
          <nav className={open ? 'main-nav open' : 'main-nav'} aria-label="main">
            <Link to="/flash-sales" onClick={() => setOpen(false)}>
              {t('nav.flashSales')}
            </Link>
            <UserMenu onNavigate={() => setOpen(false)} />
            <LanguageSwitch />
          </nav>
        </div>
      </header>
      <main className="page">{children}</main>
      <footer className="bottom">
        <span>{t('app.name')}</span> · <a href="/docs">API</a>
      </footer>
    </div>
  );
}
