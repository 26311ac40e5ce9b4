import { invalid } from './http.js';
import { API_RELOAD_TYPE, type SimReload } from './reloads.js';

type SortField = 'creationTime' | 'startTime' | 'endTime' | 'status';
const SORT = /^([+-]?)(creationTime|startTime|endTime|status)$/;
/** Attributes the list's SCIM filter supports, with `eq` only [DOC]. */
const FILTERABLE = new Set(['status', 'partial', 'type']);
const CONDITION = /^(\w+)\s+eq\s+(?:"((?:[^"\\]|\\.)*)"|(true|false))$/i;

/** Orders reloads by `sort` (`±creationTime|startTime|endTime|status` [DOC]; default `-creationTime` [INF]). */
export function sortReloads(reloads: readonly SimReload[], sort: string | null): SimReload[] {
  const match = SORT.exec(sort ?? '-creationTime');
  if (match === null) throw invalid(`sort must be one of ±creationTime, ±startTime, ±endTime, ±status (got ${sort})`);
  const descending = match[1] === '-';
  const field = match[2] as SortField;
  const key = (reload: SimReload): string | number => reload[field] ?? (field === 'status' ? '' : -1);
  // Ties keep creation order, so paging through a sorted list is stable.
  const indexed = reloads.map((reload, index) => ({ reload, index }));
  indexed.sort((a, b) => {
    const [x, y] = [key(a.reload), key(b.reload)];
    const order = x < y ? -1 : x > y ? 1 : 0;
    return (descending ? -order : order) || a.index - b.index;
  });
  return indexed.map(({ reload }) => reload);
}

/** A predicate for the SCIM `filter`: conditions `<attr> eq <value>` joined by `and`. */
export function reloadFilter(filter: string | null): (reload: SimReload) => boolean {
  if (filter === null || filter.trim() === '') return () => true;
  const conditions = filter
    .trim()
    .split(/\s+and\s+/i)
    .map((part) => {
      const match = CONDITION.exec(part.trim());
      const attribute = match?.[1];
      if (match === null || attribute === undefined || !FILTERABLE.has(attribute)) {
        throw invalid(`filter supports only status, partial and type with eq (got ${filter})`);
      }
      const value = match[3] ?? match[2]?.replace(/\\(.)/g, '$1') ?? '';
      return (reload: SimReload): boolean => {
        if (attribute === 'partial') return String(reload.partial) === value.toLowerCase();
        return (attribute === 'status' ? reload.status : API_RELOAD_TYPE) === value;
      };
    });
  return (reload) => conditions.every((condition) => condition(reload));
}
