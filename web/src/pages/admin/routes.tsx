import type { Route } from '../../router';
import { AuditLogPage } from './audit-log';
import { CatalogPage } from './catalog';
import { FlashSalesPage } from './flash-sales';
import { OrdersPage } from './orders';
import { StatsPage } from './stats';
import { UsersPage } from './users';

/** The admin console: statistics, users, orders, flash sales, catalog and the operation log. */
export const adminRoutes: Route[] = [
  { path: '/admin', access: 'admin', render: () => <StatsPage /> },
  { path: '/admin/users', access: 'admin', render: () => <UsersPage /> },
  { path: '/admin/orders', access: 'admin', render: () => <OrdersPage /> },
  { path: '/admin/flash-sales', access: 'admin', render: () => <FlashSalesPage /> },
  { path: '/admin/catalog', access: 'admin', render: () => <CatalogPage /> },
  { path: '/admin/audit-log', access: 'admin', render: () => <AuditLogPage /> },
];
