import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where a key store lives unless `--keys-dir` says: one per server and operator name, under the user's config directory. */
export function defaultKeysDir(server: { host: string; port: number }, name: string, env: Readonly<Record<string, string | undefined>>): string {
  const config = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(config, 'litsxg', 'keys', `${server.host.replace(/[^A-Za-z0-9.-]/g, '_')}_${server.port}`, name);
}
