export const OPERATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'sw', 'ew', 'so'] as const;
export type Operator = (typeof OPERATORS)[number];

/** How the value was written: quoted literal or bare word (GUID, number, true/false). */
export interface Literal {
  quoted: boolean;
  text: string;
}

export interface Comparison {
  kind: 'comparison';
  /** Lower-cased dotted path, e.g. `customproperties.definition.name`. */
  property: string;
  op: Operator;
  value: Literal;
}

export interface Junction {
  kind: 'and' | 'or';
  operands: FilterNode[];
}

export type FilterNode = Comparison | Junction;
