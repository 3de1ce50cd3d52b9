import { defaultKeysDir } from '../../client/e2e/default-keys-dir.ts';
import { runClient } from '../../client/client.ts';
import { isOnion } from '../tor/connect-through.ts';
import { ONION_KEY_OPTIONS, registerOnionKey } from './onion-key-option.ts';
import { parseOptions, textOption } from './option-parser.ts';
import { PROXY_OPTION, SERVER_OPTION } from './remote-options.ts';
import { usageError } from './usage-error.ts';

const KEYS_DIR_OPTION = textOption('keys-dir', undefined, 'a directory');

/**
 * `client NAME [--server HOST:PORT] [--proxy socks5://HOST:PORT] [--keys-dir DIR] [--onion-key FILE --tor-control HOST:PORT]`,
 * the password from LITSXG_PASSWORD or a prompt.
 */
export async function runClientCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const parsed = parseOptions(argv, env, [SERVER_OPTION, PROXY_OPTION, KEYS_DIR_OPTION, ...ONION_KEY_OPTIONS]);
  if (!parsed.ok) return usageError(parsed.error);
  const [name, ...extra] = parsed.positionals;
  if (name === undefined) return usageError('client needs the NAME to log in as');
  if (extra.length > 0) return usageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  const server = parsed.values.get('server') as { host: string; port: number };
  const proxy = parsed.values.get('proxy') as string | undefined;
  // Settings that can never work end the client at once: retrying would only hide them.
  if (isOnion(server.host) && proxy === undefined) return usageError(`${server.host} is an onion address: reach it through Tor with --proxy socks5://127.0.0.1:9050`);
  const keyRefused = await registerOnionKey(parsed.values, server.host);
  if (keyRefused !== undefined) {
    process.stderr.write(`litsxg client: ${keyRefused.reason}\n`);
    return keyRefused.status;
  }
  return runClient({
    name,
    server,
    keysDir: (parsed.values.get('keys-dir') as string | undefined) ?? defaultKeysDir(server, name, env),
    proxy,
    password: env.LITSXG_PASSWORD,
    input: process.stdin,
    output: process.stdout,
  });
}
