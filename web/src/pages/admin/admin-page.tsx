import type { ReactNode } from 'react';
import { AreaLayout } from '../../components/area-layout';

/** The side navigation: `admin.nav.<key>` → path. */
const LINKS = { stats: '/admin', users: '/admin/users', orders: '/admin/orders', flashSales: '/admin/flash-sales', catalog: '/admin/catalog', auditLog: '/admin/audit-log' };

/** The frame of every admin page: the admin side navigation, then the page's title and body. */
export function AdminPage({ title, children }: { title: string; children: ReactNode }): ReactNode {
  return (
    <AreaLayout area="admin" links={LINKS}>
      <h1>{title}</h1>
      {children}
    </AreaLayout>
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
