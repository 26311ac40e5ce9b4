import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';

/**
 * The project's own config folder (default.yaml, custom-environment-variables.yaml), found by
 * walking up from this module so it works from src/config under tsx and from
 * dist/src/config after tsc, whatever the working directory.
 */
export function projectConfigDir(moduleUrl: string = import.meta.url): string {
  let directory = path.dirname(fileURLToPath(moduleUrl));
  for (;;) {
    const candidate = path.join(directory, 'config');
    if (existsSync(path.join(candidate, 'default.yaml'))) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) {
      throw new ConfigError('', `cannot find the service's config/default.yaml above ${fileURLToPath(moduleUrl)}`);
    }
    directory = parent;
  }
}
