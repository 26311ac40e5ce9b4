/**
 * A filter QRS would refuse with 400. `message` is the exact response text, so the simulator
 * answers with it unchanged. (The simulator models QRS and imports nothing from the service,
 * so this does not extend the service's ServiceError.)
 */
export class FilterSyntaxError extends Error {
  readonly code = 'SIM_ERR_FILTER_SYNTAX';
  readonly statusCode = 400;

  constructor(message: string) {
    super(message);
    this.name = 'FilterSyntaxError';
  }
}

/** Live QRS answers `400 Cannot parse the expression` for anything it cannot read. */
export function cannotParse(detail: string): FilterSyntaxError {
  return new FilterSyntaxError(`Cannot parse the expression: ${detail}`);
}
