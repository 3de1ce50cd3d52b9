import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import { visibleText } from '../domain/visible-text.ts';
import { openKeyStore, type KeyStoreChoice } from './open-key-store.ts';
import { parseClientCommand } from './client-commands.ts';
import { promptPassword } from './client-password-prompt.ts';
import { ClientSession } from './client-session.ts';
import { statusLine } from './client-view.ts';
import { commandCompleter } from './command-completer.ts';
import { InputLines } from './input-lines.ts';
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON, PastedBlocks } from './pasted-blocks.ts';
import { QueryFocus } from './query-focus.ts';

export interface ClientOptions extends KeyStoreChoice {
  readonly proxy?: string;
  /** From LITSXG_PASSWORD; when absent and needed, it is asked for (without echo on a terminal). */
  readonly password?: string;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

/** `bin/litsxg client NAME`: the interactive terminal client. Resolves with the exit status. */
export async function runClient(options: ClientOptions): Promise<number> {
  const { input, output } = options;
  const terminal = Boolean((output as { isTTY?: boolean }).isTTY) && Boolean((input as { isTTY?: boolean }).isTTY);
  const shownName = visibleText(options.name);
  let reader: { rl: Interface; lines: InputLines } | undefined;
  const openInput = (): { rl: Interface; lines: InputLines } => {
    if (reader !== undefined) return reader;
    // History is readline's, in memory for this session only: nothing typed is written anywhere.
    const rl = createInterface({
      input, output, terminal, prompt: `${shownName}> `, historySize: 500, removeHistoryDuplicates: true,
      ...(terminal ? { completer: commandCompleter((): ReturnType<ClientSession['contacts']> => session.contacts()) } : {}),
    });
    return (reader = { rl, lines: new InputLines(rl) });
  };
  let commandsFlowing = false;
  let passwordLineRead = false;
  let release: (() => void) | undefined;
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
      const opened = await openKeyStore(options, serverId, {
        print: (text) => print(statusLine(text)),
        ...(terminal ? { ask: (prompt: string) => promptPassword(input, output, prompt) } : {}),
      });
      release = opened?.release;
      return opened?.store;
    },
    password: async () => {
      if (options.password !== undefined) return options.password;
      // Once commands flow, a prompt would fight the command line: LITSXG_PASSWORD it is.
      if (commandsFlowing) return undefined;
      if (terminal) return promptPassword(input, output, `password for ${shownName}: `);
      // Not a terminal: the first line of input is the password, and only the password.
      passwordLineRead = true;
      return openInput().lines.next();
    },
    askAgain: terminal && options.password === undefined,
    // Piped lines go after what waited for this session (a group's welcome first), as held ones do.
    onReady: () => (terminal ? takeCommands() : void session.caughtUp().then(takeCommands)),
  });
  const takeCommands = () => {
    if (commandsFlowing) return;
    commandsFlowing = true;
    const { rl, lines } = openInput();
    // Piped without LITSXG_PASSWORD, the first line is the password even when the key logged in:
    // a script cannot know which login the client makes, and a password must never be taken for a command.
    if (!terminal && options.password === undefined && !passwordLineRead) lines.skipNext();
    const focus = new QueryFocus((text) => print(statusLine(text)));
    const enter = (text: string) => {
      const command = focus.interpret(text) ?? parseClientCommand(text);
      session.handle(command);
      rl.setPrompt(focus.prompt(shownName));
      if (terminal && command.kind !== 'quit') rl.prompt();
    };
    const pasted = terminal ? new PastedBlocks(input, () => rl.line, enter, () => rl.prompt(true)) : undefined;
    if (terminal) output.write(BRACKETED_PASTE_ON);
    lines.forEach(
      (line) => (pasted ? pasted.line(line) : enter(line)),
      // Ctrl-D on a terminal leaves as /quit does; a script's input ends once all of it is answered.
      () => (terminal ? session.quit(false) : void session.inputEnded()),
    );
    rl.on('SIGINT', () => session.quit(true));
    if (terminal) rl.prompt();
  };
  // A password from the environment leaves every line a command: they may be typed while connecting.
  // Otherwise input waits for the login, which may need a password (prompted, or the first line).
  if (!terminal && options.password !== undefined) takeCommands();
  else if (!terminal) openInput();
  const status = await session.run();
  release?.();
  reader?.lines.detach();
  reader?.rl.close();
  if (terminal) output.write(`${commandsFlowing ? BRACKETED_PASTE_OFF : ''}\n`);
  return status;
}
