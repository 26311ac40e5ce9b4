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
  /** What is stored for `storageKey`, as the caller wants it kept (parsed once), and its size. */
  readRow(storageKey: string): Promise<SizedRow>;
  /** Past this many rows the cache starts over (a bound on memory, not a policy). */
  maxRows: number;
  /** Past this many bytes (as counted by `held`) the cache starts over; 0 turns the cache off. */
  maxBytes: number;
}

export interface SizedRow {
  /** undefined when nothing is stored; a missing row is remembered like any other. */
  readonly row: unknown;
  /** Estimated bytes keeping `row` in memory costs. */
  readonly bytes: number;
}

export interface CacheHeld {
  readonly rows: number;
  /** The kept rows' `bytes` plus their storage keys' lengths. */
  readonly bytes: number;
}

export interface CachedReads {
  read(storageKey: string): Promise<unknown>;
  /** What the cache holds now, by its own accounting. */
  held(): CacheHeld;
}

// A row bigger than this share of maxBytes is not kept: each would push out everything else.
const LARGEST_ROW_SHARE = 1 / 8;

interface CachedRow {
  readonly version: number;
  readonly row: unknown;
  readonly bytes: number;
}

function uncachedReads(readRow: CachedReadsDeps['readRow']): CachedReads {
  return {
    read: async (storageKey) => (await readRow(storageKey)).row,
    held: () => ({ rows: 0, bytes: 0 }),
  };
}

export function createCachedReads({ checkVersion, readRow, maxRows, maxBytes }: CachedReadsDeps): CachedReads {
  // Without a cache, a version check would only add a trip through the thread pool.
  if (maxBytes === 0) return uncachedReads(readRow);
  const largestRowBytes = maxBytes * LARGEST_ROW_SHARE;
  const rows = new Map<string, CachedRow>();
  let heldBytes = 0;
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

  function startOver(): void {
    rows.clear();
    heldBytes = 0;
  }

  function keep(storageKey: string, version: number, read: SizedRow): void {
    const bytes = storageKey.length + read.bytes;
    if (bytes > largestRowBytes) return;
    const replaced = rows.get(storageKey);
    if (replaced !== undefined) {
      rows.delete(storageKey);
      heldBytes -= replaced.bytes;
    }
    if (rows.size >= maxRows || heldBytes + bytes > maxBytes) startOver();
    rows.set(storageKey, { version, row: read.row, bytes });
    heldBytes += bytes;
  }

  return {
    async read(storageKey) {
      const version = await versionFromNow();
      if (version !== rowsVersion) {
        startOver();
        rowsVersion = version;
      }
      const cached = rows.get(storageKey);
      if (cached !== undefined && cached.version === version) return cached.row;
      const read = await readRow(storageKey);
      if (version === rowsVersion) keep(storageKey, version, read);
      return read.row;
    },
    held: () => ({ rows: rows.size, bytes: heldBytes }),
  };
}
