import type { ReactNode } from 'react';

export interface Bar {
  label: string;
  value: number;
  /** What the bar's tooltip says (defaults to the value). */
  title?: string;
}

/** A plain SVG bar chart (no chart library): one bar per label, scaled to the largest. */
export function BarChart({ bars, height = 160, caption }: { bars: Bar[]; height?: number; caption: string }): ReactNode {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const width = Math.max(bars.length * 14, 140);
  const step = width / Math.max(bars.length, 1);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height + 16}`} role="img" aria-label={caption} preserveAspectRatio="none">
        {bars.map((bar, index) => {
          const h = (bar.value / max) * height;
          return (
            <rect key={bar.label} x={index * step + step * 0.15} y={height - h} width={step * 0.7} height={Math.max(h, bar.value > 0 ? 1 : 0)} className="bar">
              <title>{`${bar.label}: ${bar.title ?? bar.value}`}</title>
            </rect>
          );
        })}
        <line x1="0" x2={width} y1={height} y2={height} className="axis" />
      </svg>
      <figcaption>
        <span>{bars[0]?.label}</span>
        <strong>{caption}</strong>
        <span>{bars[bars.length - 1]?.label}</span>
      </figcaption>
    </figure>
  );
}
