import { ConfigError } from '../errors.js';
import { describeSource, formatKeyPath, type KeyPath, type ValueSources } from './value-sources.js';

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

/**
 * The problem of the value at `path`, named with where it came from. `sourcePath` names the
 * key whose value made the problem when that is not `path` itself.
 */
export function problemAt(path: KeyPath, sources: ValueSources, complaint: string, sourcePath: KeyPath = path): ConfigProblem {
  const keyPath = formatKeyPath(path);
  return { keyPath, message: `${describeSource(sources.sourceOf(sourcePath))}: ${keyPath} ${complaint}` };
}
