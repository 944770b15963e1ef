import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import type { Notification } from '../../api/types';
import { Empty, ErrorMessage, Loading, MoreButton } from '../../components/states';
import { formatDateTime } from '../../format';
import { useAction, useCursorList, type Action, type CursorList } from '../../hooks';
import { useI18n } from '../../i18n';
import { useLiveNotifications, useNotifications } from '../../notifications';

/**
 * The server writes notifications in English; their titles are a small fixed set, shown in the
 * visitor's language when known (the body stays as written).
 */
function notificationTitle(t: (key: string) => string, title: string): string {
  const key = `account.notificationTitle.${title}`;
  const translated = t(key);
  return translated === key ? title : translated;
}

function NotificationCard({ notification, read, action, onRead }: { notification: Notification; read: boolean; action: Action; onRead(): void }): ReactNode {
  const { t, language } = useI18n();
  const unreadStyle = read ? undefined : { borderLeft: '4px solid var(--red)', background: '#fff8f8' };
  return (
    <article className="card" style={{ display: 'grid', gap: '0.3rem', ...unreadStyle }} data-testid="notification-row" data-notification-id={notification.id} data-read={read}>
      <span style={{ display: 'flex', justifyContent: 'space-between', gap: '0.5rem', flexWrap: 'wrap', alignItems: 'baseline' }}>
        <span style={{ fontWeight: read ? 500 : 700 }}>
          {!read && <span className="badge status-pending">{t('account.notifications.new')}</span>} {notificationTitle(t, notification.title)}
        </span>
        <span className="muted" style={{ fontSize: '0.85rem' }}>
          {formatDateTime(notification.createdAt, language)}
        </span>
      </span>
      <span>{notification.body}</span>
      {!read && (
        <span>
          <button type="button" className="link small" disabled={action.busy} onClick={onRead} data-testid="notification-mark-read">
            {t('account.notifications.markRead')}
          </button>
        </span>
      )}
    </article>
  );
}

/** The listed notifications, with those that arrived live on top and what was marked read since. */
function useNotificationFeed(): { list: CursorList<Notification>; shown: Notification[]; isRead(n: Notification): boolean; markRead(ids: string[]): void } {
  const list = useCursorList<Notification>('/notifications');
  const [live, setLive] = useState<Notification[]>([]);
  const [readIds, setReadIds] = useState<ReadonlySet<string>>(new Set());
  useLiveNotifications((notification) => setLive((old) => [notification, ...old.filter((n) => n.id !== notification.id)]));
  const liveIds = new Set(live.map((n) => n.id));
  const shown = [...live, ...list.items.filter((n) => !liveIds.has(n.id))];
  return {
    list,
    shown,
    isRead: (n) => n.read || readIds.has(n.id),
    markRead: (ids) => setReadIds((old) => new Set([...old, ...ids])),
  };
}

/** /account/notifications: what happened to the caller's orders, wallet and purchases. */
export function NotificationsPage(): ReactNode {
  const { t } = useI18n();
  const { refreshUnread } = useNotifications();
  const feed = useNotificationFeed();
  const action = useAction();
  const { list, shown } = feed;
  const anyUnread = shown.some((n) => !feed.isRead(n));

  const markOne = async (id: string): Promise<void> => {
    const done = await action.run(() => api<Notification>(`/notifications/${encodeURIComponent(id)}/read`, { method: 'POST' }));
    if (!done) return;
    feed.markRead([id]);
    refreshUnread();
  };
  const markAll = async (): Promise<void> => {
    const ids = shown.map((n) => n.id);
    const done = await action.run(() => api<{ updated: number }>('/notifications/read-all', { method: 'POST' }));
    if (!done) return;
    feed.markRead(ids);
    refreshUnread();
  };

  return (
    <>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>{t('account.notifications.title')}</h1>
        <span className="spacer" />
        <button type="button" className="secondary small" disabled={!anyUnread || action.busy} onClick={() => void markAll()} data-testid="mark-all-read">
          {t('account.notifications.markAllRead')}
        </button>
      </div>
      <ErrorMessage error={action.error} />
      {list.error ? <ErrorMessage error={list.error} onRetry={list.items.length === 0 ? list.reload : list.loadMore} /> : null}
      {!list.error && !list.loading && shown.length === 0 && <Empty>{t('account.notifications.empty')}</Empty>}
      <div className="stack" style={{ gap: '0.6rem', marginTop: '0.6rem' }} data-testid="notification-list">
        {shown.map((n) => (
          <NotificationCard key={n.id} notification={n} read={feed.isRead(n)} action={action} onRead={() => void markOne(n.id)} />
        ))}
      </div>
      {list.loading ? <Loading /> : <MoreButton list={list} />}
    </>
  );
}
