import type { Route } from '../../router';
import { CouponsPage } from './coupons-page';
import { FlashSaleNewPage } from './flash-sale-new-page';
import { FlashSalesPage } from './flash-sales-page';
import { OrdersPage } from './orders-page';
import { OverviewPage } from './overview-page';
import { ProductEditPage } from './product-edit-page';
import { ProductNewPage } from './product-new-page';
import { ProductsPage } from './products-page';

/** The seller centre: every page needs a signed-in user (anyone may sell). */
export const sellerRoutes: Route[] = [
  { path: '/seller', access: 'user', render: () => <OverviewPage /> },
  { path: '/seller/products', access: 'user', render: () => <ProductsPage /> },
  // Before /seller/products/:id, which "new" would otherwise match.
  { path: '/seller/products/new', access: 'user', render: () => <ProductNewPage /> },
  { path: '/seller/products/:id', access: 'user', render: ({ id = '' }) => <ProductEditPage key={id} id={id} /> },
  { path: '/seller/flash-sales', access: 'user', render: () => <FlashSalesPage /> },
  { path: '/seller/flash-sales/new', access: 'user', render: () => <FlashSaleNewPage /> },
  { path: '/seller/coupons', access: 'user', render: () => <CouponsPage /> },
  { path: '/seller/orders', access: 'user', render: () => <OrdersPage /> },
];
