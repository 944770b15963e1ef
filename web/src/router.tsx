import { createContext, useContext, useSyncExternalStore, type AnchorHTMLAttributes, type ReactNode, type MouseEvent } from 'react';

/**
 * A small client-side router on the History API: routes are data (pattern → page), paths like
 * `/products/:id` give their params to the page. The api process answers index.html for every
 * non-API path, so deep links and reloads work.
 */

export interface Route {
  path: string;
  render: (params: Record<string, string>) => ReactNode;
  /** Who may open it: everyone (default), a signed-in user, or an admin. */
  access?: 'public' | 'user' | 'admin';
}

interface Location {
  path: string;
  search: URLSearchParams;
}

const NAVIGATE_EVENT = 'flashmart:navigate';

let snapshot: Location | null = null;
let snapshotHref = '';

/** The current location, the same object for as long as the URL does not change. */
function currentLocation(): Location {
  const href = window.location.pathname + window.location.search;
  if (!snapshot || href !== snapshotHref) {
    snapshotHref = href;
    snapshot = { path: window.location.pathname, search: new URLSearchParams(window.location.search) };
  }
  return snapshot;
}

function subscribeToLocation(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

/** Goes to a path of the app without reloading the page. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.scrollTo(0, 0);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

const LocationContext = createContext<Location>(currentLocation());

/**
 * Provides the location through useSyncExternalStore, so a navigation made by a child's effect
 * before this provider has subscribed (children's effects run first) is not missed.
 */
export function LocationProvider({ children }: { children: ReactNode }): ReactNode {
  const location = useSyncExternalStore(subscribeToLocation, currentLocation);
  return <LocationContext.Provider value={location}>{children}</LocationContext.Provider>;
}

export function useLocation(): Location {
  return useContext(LocationContext);
}

/** Matches a path against a pattern like `/orders/:id`; null when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i] ?? '';
    const value = have[i] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(value);
    else if (part !== value) return null;
  }
  return params;
}

export function findRoute(routes: Route[], path: string): { route: Route; params: Record<string, string> } | null {
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return null;
}

/** An `<a>` that navigates inside the app (a modified click still opens a new tab). */
export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>): ReactNode {
  const onClick = (event: MouseEvent<HTMLAnchorElement>): void => {
    rest.onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} {...rest} onClick={onClick}>
      {children}
    </a>
  );
}
