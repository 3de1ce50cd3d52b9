import type { ClientCommand } from './client-commands.ts';

/** How many commands typed while disconnected wait for the connection. */
const HELD_LIMIT = 100;

/** What the person types while (re)connecting: it waits, a bounded number, and goes once the session is back. */
export class HeldCommands {
  private readonly held: ClientCommand[] = [];

  /** The line to show for a command held (or refused, when too much waits already). */
  hold(command: ClientCommand): string | undefined {
    if (this.held.length >= HELD_LIMIT) return 'not connected, and too much is waiting already; this was not sent';
    this.held.push(command);
    return command.kind === 'send' ? `not connected yet; sending to ${command.to} once connected` : undefined;
  }

  /** While (re)connecting (not `ready`), a command waits here, the line for it said; true when it may go now. */
  passes(ready: boolean, command: ClientCommand, say: (text: string) => void): boolean {
    if (ready) return true;
    const line = this.hold(command);
    if (line !== undefined) say(line);
    return false;
  }

  /** A quit typed while disconnected goes after what was typed before it; false when nothing waits. */
  quitAfter(): boolean {
    if (this.held.length === 0) return false;
    this.held.push({ kind: 'quit' });
    return true;
  }

  /** Everything held, in the order typed; nothing is held any more. */
  release(): ClientCommand[] {
    return this.held.splice(0);
  }

  get size(): number {
    return this.held.length;
  }

  unsentMessages(): number {
    return this.held.filter((command) => command.kind === 'send').length;
  }
}
