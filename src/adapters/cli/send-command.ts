import { text } from 'node:stream/consumers';
import { isOperatorName } from '../../domain/names.ts';
import { visibleText } from '../../domain/visible-text.ts';
import { defaultKeysRoot } from '../../client/e2e/key-store-location.ts';
import { sendOnce } from '../../client/send-once.ts';
import { parseCommandLine } from './option-parser.ts';
import { beforeConnecting } from './remote-preamble.ts';
import { SEND_COMMAND } from './remote-options.ts';
import { helpOrUsageError, usageError } from './usage-error.ts';

/** `send NAME|#GROUP [TEXT] --from NAME [--server HOST:PORT] [--proxy …] [--keys-dir DIR]`: one message, as mosquitto_pub sends one. */
export async function runSendCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const parsed = parseCommandLine(SEND_COMMAND, argv, env);
  if (parsed.kind !== 'run') return helpOrUsageError(SEND_COMMAND.name, parsed);
  const [target, typed, ...extra] = parsed.positionals;
  const { from, server, proxy } = parsed.values;
  if (target === undefined) return usageError(SEND_COMMAND.name, 'send needs NAME or #GROUP, the conversation to send to');
  if (extra.length > 0) return usageError(SEND_COMMAND.name, `unexpected argument ${JSON.stringify(extra[0])} (quote the text: it is one argument)`);
  if (from === undefined) return usageError(SEND_COMMAND.name, 'send needs --from NAME (or LITSXG_FROM), the operator to send as');
  const group = target.startsWith('#');
  const to = (group ? target.slice(1) : target).toLowerCase();
  if (!isOperatorName(to)) return usageError(SEND_COMMAND.name, `${JSON.stringify(target)} is neither an operator name nor #GROUP`);
  // One message, its lines kept: a trailing newline (echo's, a file's last) is not part of it.
  const message = (typed ?? (await text(process.stdin))).replace(/\r?\n$/, '');
  if (message.trim() === '') return usageError(SEND_COMMAND.name, 'nothing to send: the text is empty');
  const stop = await beforeConnecting(SEND_COMMAND, parsed.values, env);
  if (stop !== undefined) return stop;
  const outcome = await sendOnce({
    name: from,
    server,
    ...(proxy === undefined ? {} : { proxy }),
    keys: parsed.values['keys-dir'] !== undefined ? { dir: parsed.values['keys-dir'] } : { root: defaultKeysRoot(env) },
    ...(env.LITSXG_KEY_PASSPHRASE === undefined ? {} : { keyPassphrase: env.LITSXG_KEY_PASSPHRASE }),
    command: group ? { kind: 'group-send', group: to, text: message } : { kind: 'send', to, body: message },
    print: (line) => process.stdout.write(`${line}\n`),
    deadlineMs: proxy === undefined ? 60_000 : 120_000,
  });
  if (outcome.reason !== undefined) process.stderr.write(`litsxg send: ${visibleText(outcome.reason)}\n`);
  return outcome.status;
}
