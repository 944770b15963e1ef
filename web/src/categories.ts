import type { Category } from './api/types';

export interface FlatCategory {
  id: string;
  name: string;
  /** 0 for a top-level category. */
  depth: number;
}

/** The category tree as one list, parents before their children, leaving out `except` and what is below it. */
export function flattenCategories(nodes: Category[], except?: string, depth = 0): FlatCategory[] {
  return [...nodes]
    .sort((a, b) => a.position - b.position)
    .filter((node) => node.id !== except)
    .flatMap((node) => [{ id: node.id, name: node.name, depth }, ...flattenCategories(node.children, except, depth + 1)]);
}
