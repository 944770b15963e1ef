import { useEffect, type ReactNode } from 'react';
import { AreaLayout } from '../../components/area-layout';
import { Loading } from '../../components/states';
import { navigate, type Route } from '../../router';
import { AddressesPage } from './addresses-page';
import { CouponsPage } from './coupons-page';
import { NotificationsPage } from './notifications-page';
import { OrderDetailPage } from './order-detail';
import { OrdersPage } from './orders-page';
import { WalletPage } from './wallet-page';

function AccountHome(): ReactNode {
  useEffect(() => navigate('/account/orders', { replace: true }), []);
  return <Loading />;
}

/** The side navigation: `account.nav.<key>` → path. */
const LINKS = { orders: '/account/orders', wallet: '/account/wallet', coupons: '/account/coupons', notifications: '/account/notifications', addresses: '/account/addresses' };

const framed = (page: ReactNode): ReactNode => (
  <AreaLayout area="account" links={LINKS}>
    {page}
  </AreaLayout>
);

/** "My account": the signed-in user's orders, wallet, coupons, notifications and addresses. */
export const accountRoutes: Route[] = [
  { path: '/account', access: 'user', render: () => <AccountHome /> },
  { path: '/account/orders', access: 'user', render: () => framed(<OrdersPage />) },
  { path: '/account/orders/:id', access: 'user', render: ({ id = '' }) => framed(<OrderDetailPage key={id} id={id} />) },
  { path: '/account/wallet', access: 'user', render: () => framed(<WalletPage />) },
  { path: '/account/coupons', access: 'user', render: () => framed(<CouponsPage />) },
  { path: '/account/notifications', access: 'user', render: () => framed(<NotificationsPage />) },
  { path: '/account/addresses', access: 'user', render: () => framed(<AddressesPage />) },
];
