import type { Route } from '../../router';
import { CartPage } from './cart';
import { CheckoutPage } from './checkout';
import { FlashSalePage, FlashSalesPage } from './flash-sale';
import { HomePage } from './home';
import { ProductPage } from './product';
import { SearchPage } from './search';

export const storeRoutes: Route[] = [
  { path: '/', render: () => <HomePage /> },
  { path: '/search', render: () => <SearchPage /> },
  { path: '/products/:id', render: ({ id = '' }) => <ProductPage key={id} id={id} /> },
  { path: '/flash-sales', render: () => <FlashSalesPage /> },
  { path: '/flash-sales/:id', render: ({ id = '' }) => <FlashSalePage key={id} id={id} /> },
  { path: '/cart', render: () => <CartPage />, access: 'user' },
  { path: '/checkout', render: () => <CheckoutPage />, access: 'user' },
];
