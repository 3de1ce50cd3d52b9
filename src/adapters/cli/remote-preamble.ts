import { isOnion } from '../tor/connect-through.ts';
import { registerOnionKey } from './onion-key-option.ts';
import type { CommandSpec, Endpoint, OptionSpecs } from './option-spec.ts';
import { warnStrayVariables } from './stray-variables.ts';
import { usageError } from './usage-error.ts';

interface RemoteValues {
  readonly server: Endpoint;
  readonly proxy: string | undefined;
  readonly 'onion-key': string | undefined;
  readonly 'tor-control': string | undefined;
  readonly 'tor-password': string | undefined;
}

/**
 * What `client` and `send` do before connecting: settings that can never work end the command
 * at once (retrying would only hide them), the `--onion-key` is registered, stray `LITSXG_*`
 * variables are warned of. An exit status to end with, or undefined to go on.
 */
export async function beforeConnecting(command: CommandSpec<OptionSpecs>, values: RemoteValues, env: Readonly<Record<string, string | undefined>>): Promise<number | undefined> {
  const { server, proxy } = values;
  if (isOnion(server.host) && proxy === undefined) return usageError(command.name, `${server.host} is an onion address: reach it through Tor with --proxy socks5://127.0.0.1:9050`);
  const keyRefused = await registerOnionKey(values, server.host);
  if (keyRefused !== undefined) {
    process.stderr.write(`litsxg ${command.name}: ${keyRefused.reason}\n`);
    return keyRefused.status;
  }
  await warnStrayVariables(command, env);
  return undefined;
}
