/** Helpers for looking at parsed YAML values before they are validated. */

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How an error message shows a value it got: short, and never a whole section. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  const shown = JSON.stringify(value);
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
}

/** The value at a path of mapping keys and list indexes, or undefined where the path ends. */
export function valueAt(document: unknown, path: readonly (string | number)[]): unknown {
  let node = document;
  for (const segment of path) {
    if (!isMapping(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}
