/**
 * Key-value reads answered from memory while the database is unchanged, never with a value
 * that was changed or deleted before the read was asked for.
 *
 * SQLite's `PRAGMA data_version` changes whenever another connection commits: this
 * process's writer, another instance on the same file, an administrator's sqlite3 shell.
 * Every read takes the version from a check that began after the read was asked for; reads
 * asked for while one check runs share the next one, so under load one thread-pool trip
 * serves many reads. A cached row is used only by a read that saw the version it was read
 * under. Rows are read after their version was checked, so a row is never older than its
 * version.
 */
export interface CachedReadsDeps {
  /** `PRAGMA data_version` on the reading connection. */
  checkVersion(): Promise<number>;
  /** What is stored for `storageKey`, as the caller wants it kept (parsed once); undefined when nothing is. */
  readRow(storageKey: string): Promise<unknown>;
  /** Past this many rows the cache starts over (a bound on memory, not a policy). */
  maxRows: number;
}

interface CachedRow {
  readonly version: number;
  readonly row: unknown;
}

export type CachedRead = (storageKey: string) => Promise<unknown>;

export function createCachedReads({ checkVersion, readRow, maxRows }: CachedReadsDeps): CachedRead {
  const rows = new Map<string, CachedRow>();
  let rowsVersion: number | undefined;
  let running: Promise<number> | undefined;
  let next: Promise<number> | undefined;

  function startCheck(): Promise<number> {
    const check = checkVersion();
    running = check;
    const done = (): void => {
      if (running === check) running = undefined;
    };
    check.then(done, done);
    return check;
  }

  function startNext(): Promise<number> {
    next = undefined;
    return startCheck();
  }

  /** A version seen by a check that began after this call. */
  function versionFromNow(): Promise<number> {
    if (running === undefined) return startCheck();
    // The running check began before this read was asked for: its answer may be too old.
    next ??= running.then(startNext, startNext);
    return next;
  }

  return async (storageKey) => {
    const version = await versionFromNow();
    if (version !== rowsVersion) {
      rows.clear();
      rowsVersion = version;
    }
    const cached = rows.get(storageKey);
    if (cached !== undefined && cached.version === version) return cached.row;
    const row = await readRow(storageKey);
    if (version === rowsVersion) {
      if (rows.size >= maxRows) rows.clear();
      rows.set(storageKey, { version, row });
    }
    return row;
  };
}
