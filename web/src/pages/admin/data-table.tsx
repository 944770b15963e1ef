import type { ReactNode } from 'react';

/**
 * A `.table` in a `.table-wrap`: on a narrow screen it keeps `minWidth` and scrolls sideways
 * instead of squeezing every cell into a column of single words.
 */
export function DataTable({ headings, minWidth, children }: { headings: ReactNode[]; minWidth?: string; children: ReactNode }): ReactNode {
  return (
    <div className="table-wrap">
      <table className="table" style={minWidth ? { minWidth } : undefined}>
        <thead>
          <tr>
            {headings.map((heading, index) => (
              <th key={index}>{heading}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
