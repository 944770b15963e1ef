import type { ReactNode } from 'react';
import { useT } from '../i18n';
import { Link, useLocation } from '../router';

/**
 * The frame of a multi-page area (my account, seller centre, admin): side navigation + page. The
 * area's name is the message `<area>.title`; `links` maps each `<area>.nav.<key>` to its path.
 */
export function AreaLayout({ area, links, children }: { area: string; links: Record<string, string>; children: ReactNode }): ReactNode {
  const t = useT();
  const { path } = useLocation();
  const title = t(`${area}.title`);
  const entries = Object.entries(links);
  const current = entries.reduce<string | undefined>((best, [, to]) => (path.startsWith(to) && to.length > (best?.length ?? -1) ? to : best), undefined);
  return (
    <div className="side-layout">
      <nav className="side-nav" aria-label={title}>
        <strong>{title}</strong>
        {entries.map(([key, to]) => (
          <Link key={to} to={to} className={to === current ? 'active' : undefined} aria-current={to === current ? 'page' : undefined}>
            {t(`${area}.nav.${key}`)}
          </Link>
        ))}
      </nav>
      <section>{children}</section>
    </div>
  );
}
