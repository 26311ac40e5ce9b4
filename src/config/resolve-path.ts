import path from 'node:path';
import type { KeyPath, ValueSources } from './value-sources.js';

export type PathResolver = (keyPath: KeyPath, configured: string) => string;

/**
 * Makes configured file and directory paths absolute. Decision: a relative path written in
 * the user's config file resolves against that file's directory, so a config folder with its
 * certs beside it works whatever directory the service is started from (Butler's template
 * advises absolute paths because its relative ones depended on the working directory).
 * Relative paths from our defaults, environment variables or flags resolve
 * against the process's working directory, where a person typing them would expect.
 */
export function createPathResolver(
  userFile: string,
  sources: ValueSources,
  cwd: string = process.cwd(),
): PathResolver {
  const userFileDirectory = path.dirname(path.resolve(cwd, userFile));
  return (keyPath, configured) => {
    const base = sources.sourceOf(keyPath).kind === 'file' ? userFileDirectory : cwd;
    return path.resolve(base, configured);
  };
}
