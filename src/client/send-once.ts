import { ExitStatus } from '../adapters/cli/exit-status.ts';
import type { ClientCommand } from './client-commands.ts';
import { ClientSession } from './client-session.ts';
import { openKeyStore, type KeyStoreChoice } from './open-key-store.ts';

export interface SendOnceOptions extends KeyStoreChoice {
  readonly proxy?: string;
  /** The one message: `send` to a name or `group-send` to a group. */
  readonly command: Extract<ClientCommand, { kind: 'send' | 'group-send' }>;
  /**
   * What arrives for this device meanwhile: it is opened and acknowledged as `client` would
   * (MLS cannot leave a message for later), so it is shown rather than lost.
   */
  readonly print: (line: string) => void;
  /** Given up after this long without the server's answer (a server that answered once is reconnected to meanwhile). */
  readonly deadlineMs: number;
}

/**
 * `litsxg send`: logs in by this name's key store (made by an earlier `client` run: no password
 * is ever asked for), sends one message as the interactive client would, and ends once the
 * server has answered it. Resolves with the exit status and, on failure, the one line saying why.
 */
export async function sendOnce(options: SendOnceOptions): Promise<{ status: number; reason?: string }> {
  const { name } = options;
  let lastSaid: string | undefined;
  let why: string | undefined;
  let failure: string | undefined;
  let release: (() => void) | undefined;
  const session = new ClientSession({
    name,
    server: options.server,
    ...(options.proxy ? { proxy: options.proxy } : {}),
    print: options.print,
    say: (text) => { lastSaid = text; },
    openKeys: async (serverId) => {
      const opened = await openKeyStore({ ...options, existing: true }, serverId, { print: (text) => { why = text; } });
      release = opened?.release;
      return opened?.store;
    },
    password: async () => {
      why = `the server refused ${name}'s key: run litsxg client ${name} to log in with the password again`;
      return undefined;
    },
    // A group's welcome or commit may wait for this device: the message goes in the epoch they make.
    onReady: () => void session.caughtUp().then(() => {
      session.handle(options.command);
      void session.inputEnded().then((line) => { failure = line; });
    }),
  });
  const deadline = setTimeout(() => {
    why = `no answer from the server within ${Math.round(options.deadlineMs / 1000)} s`;
    session.quit(true, ExitStatus.failed);
  }, options.deadlineMs);
  const status = await session.run();
  clearTimeout(deadline);
  release?.();
  if (status === ExitStatus.ok) return { status };
  const reason = why ?? failure ?? lastSaid ?? 'the session ended';
  return { status, reason: reason.replace(/^#\d+ to (\S+): /, '$1: ') };
}
