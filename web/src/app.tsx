import { useEffect, type ReactNode } from 'react';
import { AuthProvider, useAuth } from './auth';
import { Layout } from './components/layout';
import { Loading } from './components/states';
import { LanguageProvider, useT } from './i18n';
import { NotificationsProvider } from './notifications';
import { accountRoutes } from './pages/account/routes';
import { adminRoutes } from './pages/admin/routes';
import { authRoutes } from './pages/auth/routes';
import { sellerRoutes } from './pages/seller/routes';
import { storeRoutes } from './pages/store/routes';
import { findRoute, LocationProvider, navigate, useLocation, type Route } from './router';

const routes: Route[] = [...storeRoutes, ...authRoutes, ...accountRoutes, ...sellerRoutes, ...adminRoutes];

function NotFound(): ReactNode {
  const t = useT();
  return <p className="state">{t('state.notFound')}</p>;
}

/** Sends a visitor who is not signed in to the login page, and back here afterwards. */
function LoginRedirect({ path }: { path: string }): ReactNode {
  useEffect(() => navigate(`/login?next=${encodeURIComponent(path)}`, { replace: true }), [path]);
  return <Loading />;
}

function CurrentPage(): ReactNode {
  const { path, search } = useLocation();
  const { user, loading, isAdmin } = useAuth();
  const t = useT();
  const match = findRoute(routes, path);
  if (!match) return <NotFound />;
  const access = match.route.access ?? 'public';
  if (access !== 'public') {
    if (loading) return <Loading />;
    if (!user) return <LoginRedirect path={`${path}${search.size > 0 ? `?${search.toString()}` : ''}`} />;
    if (access === 'admin' && !isAdmin) return <p className="state">{t('state.adminOnly')}</p>;
  }
  return match.route.render(match.params);
}

export function App(): ReactNode {
  return (
    <LanguageProvider>
      <LocationProvider>
        <AuthProvider>
          <NotificationsProvider>
            <Layout>
              <CurrentPage />
            </Layout>
          </NotificationsProvider>
        </AuthProvider>
      </LocationProvider>
    </LanguageProvider>
  );
}
