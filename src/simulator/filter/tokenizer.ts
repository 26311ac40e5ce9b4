import { cannotParse } from './errors.js';

export type Token =
  | { kind: 'open'; pos: number }
  | { kind: 'close'; pos: number }
  /** A single-quoted literal, escapes already resolved. */
  | { kind: 'string'; text: string; pos: number }
  /** Anything bare: property paths, operators, and/or, GUIDs, numbers, true/false. */
  | { kind: 'word'; text: string; pos: number };

const WHITESPACE = /\s/;

function isWordChar(ch: string): boolean {
  return !WHITESPACE.test(ch) && ch !== '(' && ch !== ')' && ch !== "'" && ch !== '"';
}

/**
 * Reads a single-quoted literal starting at the opening quote. A backslash escapes the next
 * character (`'Q1\'25'`), which is what live QRS accepts. A quote right after the closing
 * quote is Butler's doubled-quote escape (`'night''s'`), which live QRS rejects.
 */
function readString(filter: string, start: number): { text: string; end: number } {
  let text = '';
  let i = start + 1;
  while (i < filter.length) {
    const ch = filter[i] as string;
    if (ch === '\\') {
      const escaped = filter[i + 1];
      if (escaped === undefined) break;
      text += escaped;
      i += 2;
    } else if (ch === "'") {
      if (filter[i + 1] === "'") {
        throw cannotParse(`doubled quote at position ${i}; escape a quote as \\'`);
      }
      return { text, end: i + 1 };
    } else {
      text += ch;
      i += 1;
    }
  }
  throw cannotParse(`unterminated string starting at position ${start}`);
}

export function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const ch = filter[i] as string;
    if (WHITESPACE.test(ch)) {
      i += 1;
    } else if (ch === '(') {
      tokens.push({ kind: 'open', pos: i });
      i += 1;
    } else if (ch === ')') {
      tokens.push({ kind: 'close', pos: i });
      i += 1;
    } else if (ch === "'") {
      const { text, end } = readString(filter, i);
      tokens.push({ kind: 'string', text, pos: i });
      i = end;
    } else if (ch === '"') {
      throw cannotParse(`double-quoted value at position ${i}; use single quotes`);
    } else {
      const start = i;
      while (i < filter.length && isWordChar(filter[i] as string)) i += 1;
      tokens.push({ kind: 'word', text: filter.slice(start, i), pos: start });
    }
  }
  return tokens;
}
