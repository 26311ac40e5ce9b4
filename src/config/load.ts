import path from 'node:path';
import { ButlerConfigLoad } from './butler-config-load.js';
import { deepFreeze } from './deep-freeze.js';
import { normalizeUserDocument } from './normalize-user-document.js';
import { projectConfigDir } from './project-config-dir.js';
import { createPathResolver } from './resolve-path.js';
import type { Settings } from './settings.js';
import { toSettings } from './to-settings.js';
import { validateButlerFile } from './validate.js';
import { createValueSources, type KeyPath } from './value-sources.js';

export interface LoadOverrides {
  /** From `--loglevel`; beats the file and the environment. */
  logLevel?: string;
  /** Where STG_* overrides are read from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

const LOG_LEVEL_PATH: KeyPath = ['Butler', 'logLevel'];

/**
 * Reads a Butler YAML config file into validated, deep-frozen Settings. Layers, lowest first:
 * config/default.yaml, the user's file, STG_* environment variables, command-line flags.
 * Throws ConfigError for an unreadable or non-Butler file and ConfigValidationError (a
 * ConfigError) listing every invalid value.
 */
export function loadSettings(configFile: string, overrides: LoadOverrides = {}): Settings {
  const configDir = projectConfigDir();
  const defaultsFile = path.join(configDir, 'default.yaml');
  const load = new ButlerConfigLoad(configDir);

  const defaults = load.mergeFile(defaultsFile);
  const userDocument = load.mergeFile(configFile, (document) =>
    normalizeUserDocument(configFile, document, defaults),
  );
  const env = load.mergeEnvironmentMapping(
    path.join(configDir, 'custom-environment-variables.yaml'),
    overrides.env ?? process.env,
  );

  const cliOverrides: { path: KeyPath; flag: string }[] = [];
  if (overrides.logLevel !== undefined) {
    load.addConfig('--loglevel', { Butler: { logLevel: overrides.logLevel } });
    cliOverrides.push({ path: LOG_LEVEL_PATH, flag: '--loglevel' });
  }

  const sources = createValueSources({
    defaultsFile,
    userFile: configFile,
    userDocument,
    envMapping: env.mapping,
    envValues: env.values,
    cliOverrides,
  });
  const butlerFile = validateButlerFile(load.merged, sources);
  return deepFreeze(toSettings(butlerFile, configFile, createPathResolver(configFile, sources)));
}
