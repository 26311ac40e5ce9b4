import { ConfigError } from '../errors.js';
import { describeValue, isMapping } from './value-shape.js';

type Document = Record<string, unknown>;

/**
 * Shapes a user's parsed file before it is merged over the defaults. The top level must hold
 * a `Butler` mapping. A key left empty (YAML null) whose default is a list becomes an empty
 * list (Butler's template writes empty allow-lists that way); one whose default is a mapping
 * is dropped so the defaults apply, because the merge would otherwise replace the whole
 * default section with null. Any other null stays and fails validation by name.
 */
export function normalizeUserDocument(file: string, document: Document, defaults: Document): Document {
  if (!('Butler' in document)) {
    const keys = Object.keys(document);
    const found = keys.length > 0 ? `found ${keys.slice(0, 5).join(', ')}` : 'found an empty mapping';
    throw new ConfigError(
      'Butler',
      `${file}: not a Butler config file: the top level must be a YAML mapping with a Butler key, ${found}`,
    );
  }
  const butler = document.Butler ?? {};
  if (!isMapping(butler)) {
    throw new ConfigError('Butler', `${file}: Butler must be a mapping, got ${describeValue(butler)}`);
  }
  return { ...document, Butler: fillEmptyKeys(butler, defaults.Butler) };
}

function fillEmptyKeys(section: Document, defaults: unknown): Document {
  const result: Document = {};
  for (const [key, value] of Object.entries(section)) {
    const fallback = isMapping(defaults) ? defaults[key] : undefined;
    if (value === null && Array.isArray(fallback)) {
      result[key] = [];
    } else if (value === null && isMapping(fallback)) {
      continue;
    } else if (isMapping(value) && isMapping(fallback)) {
      result[key] = fillEmptyKeys(value, fallback);
    } else {
      result[key] = value;
    }
  }
  return result;
}
