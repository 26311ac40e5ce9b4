import { ConfigError } from '../errors.js';

export interface ConfigProblem {
  /** Full key path at fault, e.g. `Butler.restServerConfig.serverPort`. */
  readonly keyPath: string;
  /** One line naming where the value came from, the key path and what is wrong. */
  readonly message: string;
}

/** Every invalid value of a config, reported together so a user fixes them in one pass. */
export class ConfigValidationError extends ConfigError {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly [ConfigProblem, ...ConfigProblem[]]) {
    const lines = problems.map((problem) => `  - ${problem.message}`);
    const message =
      problems.length === 1
        ? problems[0].message
        : `${problems.length} problems in the configuration:\n${lines.join('\n')}`;
    super(problems[0].keyPath, message);
    this.problems = problems;
  }
}
