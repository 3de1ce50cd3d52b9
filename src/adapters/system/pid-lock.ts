import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

/** A lock file could not be taken: `holder` is the pid of the running process that holds it, when that is why. */
export class PidLockError extends Error {
  override readonly name = 'PidLockError';

  constructor(message: string, readonly holder?: number) {
    super(message);
  }
}

/**
 * Takes the lock file at `lockPath` for this process (its pid, 0600). A lock left by a process
 * that no longer runs (after kill -9) is taken over. Returns the release, which removes only a
 * lock this process holds. Throws PidLockError.
 */
export function takePidLock(lockPath: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => releaseLock(lockPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new PidLockError((error as Error).message);
      const holder = lockHolder(lockPath);
      if (holder !== undefined && isRunning(holder)) throw new PidLockError(`held by pid ${holder}`, holder);
      unlinkSync(lockPath);
    }
  }
  throw new PidLockError('another process is taking it at the same time');
}

function releaseLock(lockPath: string): void {
  if (lockHolder(lockPath) === process.pid) unlinkSync(lockPath);
}

function lockHolder(lockPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
