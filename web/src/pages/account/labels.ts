import type { Translate } from '../../i18n';

/** The translation of `prefix.value`, or the raw value when there is none (a new server code). */
export function labelOf(t: Translate, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  const text = t(key);
  return text === key ? value.replaceAll('_', ' ') : text;
}

/**
 * For a `.table-wrap`: a wide table scrolls inside it instead of widening the page (the side
 * layout's grid column would otherwise grow to the table's width on a phone).
 */
export const SCROLL_BOX = { width: 0, minWidth: '100%' } as const;
