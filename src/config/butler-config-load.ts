import { statSync } from 'node:fs';
import util from 'config/lib/util.js';
import type { Parser } from 'config/lib/util.js';
import { ConfigError } from '../errors.js';
import { createYamlParser, type ConfigFileParser } from './yaml-parser.js';

type Document = Record<string, unknown>;

/**
 * One independent load of the `config` package (never its global `config` singleton): files
 * are merged in the order they are loaded, later ones winning. Every failure surfaces as a
 * `ConfigError` that names the file.
 */
export class ButlerConfigLoad extends util.Load {
  private readonly yamlParser: ConfigFileParser;

  constructor(configDir: string, yamlParser: ConfigFileParser = createYamlParser()) {
    // Load calls only parse/getFilesOrder/getParser, which ConfigFileParser provides.
    super({ configDir, nodeEnv: [], parser: yamlParser as unknown as Parser, skipConfigSources: true });
    this.yamlParser = yamlParser;
  }

  /** The merged result of everything loaded so far. */
  get merged(): Document {
    return this.config;
  }

  /**
   * Parses `file` (named in errors as given), lets `transform` reshape the document, merges
   * the result and returns it.
   */
  mergeFile(file: string, transform: (document: Document) => Document = (document) => document): Document {
    assertIsPresent(file);
    let result: Document | undefined;
    try {
      this.loadFile(file, (document: Document) => {
        result = transform(document);
        return result;
      });
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      const parseFailure = this.yamlParser.lastFailure;
      if (parseFailure) throw parseFailure;
      throw new ConfigError('', `${file}: cannot read the config file${readCodeSuffix(error)}`, { cause: error });
    }
    if (result === undefined) {
      throw new ConfigError('', `${file}: config file not found`);
    }
    return result;
  }

  /**
   * Applies a custom-environment-variables mapping with `env` instead of `process.env`
   * (what `Load.loadCustomEnvVars` would do), and returns only the values that were set.
   */
  mergeEnvironmentMapping(mappingFile: string, env: NodeJS.ProcessEnv): { mapping: Document; values: Document } {
    let mapping: Document = {};
    const values = this.mergeFile(mappingFile, (document) => {
      mapping = document;
      return this.substituteDeep(document, env) as Document;
    });
    return { mapping, values };
  }
}

function assertIsPresent(file: string): void {
  try {
    statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError('', `${file}: config file not found`, { cause: error });
    }
    // Anything else (permissions, a broken path) is reported when the file is read.
  }
}

/** `Load.loadFile` flattens read errors into its message; recover the errno code from it. */
function readCodeSuffix(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = /Error code is: (\w+)/.exec(message)?.[1];
  return code ? ` (${code})` : '';
}
