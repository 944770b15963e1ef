import type { ReactNode } from 'react';
import { Link, useLocation } from '../router';

export interface AreaLink {
  to: string;
  label: string;
}

/** The frame of a multi-page area (my account, seller centre, admin): side navigation + page. */
export function AreaLayout({ title, links, children }: { title: string; links: AreaLink[]; children: ReactNode }): ReactNode {
  const { path } = useLocation();
  const current = links.reduce<AreaLink | undefined>((best, link) => (path.startsWith(link.to) && link.to.length > (best?.to.length ?? -1) ? link : best), undefined);
  return (
    <div className="side-layout">
      <nav className="side-nav" aria-label={title}>
        <strong>{title}</strong>
        {links.map((link) => (
          <Link key={link.to} to={link.to} className={link === current ? 'active' : undefined} aria-current={link === current ? 'page' : undefined}>
            {link.label}
          </Link>
        ))}
      </nav>
      <section>{children}</section>
    </div>
  );
}
