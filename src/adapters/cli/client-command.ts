import { defaultKeysRoot } from '../../client/e2e/key-store-location.ts';
import { runClient } from '../../client/client.ts';
import { parseCommandLine } from './option-parser.ts';
import { beforeConnecting } from './remote-preamble.ts';
import { CLIENT_COMMAND } from './remote-options.ts';
import { helpOrUsageError, usageError } from './usage-error.ts';

/**
 * `client NAME [--server HOST:PORT] [--proxy socks5://HOST:PORT] [--keys-dir DIR] [--encrypt-keys] [--onion-key FILE --tor-control HOST:PORT]`,
 * the password from LITSXG_PASSWORD or a prompt, the key store's passphrase from LITSXG_KEY_PASSPHRASE or a prompt.
 */
export async function runClientCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const parsed = parseCommandLine(CLIENT_COMMAND, argv, env);
  if (parsed.kind !== 'run') return helpOrUsageError(CLIENT_COMMAND.name, parsed);
  const [name, ...extra] = parsed.positionals;
  if (name === undefined) return usageError(CLIENT_COMMAND.name, 'client needs the NAME to log in as');
  if (extra.length > 0) return usageError(CLIENT_COMMAND.name, `unexpected argument ${JSON.stringify(extra[0])}`);
  const { server, proxy } = parsed.values;
  const stop = await beforeConnecting(CLIENT_COMMAND, parsed.values, env);
  if (stop !== undefined) return stop;
  return runClient({
    name,
    server,
    keys: parsed.values['keys-dir'] !== undefined ? { dir: parsed.values['keys-dir'] } : { root: defaultKeysRoot(env) },
    proxy,
    password: env.LITSXG_PASSWORD,
    ...(env.LITSXG_KEY_PASSPHRASE === undefined ? {} : { keyPassphrase: env.LITSXG_KEY_PASSPHRASE }),
    encryptKeys: parsed.values['encrypt-keys'],
    input: process.stdin,
    output: process.stdout,
  });
}
