import type { ReactNode } from 'react';
import type { CursorList } from '../hooks';
import { Empty, ErrorMessage, Loading, MoreButton } from './states';

/**
 * A cursor list with its states: the rows once there are some, "empty" when the first page had
 * none, a spinner while a page loads, the error (retry starts again from the first page) and "load more".
 */
export function ListStates<T>({ list, empty, children }: { list: CursorList<T>; empty?: ReactNode; children: (items: T[]) => ReactNode }): ReactNode {
  const isEmpty = !list.loading && !list.error && list.items.length === 0;
  return (
    <>
      {list.items.length > 0 && children(list.items)}
      {isEmpty && <Empty>{empty}</Empty>}
      {list.loading && <Loading />}
      <ErrorMessage error={list.error} onRetry={list.reload} />
      {!list.loading && !list.error && <MoreButton list={list} />}
    </>
  );
}
