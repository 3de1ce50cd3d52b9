import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirectoryError } from './data-directory.ts';

const SERVER_ID_FILE = 'server-id';
const SERVER_ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * This server's id (docs/protocol.md "Login by key"), made once and kept in the data directory
 * (0600) so that it survives restarts: key logins sign it, so a signature is good here only.
 */
export function serverIdOf(dataDir: string): string {
  const path = join(dataDir, SERVER_ID_FILE);
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      const id = randomBytes(16).toString('base64url');
      writeSync(fd, `${id}\n`);
      return id;
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new DataDirectoryError(`cannot create ${path}: ${(error as Error).message}`);
  }
  const id = readFileSync(path, 'utf8').trim();
  if (!SERVER_ID.test(id)) throw new DataDirectoryError(`${path} does not hold a server id; remove it to make a new one`);
  return id;
}
