export type { Comparison, FilterNode, Junction, Literal, Operator } from './ast.js';
export { FilterSyntaxError } from './errors.js';
export { compileFilter, type FilterSchema, type Predicate, type PropertyKind } from './evaluate.js';
export { parseFilter } from './parser.js';
export { tokenize, type Token } from './tokenizer.js';
