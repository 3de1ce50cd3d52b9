import { visibleText } from '../../domain/visible-text.ts';
import { connectThrough } from '../tor/connect-through.ts';
import { ExitStatus } from './exit-status.ts';
import { checkHealth } from './health-check.ts';
import { ONION_KEY_OPTIONS, registerOnionKey } from './onion-key-option.ts';
import { parseOptions } from './option-parser.ts';
import { PROXY_OPTION, SERVER_OPTION } from './remote-options.ts';
import { usageError } from './usage-error.ts';

/** `health [--server HOST:PORT] [--proxy socks5://HOST:PORT] [--onion-key FILE --tor-control HOST:PORT]`: 0 healthy, 1 not. */
export async function runHealthCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const parsed = parseOptions(argv, env, [SERVER_OPTION, PROXY_OPTION, ...ONION_KEY_OPTIONS]);
  if (!parsed.ok) return usageError(parsed.error);
  if (parsed.positionals.length > 0) return usageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
  const server = parsed.values.get('server') as { host: string; port: number };
  const proxy = parsed.values.get('proxy') as string | undefined;
  const keyRefused = await registerOnionKey(parsed.values, server.host);
  if (keyRefused !== undefined) {
    process.stderr.write(`unhealthy: ${keyRefused.reason}\n`);
    return keyRefused.status;
  }
  // PROTOCOL "Command line", health: 5 s, or 20 s through a proxy (a Tor circuit takes a while).
  const timeoutMs = proxy === undefined ? 5_000 : 20_000;
  const verdict = await checkHealth(() => connectThrough(server, proxy, timeoutMs), timeoutMs);
  // The detail may quote the server (an error code) or the host name typed: shown, never obeyed.
  (verdict.healthy ? process.stdout : process.stderr).write(`${verdict.healthy ? 'healthy' : 'unhealthy'}: ${visibleText(verdict.detail)}\n`);
  return verdict.healthy ? ExitStatus.ok : ExitStatus.failed;
}
