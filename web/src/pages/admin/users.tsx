import { useState, type FormEvent, type ReactNode } from 'react';
import type { User } from '../../api/types';
import { ListStates } from '../../components/list-states';
import { formatDate } from '../../format';
import { useCursorList } from '../../hooks';
import { useI18n, useT } from '../../i18n';
import { AdminPage } from './admin-page';
import { DataTable } from './data-table';

function SearchForm({ onSearch }: { onSearch: (q: string) => void }): ReactNode {
  const t = useT();
  const [text, setText] = useState('');
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    onSearch(text.trim());
  };
  return (
    <form className="toolbar" role="search" onSubmit={submit}>
      <input
        type="search"
        name="q"
        value={text}
        maxLength={32}
        placeholder={t('admin.users.searchPlaceholder')}
        aria-label={t('admin.users.searchPlaceholder')}
        data-testid="user-search"
        onChange={(event) => setText(event.target.value)}
      />
      <button type="submit">{t('action.search')}</button>
    </form>
  );
}

const KNOWN_ROLES = ['admin', 'user'];

function RoleBadges({ roles }: { roles: string[] }): ReactNode {
  const t = useT();
  if (roles.length === 0) return <span className="muted">{t('admin.users.noRoles')}</span>;
  return (
    <span className="chips">
      {roles.map((role) => (
        <span key={role} className={role === 'admin' ? 'badge status-active' : 'badge'}>
          {KNOWN_ROLES.includes(role) ? t(`admin.users.role.${role}`) : role}
        </span>
      ))}
    </span>
  );
}

function UsersTable({ users }: { users: User[] }): ReactNode {
  const { t, language } = useI18n();
  return (
    <DataTable headings={[t('admin.users.username'), t('admin.users.roles'), t('admin.users.createdAt')]} minWidth="28rem">
      {users.map((user) => (
        <tr key={user.id} data-testid="user-row" data-username={user.username}>
          <td>
            <strong>{user.username}</strong>
            <br />
            <small className="muted">{user.id}</small>
          </td>
          <td>
            <RoleBadges roles={user.roles} />
          </td>
          <td>{formatDate(user.createdAt, language)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

/** /admin/users: every user, by username, optionally only those whose username starts with q. */
export function UsersPage(): ReactNode {
  const t = useT();
  const [q, setQ] = useState('');
  const list = useCursorList<User>('/admin/users', { q });
  return (
    <AdminPage title={t('admin.users.title')}>
      <SearchForm onSearch={setQ} />
      <ListStates list={list} empty={q ? t('admin.users.noMatch', { q }) : undefined}>
        {(users) => <UsersTable users={users} />}
      </ListStates>
    </AdminPage>
  );
}
