import { OPERATORS, type Comparison, type FilterNode, type Operator } from './ast.js';
import { cannotParse, FilterSyntaxError } from './errors.js';
import { tokenize, type Token } from './tokenizer.js';

const PROPERTY_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function isKeyword(token: Token | undefined, keyword: 'and' | 'or'): boolean {
  return token?.kind === 'word' && token.text.toLowerCase() === keyword;
}

function describe(token: Token | undefined): string {
  if (token === undefined) return 'end of expression';
  switch (token.kind) {
    case 'open':
      return `'(' at position ${token.pos}`;
    case 'close':
      return `')' at position ${token.pos}`;
    default:
      return `'${token.text}' at position ${token.pos}`;
  }
}

/**
 * Recursive descent over: or := and ('or' and)* ; and := primary ('and' primary)* ;
 * primary := '(' or ')' | property op value. So `and` binds tighter than `or`.
 */
class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): FilterNode {
    const node = this.parseOr();
    if (this.index < this.tokens.length) {
      throw cannotParse(`unexpected ${describe(this.peek())}`);
    }
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private next(): Token | undefined {
    const token = this.tokens[this.index];
    this.index += 1;
    return token;
  }

  private parseOr(): FilterNode {
    return this.parseJunction('or', () => this.parseAnd());
  }

  private parseAnd(): FilterNode {
    return this.parseJunction('and', () => this.parsePrimary());
  }

  private parseJunction(keyword: 'and' | 'or', operand: () => FilterNode): FilterNode {
    const operands = [operand()];
    while (isKeyword(this.peek(), keyword)) {
      this.index += 1;
      operands.push(operand());
    }
    return operands.length === 1 ? (operands[0] as FilterNode) : { kind: keyword, operands };
  }

  private parsePrimary(): FilterNode {
    const token = this.peek();
    if (token?.kind !== 'open') return this.parseComparison();
    this.index += 1;
    // Live QRS answers this exact text for empty parentheses.
    if (this.peek()?.kind === 'close') throw new FilterSyntaxError('Invalid expression');
    const inner = this.parseOr();
    const close = this.next();
    if (close?.kind !== 'close') throw cannotParse(`expected ')' but found ${describe(close)}`);
    return inner;
  }

  private parseComparison(): Comparison {
    const property = this.next();
    if (property?.kind !== 'word' || !PROPERTY_PATH.test(property.text)) {
      throw cannotParse(`expected a property name but found ${describe(property)}`);
    }
    const op = this.next();
    const opText = op?.kind === 'word' ? op.text.toLowerCase() : '';
    if (!(OPERATORS as readonly string[]).includes(opText)) {
      throw cannotParse(`expected an operator (${OPERATORS.join(' ')}) but found ${describe(op)}`);
    }
    const value = this.next();
    if (value?.kind !== 'string' && value?.kind !== 'word') {
      throw cannotParse(`expected a value but found ${describe(value)}`);
    }
    return {
      kind: 'comparison',
      property: property.text.toLowerCase(),
      op: opText as Operator,
      value: { quoted: value.kind === 'string', text: value.text },
    };
  }
}

/** Parses a QRS filter; `null` for an empty filter (which matches everything). */
export function parseFilter(filter: string): FilterNode | null {
  const tokens = tokenize(filter);
  if (tokens.length === 0) return null;
  return new Parser(tokens).parse();
}
