import type { ReactNode } from 'react';
import { ListStates } from '../../components/list-states';
import { StatusBadge } from '../../components/states';
import { formatDateTime } from '../../format';
import { useCursorList } from '../../hooks';
import { useI18n, useT, type Translate } from '../../i18n';
import { AdminPage, ShortId } from './admin-page';
import { DataTable } from './data-table';
import type { AuditEntry } from './types';

/** The outcome of an entry as a badge: pending while running, else its HTTP status, green when 2xx. */
function Outcome({ status, t }: { status: number | null | undefined; t: Translate }): ReactNode {
  if (status === null || status === undefined) return <StatusBadge status="pending" label={t('admin.audit.pending')} />;
  const ok = status >= 200 && status < 300;
  return <StatusBadge status={ok ? 'succeeded' : 'failed'} label={t(ok ? 'admin.audit.succeeded' : 'admin.audit.failed', { status })} />;
}

/** A known action in words (with its code as tooltip), an unknown one as its code. */
function ActionText({ action, t }: { action: string; t: Translate }): ReactNode {
  const key = `admin.audit.actions.${action}`;
  const words = t(key);
  return words === key ? <code>{action}</code> : <span title={action}>{words}</span>;
}

function AuditRow({ entry }: { entry: AuditEntry }): ReactNode {
  const { t, language } = useI18n();
  return (
    <tr data-testid="audit-row" data-action={entry.action} data-status={entry.status ?? 'pending'}>
      <td>{formatDateTime(entry.createdAt, language)}</td>
      <td>{entry.actorUsername ? <span title={entry.actorId}>{entry.actorUsername}</span> : <ShortId id={entry.actorId} />}</td>
      <td>
        <ActionText action={entry.action} t={t} />
      </td>
      <td>{entry.target ? <ShortId id={entry.target} /> : <span className="muted">—</span>}</td>
      <td>{entry.ip}</td>
      <td>
        <Outcome status={entry.status} t={t} />
      </td>
    </tr>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] }): ReactNode {
  const t = useT();
  return (
    <DataTable
      headings={[t('admin.audit.time'), t('admin.audit.actor'), t('admin.audit.action'), t('admin.audit.target'), t('admin.audit.ip'), t('admin.audit.outcome')]}
      minWidth="46rem"
    >
      {entries.map((entry) => (
        <AuditRow key={entry.id} entry={entry} />
      ))}
    </DataTable>
  );
}

/** /admin/audit-log: one entry per administrator mutation, newest first. */
export function AuditLogPage(): ReactNode {
  const t = useT();
  const list = useCursorList<AuditEntry>('/admin/audit-log');
  return (
    <AdminPage title={t('admin.audit.title')}>
      <div className="toolbar">
        <span className="muted">{t('admin.audit.hint')}</span>
        <span className="spacer" />
        <button type="button" className="secondary small" disabled={list.loading} onClick={list.reload}>
          {t('admin.audit.refresh')}
        </button>
      </div>
      <ListStates list={list} empty={t('admin.audit.empty')}>
        {(entries) => <AuditTable entries={entries} />}
      </ListStates>
    </AdminPage>
  );
}

