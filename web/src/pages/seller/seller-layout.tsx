import type { ReactNode } from 'react';
import { AreaLayout } from '../../components/area-layout';
import { useT } from '../../i18n';

/** The seller centre's frame: side navigation to its pages, then the page. */
export function SellerLayout({ children }: { children: ReactNode }): ReactNode {
  const t = useT();
  const links = [
    { to: '/seller', label: t('seller.nav.overview') },
    { to: '/seller/products', label: t('seller.nav.products') },
    { to: '/seller/orders', label: t('seller.nav.orders') },
    { to: '/seller/flash-sales', label: t('seller.nav.flashSales') },
    { to: '/seller/coupons', label: t('seller.nav.coupons') },
  ];
  return (
    <AreaLayout title={t('seller.title')} links={links}>
      {children}
    </AreaLayout>
  );
}
