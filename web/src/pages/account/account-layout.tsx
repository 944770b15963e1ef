import type { ReactNode } from 'react';
import { AreaLayout } from '../../components/area-layout';
import { useT } from '../../i18n';

/** The side navigation of "My account" around one of its pages. */
export function AccountLayout({ children }: { children: ReactNode }): ReactNode {
  const t = useT();
  const links = [
    { to: '/account/orders', label: t('account.nav.orders') },
    { to: '/account/wallet', label: t('account.nav.wallet') },
    { to: '/account/coupons', label: t('account.nav.coupons') },
    { to: '/account/notifications', label: t('account.nav.notifications') },
    { to: '/account/addresses', label: t('account.nav.addresses') },
  ];
  return (
    <AreaLayout title={t('account.title')} links={links}>
      {children}
    </AreaLayout>
  );
}
