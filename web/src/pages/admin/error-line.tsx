import type { ReactNode } from 'react';

/** A failed action's sentence under the control that tried it. */
export function ErrorLine({ message }: { message: string | null }): ReactNode {
  if (!message) return null;
  return (
    <div className="error-box" role="alert">
      <span>{message}</span>
    </div>
  );
}
