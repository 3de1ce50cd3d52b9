import { existsSync, mkdirSync, renameSync, rmdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KeyStoreError } from './key-store-error.ts';

/** `--keys-dir DIR` as given, or the root under which there is one store per server and name. */
export type KeyStoreLocation = { readonly dir: string } | { readonly root: string };

/** What a server's `hello` says (docs/protocol.md "Keys"); an older server says neither. */
const SERVER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function defaultKeysRoot(env: Readonly<Record<string, string | undefined>>): string {
  const config = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(config, 'litsxg', 'keys');
}

/**
 * The store of the server that said hello: ROOT/<server_id>/NAME, so that one server reached by
 * two addresses (127.0.0.1 and localhost, an onion and a LAN address) is one identity. A store
 * that older clients kept under the address as typed (ROOT/HOST_PORT/NAME) is moved there the
 * first time. A server that sends no id is known only by its address.
 */
export function keyStoreDir(location: KeyStoreLocation, hello: { serverId: unknown; host: string; port: number }, name: string): { dir: string; movedFrom?: string } {
  if ('dir' in location) return { dir: location.dir };
  const byAddress = join(location.root, `${hello.host.replace(/[^A-Za-z0-9.-]/g, '_')}_${hello.port}`, name);
  if (hello.serverId === undefined) return { dir: byAddress };
  if (typeof hello.serverId !== 'string' || !SERVER_ID.test(hello.serverId)) throw new KeyStoreError('the server sent an id that cannot name a key store; nothing was created');
  const dir = join(location.root, hello.serverId, name);
  if (existsSync(dir) || !existsSync(byAddress)) return { dir };
  try {
    mkdirSync(join(location.root, hello.serverId), { recursive: true, mode: 0o700 });
    renameSync(byAddress, dir);
  } catch (error) {
    throw new KeyStoreError(`cannot move key store ${byAddress} to ${dir}: ${(error as Error).message}`);
  }
  try {
    rmdirSync(join(byAddress, '..'));
  } catch {
    // Other names' stores still live there: they move when they connect.
  }
  return { dir, movedFrom: byAddress };
}
