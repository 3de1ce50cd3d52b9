import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import type { ServerAddress } from '../adapters/tor/connect-through.ts';
import { parseClientCommand } from './client-commands.ts';
import { promptPassword } from './client-password-prompt.ts';
import { ClientSession } from './client-session.ts';

export interface ClientOptions {
  readonly name: string;
  readonly server: ServerAddress;
  readonly proxy?: string;
  /** From LITSXG_PASSWORD; when absent it is asked for (without echo on a terminal). */
  readonly password?: string;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

/** `bin/litsxg client NAME`: the interactive terminal client. Resolves with the exit status. */
export async function runClient(options: ClientOptions): Promise<number> {
  const { input, output } = options;
  const terminal = Boolean((output as { isTTY?: boolean }).isTTY) && Boolean((input as { isTTY?: boolean }).isTTY);
  let password = options.password;
  if (password === undefined && terminal) {
    password = await promptPassword(input, output, `password for ${options.name}: `);
    if (password === undefined) return 1;
  }
  const rl = createInterface({ input, output, terminal, prompt: `${options.name}> ` });
  // Lines can arrive before the session exists (piped input: the password line and more in one chunk).
  const early: string[] = [];
  let onLine = (line: string) => void early.push(line);
  rl.on('line', (line) => onLine(line));
  let inputClosed = false;
  let onInputClosed = () => { inputClosed = true; };
  rl.on('close', () => onInputClosed());
  if (password === undefined) {
    // Not a terminal: the first line of input is the password.
    password = early.shift() ?? (await nextLine(rl));
    if (password === undefined) {
      output.write('no password given\n');
      rl.close();
      return 1;
    }
  }
  const print = (text: string) => {
    if (!terminal) return void output.write(`${text}\n`);
    clearLine(output, 0);
    cursorTo(output, 0);
    output.write(`${text}\n`);
    rl.prompt(true);
  };
  const session = new ClientSession({ name: options.name, password, server: options.server, print, ...(options.proxy ? { proxy: options.proxy } : {}) });
  onLine = (line) => {
    const command = parseClientCommand(line);
    session.handle(command);
    if (terminal && command.kind !== 'quit') rl.prompt();
  };
  const run = session.run();
  for (const line of early.splice(0)) onLine(line);
  onInputClosed = () => session.quit(false);
  if (inputClosed) session.quit(false);
  rl.on('SIGINT', () => session.quit(true));
  const status = await run;
  onInputClosed = () => undefined;
  rl.close();
  if (terminal) output.write('\n');
  return status;
}

function nextLine(rl: Interface): Promise<string | undefined> {
  return new Promise((resolve) => {
    const onLine = (line: string) => { rl.off('close', onClose); resolve(line); };
    const onClose = () => { rl.off('line', onLine); resolve(undefined); };
    rl.once('line', onLine);
    rl.once('close', onClose);
  });
}
