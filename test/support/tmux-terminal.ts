import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A program running in a real pseudo-terminal (a tmux pane on a private tmux server), driven
 * as a person would: type, press keys, read the screen.
 */
export class TmuxTerminal {
  private constructor(
    private readonly socket: string,
    private readonly config: string,
    private readonly socketPath: string,
    private readonly statusFile: string,
    private readonly home: string,
  ) {}

  static async start(command: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<TmuxTerminal> {
    const socket = `litsxg-test-${process.pid}-${randomBytes(4).toString('hex')}`;
    const config = join(tmpdir(), `${socket}.conf`);
    // The pane stays after the program exits, so its exit status can be read.
    writeFileSync(config, 'set -g remain-on-exit on\nset -g history-limit 5000\n');
    // Key stores and anything else the program keeps per user go to a directory of this terminal's own.
    const home = join(tmpdir(), `${socket}.config`);
    const environment = Object.entries({ XDG_CONFIG_HOME: home, ...env }).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
    // tmux 3.3 does not always record a dead pane's status: the wrapper writes it to a file.
    const statusFile = join(tmpdir(), `${socket}.status`);
    const wrapped = ['sh', '-c', '"$@"; echo $? > "$STATUS_FILE.tmp" && mv "$STATUS_FILE.tmp" "$STATUS_FILE"', 'sh', ...command];
    await run('tmux', ['-L', socket, '-f', config, 'new-session', '-d', '-x', '160', '-y', '50', ...environment, '-e', `STATUS_FILE=${statusFile}`, '--', ...wrapped], {
      env: { ...process.env, TERM: 'xterm-256color' },
    });
    const { stdout } = await run('tmux', ['-L', socket, 'display-message', '-p', '#{socket_path}']);
    return new TmuxTerminal(socket, config, stdout.trim(), statusFile, home);
  }

  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-l', text);
  }

  /** tmux key names: Enter, C-d, C-c… */
  async press(key: string): Promise<void> {
    await this.tmux('send-keys', key);
  }

  async line(text: string): Promise<void> {
    await this.type(text);
    await this.press('Enter');
  }

  /** Pastes `text` as a terminal does (bracketed, when the program asked for it; line feeds become Enter). */
  async paste(text: string): Promise<void> {
    await this.tmux('set-buffer', '-b', 'paste', '--', text);
    await this.tmux('paste-buffer', '-p', '-d', '-b', 'paste');
  }

  /** The whole screen and its scrollback, wrapped lines joined. */
  async screen(): Promise<string> {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-5000');
  }

  async waitFor(pattern: RegExp | string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      if (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${String(pattern)}; it shows:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Waits until `text` shows `count` times on the screen. */
  async waitForCount(text: string, count: number, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await this.screen();
      if (occurrences(screen, text) >= count) return screen;
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${count} × ${text}; it shows:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The program's exit status once it has ended. */
  async exitStatus(timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (existsSync(this.statusFile)) return Number(readFileSync(this.statusFile, 'utf8').trim());
      if (Date.now() > deadline) throw new Error(`the program did not exit; the screen:\n${await this.screen()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Ends this terminal's private tmux server, and with it the program. */
  async stop(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
    rmSync(this.config, { force: true });
    rmSync(this.statusFile, { force: true });
    rmSync(this.socketPath, { force: true });
    rmSync(this.home, { recursive: true, force: true });
  }

  private async tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-L', this.socket, ...args]);
    return stdout;
  }
}

/** How many times `text` shows in `screen`. */
export function occurrences(screen: string, text: string): number {
  return screen.split(text).length - 1;
}
