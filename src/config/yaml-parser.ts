import * as yaml from 'js-yaml';
import { ConfigError } from '../errors.js';
import { describeValue, isMapping } from './value-shape.js';

/**
 * The part of the `config` package's parser interface its `Load` class calls: `parse` for
 * each file, `getFilesOrder` for the extensions it looks for, and `getParser` for the
 * `__format` of a custom environment variable.
 */
export interface ConfigFileParser {
  parse(filename: string, content: string): Record<string, unknown>;
  getFilesOrder(): string[];
  getParser(format: string): ((filename: string | null, content: string) => unknown) | undefined;
  /**
   * `Load.loadFile` rethrows parse failures as plain `Error`s with the cause flattened into
   * the message; this keeps the typed error of the last failed `parse` so the caller can
   * rethrow that instead.
   */
  readonly lastFailure: ConfigError | undefined;
}

// Hand-written config files use anchors with `<<` merge keys; js-yaml 5 applies them only
// with its merge tag.
const SCHEMA = yaml.CORE_SCHEMA.withTags(yaml.mergeTag);

const NUMBER_TEXT = /^\s*-?\d+(\.\d+)?\s*$/;

/**
 * Environment values that do not parse are passed on as the raw string, so validation
 * reports them with the key path and the offending text instead of silently dropping them.
 */
const ENV_FORMATS: Record<string, (content: string) => unknown> = {
  number: (content) => (NUMBER_TEXT.test(content) ? Number(content) : content),
  boolean: (content) => {
    const normalized = content.trim().toLowerCase();
    if (normalized === 'true') return true;
    if (normalized === 'false') return false;
    return content;
  },
  // Lists from the environment (STG_API_KEYS) are JSON text.
  json: (content) => {
    try {
      return JSON.parse(content) as unknown;
    } catch {
      return content;
    }
  },
};

/** Windows paths in double quotes are the usual cause of a bad escape: say how to write them. */
function hintFor(reason: string): string {
  return /escape/i.test(reason)
    ? ' (inside "double quotes" a backslash starts an escape sequence: write Windows paths plain or in \'single quotes\', or double each backslash)'
    : '';
}

/** A YAML-only parser (js-yaml) for the `config` package's `Load`; one per load, no shared state. */
export function createYamlParser(): ConfigFileParser {
  let lastFailure: ConfigError | undefined;

  const fail = (error: ConfigError): never => {
    lastFailure = error;
    throw error;
  };

  return {
    get lastFailure() {
      return lastFailure;
    },
    parse(filename, content) {
      let document: unknown;
      try {
        document = yaml.load(content, { filename, schema: SCHEMA });
      } catch (error) {
        if (error instanceof yaml.YAMLException && error.mark) {
          const { line, column } = error.mark;
          return fail(
            new ConfigError(
              '',
              `${filename}: YAML syntax error at line ${line + 1}, column ${column + 1}: ${error.reason}${hintFor(error.reason)}`,
              { cause: error },
            ),
          );
        }
        const reason = error instanceof yaml.YAMLException ? error.reason : String(error);
        return fail(new ConfigError('', `${filename}: not a YAML document: ${reason}`, { cause: error }));
      }
      if (!isMapping(document)) {
        const expected = 'the top level must be a YAML mapping with a Butler key';
        const message = `${filename}: not a Butler config file: ${expected}, got ${describeValue(document)}`;
        return fail(new ConfigError('', message));
      }
      return document;
    },
    getFilesOrder: () => ['yaml', 'yml'],
    getParser(format) {
      const parseText = ENV_FORMATS[format];
      return parseText && ((_filename, content) => parseText(content));
    },
  };
}
