import { visibleText } from '../../domain/visible-text.ts';
import { connectThrough } from '../tor/connect-through.ts';
import { ExitStatus } from './exit-status.ts';
import { checkHealth } from './health-check.ts';
import { registerOnionKey } from './onion-key-option.ts';
import { parseCommandLine } from './option-parser.ts';
import { HEALTH_COMMAND } from './remote-options.ts';
import { warnStrayVariables } from './stray-variables.ts';
import { helpOrUsageError, usageError } from './usage-error.ts';

/** `health [--server HOST:PORT] [--proxy socks5://HOST:PORT] [--onion-key FILE --tor-control HOST:PORT]`: 0 healthy, 1 not. */
export async function runHealthCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const parsed = parseCommandLine(HEALTH_COMMAND, argv, env);
  if (parsed.kind !== 'run') return helpOrUsageError(HEALTH_COMMAND.name, parsed);
  if (parsed.positionals.length > 0) return usageError(HEALTH_COMMAND.name, `unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
  const { server, proxy } = parsed.values;
  const keyRefused = await registerOnionKey(parsed.values, server.host);
  if (keyRefused !== undefined) {
    process.stderr.write(`unhealthy: ${keyRefused.reason}\n`);
    return keyRefused.status;
  }
  await warnStrayVariables(HEALTH_COMMAND, env);
  // PROTOCOL "Command line", health: 5 s, or 20 s through a proxy (a Tor circuit takes a while).
  const timeoutMs = proxy === undefined ? 5_000 : 20_000;
  const verdict = await checkHealth(() => connectThrough(server, proxy, timeoutMs), timeoutMs);
  // The detail may quote the server (an error code) or the host name typed: shown, never obeyed.
  (verdict.healthy ? process.stdout : process.stderr).write(`${verdict.healthy ? 'healthy' : 'unhealthy'}: ${visibleText(verdict.detail)}\n`);
  return verdict.healthy ? ExitStatus.ok : ExitStatus.failed;
}
