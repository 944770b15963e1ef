import type { ReactNode } from 'react';
import { useT } from '../i18n';
import { Link, useLocation } from '../router';

/**
 * The `?status=` of the current address when it is one of `allowed`, else `fallback`: kept in the
 * URL so a reload keeps the tab.
 */
export function useStatusParam<V extends string>(allowed: readonly V[], fallback: V): V {
  const { search } = useLocation();
  const status = search.get('status') ?? '';
  return allowed.find((value) => value === status) ?? fallback;
}

interface Props<V extends string> {
  /** The list's path: a tab links to `base?status=<value>`, the tab '' to `base` itself. */
  base: string;
  /** Order or flash-sale statuses (`status.<kind>.*`); '' and 'all' stand for all of them. */
  kind: 'order' | 'sale';
  values: readonly V[];
  current: V;
  testId?: (value: V) => string;
  label?: string;
}

/** One link per status to the same list, the current one marked. */
export function StatusTabs<V extends string>({ base, kind, values, current, testId, label }: Props<V>): ReactNode {
  const t = useT();
  return (
    <nav className="tabs" aria-label={label}>
      {values.map((value) => (
        <Link
          key={value || 'all'}
          to={value ? `${base}?status=${value}` : base}
          className={value === current ? 'active' : undefined}
          aria-current={value === current ? 'page' : undefined}
          data-testid={testId?.(value)}
        >
          {value === '' || value === 'all' ? t('status.all') : t(`status.${kind}.${value}`)}
        </Link>
      ))}
    </nav>
  );
}
