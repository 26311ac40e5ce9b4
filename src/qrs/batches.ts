/**
 * Cuts a lookup of many items (task ids, tags, custom property values) into as few QRS
 * calls as fit: each call's filter matches any item of its batch, and its URL stays within
 * `Butler.configQRS.maxUrlLength`. Pure; the client makes the calls.
 */
import type { QrsFilter } from './filter.js';
import { encodedLength } from '../query-string.js';

export interface Batch<T> {
  readonly items: readonly T[];
  readonly filter: QrsFilter;
}

export interface BatchRules<T> {
  /**
   * The item's operand exactly as `filterOf` writes it among several (e.g. parenthesised);
   * `filterOf` joins operands with ` or ` and never writes one item longer than its operand.
   */
  readonly operandOf: (item: T) => string;
  readonly filterOf: (items: readonly T[]) => QrsFilter;
  /** Characters the URL-encoded filter may take. */
  readonly room: number;
  readonly maxItems: number;
  /** The error for an item whose filter alone takes more than `room`. */
  readonly tooLong: (item: T, encodedFilterLength: number) => Error;
}

const SEPARATOR_LENGTH = encodedLength(' or ');

/** Batches in item order; throws `tooLong` before any batch is returned. */
export function batchesOf<T>(items: readonly T[], rules: BatchRules<T>): Batch<T>[] {
  const groups: T[][] = [];
  let current: T[] = [];
  let currentLength = 0;
  for (const item of items) {
    const length = encodedLength(rules.operandOf(item));
    if (length > rules.room) throw rules.tooLong(item, length);
    const joinedLength = current.length === 0 ? length : currentLength + SEPARATOR_LENGTH + length;
    if (current.length > 0 && (joinedLength > rules.room || current.length >= rules.maxItems)) {
      groups.push(current);
      current = [item];
      currentLength = length;
    } else {
      current.push(item);
      currentLength = joinedLength;
    }
  }
  if (current.length > 0) groups.push(current);
  return groups.map((group) => ({ items: group, filter: rules.filterOf(group) }));
}
