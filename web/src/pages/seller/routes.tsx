import type { ReactNode } from 'react';
import { AreaLayout } from '../../components/area-layout';
import type { Route } from '../../router';
import { CouponsPage } from './coupons-page';
import { FlashSaleNewPage } from './flash-sale-new-page';
import { FlashSalesPage } from './flash-sales-page';
import { OrdersPage } from './orders-page';
import { OverviewPage } from './overview-page';
import { ProductEditPage } from './product-edit-page';
import { ProductNewPage } from './product-new-page';
import { ProductsPage } from './products-page';

/** The side navigation: `seller.nav.<key>` → path. */
const LINKS = { overview: '/seller', products: '/seller/products', orders: '/seller/orders', flashSales: '/seller/flash-sales', coupons: '/seller/coupons' };

const framed = (page: ReactNode): ReactNode => (
  <AreaLayout area="seller" links={LINKS}>
    {page}
  </AreaLayout>
);

/** The seller centre: every page needs a signed-in user (anyone may sell). */
export const sellerRoutes: Route[] = [
  { path: '/seller', access: 'user', render: () => framed(<OverviewPage />) },
  { path: '/seller/products', access: 'user', render: () => framed(<ProductsPage />) },
  // Before /seller/products/:id, which "new" would otherwise match.
  { path: '/seller/products/new', access: 'user', render: () => framed(<ProductNewPage />) },
  { path: '/seller/products/:id', access: 'user', render: ({ id = '' }) => framed(<ProductEditPage key={id} id={id} />) },
  { path: '/seller/flash-sales', access: 'user', render: () => framed(<FlashSalesPage />) },
  { path: '/seller/flash-sales/new', access: 'user', render: () => framed(<FlashSaleNewPage />) },
  { path: '/seller/coupons', access: 'user', render: () => framed(<CouponsPage />) },
  { path: '/seller/orders', access: 'user', render: () => framed(<OrdersPage />) },
];
