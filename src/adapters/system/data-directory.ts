import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PidLockError, takePidLock } from './pid-lock.ts';

/** The data directory cannot be used: not creatable, or held by a running server. */
export class DataDirectoryError extends Error {
  override readonly name = 'DataDirectoryError';
}

const LOCK_FILE = 'litsxg.lock';
export const CREDENTIALS_FILE = 'credentials.sqlite';
export const ONION_KEY_FILE = 'onion-key';
/** The onion's address, written at each start with `--onion`, as tor writes `hostname`: `operator onion-key` reads it. */
export const ONION_HOSTNAME_FILE = 'onion-hostname';

export interface PreparedDataDirectory {
  /** Absolute: `./data` depends on the working directory, so this is what gets reported. */
  readonly path: string;
  readonly created: boolean;
}

/** Creates the data directory (0700) when missing and tightens it when it exists. */
export function prepareDataDirectory(path: string): PreparedDataDirectory {
  const absolute = resolve(path);
  try {
    const created = mkdirSync(absolute, { recursive: true, mode: 0o700 }) !== undefined;
    chmodSync(absolute, 0o700);
    return { path: absolute, created };
  } catch (error) {
    throw new DataDirectoryError(`cannot use data directory ${absolute}: ${(error as Error).message}`);
  }
}

/** For commands that only read or change identities: a missing data directory is a mistake, not a start. */
export function requireDataDirectory(path: string): PreparedDataDirectory {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new DataDirectoryError(`no data directory at ${absolute} (give --data-dir or LITSXG_DATA_DIR; operator add creates one)`);
  return prepareDataDirectory(absolute);
}

/**
 * Takes the data directory's lock for this process: one server per data directory. A lock
 * left by a process that no longer runs (after kill -9) is taken over. Returns the release.
 */
export function lockDataDirectory(path: string): () => void {
  try {
    return takePidLock(join(path, LOCK_FILE));
  } catch (error) {
    if (!(error instanceof PidLockError)) throw error;
    if (error.holder !== undefined) throw new DataDirectoryError(`data directory ${path} is in use by another Litsxg server (pid ${error.holder})`);
    throw new DataDirectoryError(`cannot lock data directory ${path}: ${error.message}`);
  }
}
