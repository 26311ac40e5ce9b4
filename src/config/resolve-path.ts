import path from 'node:path';
import { formatKeyPath, type KeyPath, type ValueSources } from './value-sources.js';

/**
 * Files the service writes, whose defaults (`data/keyvalues.sqlite`, `log`) also resolve
 * beside the config file: a Windows service starts in System32, a container in `/`, and
 * neither is where anyone would look for them (or may write).
 */
const DATA_PATHS = new Set(['Butler.keyValueStore.sqlite.path', 'Butler.logDirectory']);

const WINDOWS_ABSOLUTE = /^(?:[A-Za-z]:[\\/]|\\\\)/;

export type PathResolver = (keyPath: KeyPath, configured: string) => string;

/**
 * Makes configured file and directory paths absolute. Decision: a relative path written in
 * the user's config file resolves against that file's directory, so a config folder with its
 * certs beside it works whatever directory the service is started from (Butler's template
 * advises absolute paths because its relative ones depended on the working directory).
 * The defaults of the files the service writes (DATA_PATHS) do the same. Relative paths from
 * the other defaults, environment variables or flags resolve against the process's working
 * directory, where a person typing them would expect.
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
    const source = sources.sourceOf(keyPath).kind;
    const besideConfigFile = source === 'file' || (source === 'default' && DATA_PATHS.has(formatKeyPath(keyPath)));
    return path.resolve(besideConfigFile ? userFileDirectory : cwd, configured);
  };
}
