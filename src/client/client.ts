import { clearLine, createInterface, cursorTo } from 'node:readline';
import { ExitStatus } from '../adapters/cli/exit-status.ts';
import type { ServerAddress } from '../adapters/tor/connect-through.ts';
import { visibleText } from '../domain/visible-text.ts';
import { KeyStore } from './e2e/key-store.ts';
import { KeyStoreError } from './e2e/key-store-error.ts';
import { parseClientCommand } from './client-commands.ts';
import { promptPassword } from './client-password-prompt.ts';
import { ClientSession } from './client-session.ts';
import { InputLines } from './input-lines.ts';

export interface ClientOptions {
  readonly name: string;
  readonly server: ServerAddress;
  readonly proxy?: string;
  /** The key store's directory (`--keys-dir`, or one per server and name under the config directory). */
  readonly keysDir: string;
  /** From LITSXG_PASSWORD; when absent it is asked for (without echo on a terminal). */
  readonly password?: string;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

/** `bin/litsxg client NAME`: the interactive terminal client. Resolves with the exit status. */
export async function runClient(options: ClientOptions): Promise<number> {
  const { input, output } = options;
  const terminal = Boolean((output as { isTTY?: boolean }).isTTY) && Boolean((input as { isTTY?: boolean }).isTTY);
  const shownName = visibleText(options.name);
  let keys: KeyStore;
  try {
    keys = KeyStore.open(options.keysDir);
  } catch (error) {
    if (!(error instanceof KeyStoreError)) throw error;
    output.write(`${error.message}\n`);
    return ExitStatus.failed;
  }
  // Once this identity is published the key logs in: no password is asked for (nor read from piped input).
  const needsPassword = !keys.published;
  let password = options.password;
  if (password === undefined && needsPassword && terminal) {
    password = await promptPassword(input, output, `password for ${shownName}: `);
    if (password === undefined) return ExitStatus.failed;
  }
  const rl = createInterface({ input, output, terminal, prompt: `${shownName}> ` });
  const lines = new InputLines(rl);
  // Not a terminal: the first line of input is the password, and only the password.
  if (needsPassword) password ??= await lines.next();
  if (password === undefined && needsPassword) {
    output.write('no password given\n');
    rl.close();
    return ExitStatus.failed;
  }
  const print = (text: string) => {
    if (!terminal) return void output.write(`${text}\n`);
    clearLine(output, 0);
    cursorTo(output, 0);
    output.write(`${text}\n`);
    rl.prompt(true);
  };
  const session = new ClientSession({ name: options.name, password, keys, server: options.server, print, ...(options.proxy ? { proxy: options.proxy } : {}) });
  const run = session.run();
  lines.forEach(
    (line) => {
      const command = parseClientCommand(line);
      session.handle(command);
      if (terminal && command.kind !== 'quit') rl.prompt();
    },
    () => session.quit(false),
  );
  rl.on('SIGINT', () => session.quit(true));
  const status = await run;
  lines.detach();
  rl.close();
  if (terminal) output.write('\n');
  return status;
}
