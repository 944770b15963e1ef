import type { ReactNode } from 'react';
import { AreaLayout } from '../../components/area-layout';
import { useT } from '../../i18n';
import { Link, useLocation } from '../../router';

/** The frame of every admin page: the admin side navigation, then the page's title and body. */
export function AdminPage({ title, children }: { title: string; children: ReactNode }): ReactNode {
  const t = useT();
  const links = [
    { to: '/admin', label: t('admin.nav.stats') },
    { to: '/admin/users', label: t('admin.nav.users') },
    { to: '/admin/orders', label: t('admin.nav.orders') },
    { to: '/admin/flash-sales', label: t('admin.nav.flashSales') },
    { to: '/admin/catalog', label: t('admin.nav.catalog') },
    { to: '/admin/audit-log', label: t('admin.nav.auditLog') },
  ];
  return (
    <AreaLayout title={t('admin.title')} links={links}>
      <h1>{title}</h1>
      {children}
    </AreaLayout>
  );
}

/** The `?status=` of the current address ('' for all), kept in the URL so a reload keeps the tab. */
export function useStatusParam<S extends string>(allowed: readonly S[]): S | '' {
  const { search } = useLocation();
  const status = search.get('status') ?? '';
  return (allowed as readonly string[]).includes(status) ? (status as S) : '';
}

/** Tabs "All" + one per status, each a link to `base?status=…`. */
export function StatusTabs<S extends string>({ base, statuses, current, label }: { base: string; statuses: readonly S[]; current: S | ''; label: (status: S) => string }): ReactNode {
  const t = useT();
  const tabs: { status: S | ''; text: string }[] = [{ status: '', text: t('admin.tabs.all') }, ...statuses.map((status) => ({ status, text: label(status) }))];
  return (
    <nav className="tabs" aria-label={t('admin.tabs.label')}>
      {tabs.map((tab) => (
        <Link
          key={tab.status || 'all'}
          to={tab.status ? `${base}?status=${tab.status}` : base}
          className={tab.status === current ? 'active' : undefined}
          aria-current={tab.status === current ? 'page' : undefined}
          data-testid={`tab-${tab.status || 'all'}`}
        >
          {tab.text}
        </Link>
      ))}
    </nav>
  );
}

/** The first 8 characters of an opaque id, with the whole id as its tooltip. */
export function ShortId({ id }: { id: string }): ReactNode {
  return (
    <code title={id} className="muted">
      {id.slice(0, 8)}
    </code>
  );
}
