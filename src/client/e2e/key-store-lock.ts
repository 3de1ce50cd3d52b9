import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PidLockError, takePidLock } from '../../adapters/system/pid-lock.ts';
import { KeyStoreError } from './key-store-error.ts';

const LOCK_FILE = 'lock';
/** A client that was just quit (or whose terminal was closed) may take a few seconds to end. */
const WAIT_MS = 5_000;
const RETRY_MS = 200;

/**
 * One process at a time uses a key store: two would each advance the same MLS state (the same
 * ratchet generation used twice) and take over each other's device session. Released by the
 * function returned, or when this process exits; a killed process's lock is taken over. Held by
 * a running process for more than a few seconds, it is a KeyStoreError naming the pid.
 */
export async function lockKeyStore(dir: string, name: string): Promise<() => void> {
  const deadline = Date.now() + WAIT_MS;
  let unlock: () => void;
  for (;;) {
    try {
      unlock = takePidLock(join(dir, LOCK_FILE));
      break;
    } catch (error) {
      if (!(error instanceof PidLockError)) throw error;
      if (error.holder === undefined) throw new KeyStoreError(`cannot lock key store ${dir}: ${error.message}`);
      if (Date.now() >= deadline) throw new KeyStoreError(`another litsxg process (pid ${error.holder}) uses ${name}'s key store ${dir}: one at a time (send from that client, or quit it first)`);
      await sleep(RETRY_MS);
    }
  }
  const release = () => {
    process.removeListener('exit', release);
    unlock();
  };
  process.once('exit', release);
  return release;
}
