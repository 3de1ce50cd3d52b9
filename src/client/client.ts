import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import type { ServerAddress } from '../adapters/tor/connect-through.ts';
import { visibleText } from '../domain/visible-text.ts';
import { KeyStore } from './e2e/key-store.ts';
import { KeyStoreError } from './e2e/key-store-error.ts';
import { keyStoreDir, type KeyStoreLocation } from './e2e/key-store-location.ts';
import { parseClientCommand } from './client-commands.ts';
import { promptPassword } from './client-password-prompt.ts';
import { ClientSession } from './client-session.ts';
import { statusLine } from './client-view.ts';
import { InputLines } from './input-lines.ts';

export interface ClientOptions {
  readonly name: string;
  readonly server: ServerAddress;
  readonly proxy?: string;
  /** `--keys-dir DIR`, or the root under which each server (by its id) and name has a key store. */
  readonly keys: KeyStoreLocation;
  /** From LITSXG_PASSWORD; when absent and needed, it is asked for (without echo on a terminal). */
  readonly password?: string;
  /** From LITSXG_KEY_PASSPHRASE; when absent and needed, asked for on a terminal. */
  readonly keyPassphrase?: string;
  /** `--encrypt-keys`: the identity's secrets are kept encrypted under the passphrase from now on. */
  readonly encryptKeys?: boolean;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

/** `bin/litsxg client NAME`: the interactive terminal client. Resolves with the exit status. */
export async function runClient(options: ClientOptions): Promise<number> {
  const { input, output } = options;
  const terminal = Boolean((output as { isTTY?: boolean }).isTTY) && Boolean((input as { isTTY?: boolean }).isTTY);
  const shownName = visibleText(options.name);
  let reader: { rl: Interface; lines: InputLines } | undefined;
  const openInput = () => {
    if (reader !== undefined) return reader;
    const rl = createInterface({ input, output, terminal, prompt: `${shownName}> ` });
    return (reader = { rl, lines: new InputLines(rl) });
  };
  let commandsFlowing = false;
  const print = (text: string) => {
    if (!terminal || reader === undefined) return void output.write(`${text}\n`);
    clearLine(output, 0);
    cursorTo(output, 0);
    output.write(`${text}\n`);
    reader.rl.prompt(true);
  };
  const session = new ClientSession({
    name: options.name,
    server: options.server,
    ...(options.proxy ? { proxy: options.proxy } : {}),
    print,
    openKeys: async (serverId) => {
      try {
        const { dir, movedFrom } = keyStoreDir(options.keys, { serverId, ...options.server }, options.name);
        if (movedFrom !== undefined) print(statusLine(`moved this server's key store from ${movedFrom} to ${dir}`));
        const encrypt = options.encryptKeys ?? false;
        const sealed = KeyStore.isSealed(dir);
        const passphrase = !encrypt && !sealed ? undefined : options.keyPassphrase ?? (terminal ? await promptPassword(input, output, 'key store passphrase: ') : undefined);
        // A new passphrase is typed twice: a typo would lock the identity away for good.
        if (!sealed && passphrase !== undefined && options.keyPassphrase === undefined && await promptPassword(input, output, 'the same passphrase again: ') !== passphrase) {
          print('the two passphrases differ; nothing was encrypted');
          return undefined;
        }
        return KeyStore.open(dir, { ...(passphrase === undefined ? {} : { passphrase }), encrypt });
      } catch (error) {
        if (!(error instanceof KeyStoreError)) throw error;
        print(error.message);
        return undefined;
      }
    },
    password: async () => {
      if (options.password !== undefined) return options.password;
      // Once commands flow, a prompt would fight the command line: LITSXG_PASSWORD it is.
      if (commandsFlowing) return undefined;
      if (terminal) return promptPassword(input, output, `password for ${shownName}: `);
      // Not a terminal: the first line of input is the password, and only the password.
      return openInput().lines.next();
    },
    onReady: () => takeCommands(),
  });
  const takeCommands = () => {
    if (commandsFlowing) return;
    commandsFlowing = true;
    const { rl, lines } = openInput();
    lines.forEach(
      (line) => {
        const command = parseClientCommand(line);
        session.handle(command);
        if (terminal && command.kind !== 'quit') rl.prompt();
      },
      () => session.quit(false),
    );
    rl.on('SIGINT', () => session.quit(true));
    if (terminal) rl.prompt();
  };
  // A password from the environment leaves every line a command: they may be typed while connecting.
  // Otherwise input waits for the login, which may need a password (prompted, or the first line).
  if (!terminal && options.password !== undefined) takeCommands();
  else if (!terminal) openInput();
  const status = await session.run();
  reader?.lines.detach();
  reader?.rl.close();
  if (terminal) output.write('\n');
  return status;
}
