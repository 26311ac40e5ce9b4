import path from 'node:path';
import type { KeyPath, ValueSources } from './value-sources.js';

const WINDOWS_ABSOLUTE = /^(?:[A-Za-z]:[\\/]|\\\\)/;

export type PathResolver = (keyPath: KeyPath, configured: string) => string;

/**
 * Makes configured file and directory paths absolute. Decision: a relative path written in
 * the user's config file resolves against that file's directory, so a config folder with its
 * certs beside it works whatever directory the service is started from (Butler's template
 * advises absolute paths because its relative ones depended on the working directory).
 * Relative paths from our defaults, environment variables or flags resolve
 * against the process's working directory, where a person typing them would expect.
 * A Windows path with a drive letter or a UNC prefix (`C:\ProgramData\...`, `\\server\share`)
 * is absolute on every platform, so a Windows config file means the same when it is checked
 * elsewhere (CI, a colleague's machine) as on the Windows server.
 */
export function createPathResolver(
  userFile: string,
  sources: ValueSources,
  cwd: string = process.cwd(),
): PathResolver {
  const userFileDirectory = path.dirname(path.resolve(cwd, userFile));
  return (keyPath, configured) => {
    if (WINDOWS_ABSOLUTE.test(configured)) return configured;
    const base = sources.sourceOf(keyPath).kind === 'file' ? userFileDirectory : cwd;
    return path.resolve(base, configured);
  };
}
