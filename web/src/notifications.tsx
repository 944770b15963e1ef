import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api } from './api/client';
import { subscribe } from './api/event-stream';
import type { Notification } from './api/types';
import { useAuth } from './auth';

/** The signed-in user's live notifications: the unread badge, and a feed pages can listen to. */
interface Notifications {
  unread: number;
  refreshUnread(): void;
  listeners: Set<(notification: Notification) => void>;
}

const NotificationsContext = createContext<Notifications | null>(null);

export function NotificationsProvider({ children }: { children: ReactNode }): ReactNode {
  const { user } = useAuth();
  const [unread, setUnread] = useState(0);
  const listeners = useRef(new Set<(notification: Notification) => void>());

  const refreshUnread = useCallback(() => {
    if (!user) return;
    api<{ unread: number }>('/notifications/unread-count').then(
      (answer) => setUnread(answer.unread),
      () => undefined,
    );
  }, [user]);

  useEffect(() => {
    if (!user) {
      setUnread(0);
      return;
    }
    refreshUnread();
    return subscribe(
      '/notifications/stream',
      (event) => {
        if (event.event !== 'notification') return;
        const notification = JSON.parse(event.data) as Notification;
        if (!notification.read) setUnread((n) => n + 1);
        for (const listener of listeners.current) listener(notification);
      },
      { auth: true },
    );
  }, [user, refreshUnread]);

  const value = useMemo<Notifications>(
    () => ({
      unread,
      refreshUnread,
      listeners: listeners.current,
    }),
    [unread, refreshUnread],
  );
  return <NotificationsContext.Provider value={value}>{children}</NotificationsContext.Provider>;
}

export function useNotifications(): Notifications {
  const context = useContext(NotificationsContext);
  if (!context) throw new Error('useNotifications outside NotificationsProvider');
  return context;
}

/** Calls `listener` for every notification that arrives while the calling page is open. */
export function useLiveNotifications(listener: (notification: Notification) => void): void {
  const { listeners } = useNotifications();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => {
    const call = (notification: Notification): void => latest.current(notification);
    listeners.add(call);
    return () => void listeners.delete(call);
  }, [listeners]);
}
