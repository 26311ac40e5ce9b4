/**
 * Evaluates the small part of the Qlik expression language the .qvs library uses in LET:
 * string and number literals, variables, `&`, comparisons, and the functions Replace, If,
 * Len, Lower, Chr, Peek and NoOfRows. Anything else is an error, so the library stays
 * inside what the tests can check.
 */
export type QlikValue = string | number | null;

export interface EvalContext {
  variable(name: string): QlikValue;
  peek(field: string, row: number, table: string): QlikValue;
  noOfRows(table: string): number;
}

type Token = { kind: 'string' | 'number' | 'name' | 'op'; text: string };

/** A minus sign is a negative number's sign at the start or after an operator other than ")". */
const isOperandStart = (previous: Token | undefined) => !previous || (previous.kind === 'op' && previous.text !== ')');

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < source.length) {
    const char = source[at]!;
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === "'") {
      let text = '';
      at += 1;
      for (;;) {
        if (at >= source.length) throw new Error(`unterminated string in: ${source}`);
        if (source[at] === "'") {
          if (source[at + 1] === "'") {
            text += "'";
            at += 2;
            continue;
          }
          at += 1;
          break;
        }
        text += source[at];
        at += 1;
      }
      tokens.push({ kind: 'string', text });
    } else if (/[0-9]/.test(char) || (char === '-' && /[0-9]/.test(source[at + 1] ?? '') && isOperandStart(tokens.at(-1)))) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(source.slice(at))!;
      tokens.push({ kind: 'number', text: match[0] });
      at += match[0].length;
    } else if (/[A-Za-z_@]/.test(char)) {
      const match = /^[A-Za-z_@][A-Za-z0-9_@.]*/.exec(source.slice(at))!;
      tokens.push({ kind: 'name', text: match[0] });
      at += match[0].length;
    } else {
      const match = /^(<>|>=|<=|[&(),<>=])/.exec(source.slice(at));
      if (!match) throw new Error(`unexpected "${char}" in: ${source}`);
      tokens.push({ kind: 'op', text: match[0] });
      at += match[0].length;
    }
  }
  return tokens;
}

const text = (value: QlikValue): string => (value === null ? '' : String(value));
const num = (value: QlikValue): number => (value === null || value === '' ? NaN : Number(value));

export function evaluate(source: string, context: EvalContext): QlikValue {
  const tokens = tokenize(source);
  let at = 0;
  const peekToken = () => tokens[at];
  const expect = (op: string) => {
    const token = tokens[at];
    if (token?.text !== op) throw new Error(`expected "${op}" at token ${at} in: ${source}`);
    at += 1;
  };

  const comparison = (): QlikValue => {
    const left = concatenation();
    const op = peekToken();
    if (op?.kind !== 'op' || !['>', '<', '=', '>=', '<=', '<>'].includes(op.text)) return left;
    at += 1;
    const right = concatenation();
    const [a, b] = Number.isNaN(num(left)) || Number.isNaN(num(right)) ? [text(left), text(right)] : [num(left), num(right)];
    const result = { '>': a > b, '<': a < b, '=': a === b, '>=': a >= b, '<=': a <= b, '<>': a !== b }[op.text]!;
    return result ? -1 : 0;
  };

  const concatenation = (): QlikValue => {
    let value = primary();
    while (peekToken()?.text === '&') {
      at += 1;
      value = text(value) + text(primary());
    }
    return value;
  };

  const argumentsOf = (): QlikValue[] => {
    expect('(');
    const args: QlikValue[] = [];
    if (peekToken()?.text !== ')') {
      args.push(comparison());
      while (peekToken()?.text === ',') {
        at += 1;
        args.push(comparison());
      }
    }
    expect(')');
    return args;
  };

  const call = (name: string, args: QlikValue[]): QlikValue => {
    const [a = null, b = null, c = null] = args;
    switch (name.toLowerCase()) {
      case 'replace':
        return a === null ? null : text(a).split(text(b)).join(text(c));
      case 'if':
        return num(a) !== 0 && !Number.isNaN(num(a)) ? b : c;
      case 'len':
        return text(a).length;
      case 'lower':
        return a === null ? null : text(a).toLowerCase();
      case 'chr':
        return String.fromCharCode(num(a));
      case 'peek':
        return context.peek(text(a), num(b), text(c));
      case 'noofrows':
        return context.noOfRows(text(a));
      default:
        throw new Error(`function ${name} is not supported by the test interpreter (in: ${source})`);
    }
  };

  const primary = (): QlikValue => {
    const token = tokens[at];
    if (!token) throw new Error(`unexpected end of: ${source}`);
    at += 1;
    if (token.kind === 'string') return token.text;
    if (token.kind === 'number') return Number(token.text);
    if (token.kind === 'name') return peekToken()?.text === '(' ? call(token.text, argumentsOf()) : context.variable(token.text);
    if (token.text === '(') {
      const value = comparison();
      expect(')');
      return value;
    }
    throw new Error(`unexpected "${token.text}" in: ${source}`);
  };

  const value = comparison();
  if (at !== tokens.length) throw new Error(`unexpected "${tokens[at]!.text}" in: ${source}`);
  return value;
}
