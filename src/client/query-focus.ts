import type { ClientCommand } from './client-commands.ts';
import type { Target } from './device-sessions.ts';
import { GROUP_NAME } from './mls-commands.ts';

/**
 * `/query NAME` or `/query #GROUP`, as in IRC clients: where plain typed text goes from now on,
 * shown in the prompt (`[#team]> `). `/query` alone ends it. `@NAME`, `#GROUP` and commands keep
 * their meaning meanwhile.
 */
export class QueryFocus {
  private target: Target | undefined;

  constructor(private readonly say: (text: string) => void) {}

  /** What a typed line means given the focus; undefined when the focus has no say in it. */
  interpret(line: string): ClientCommand | undefined {
    const text = line.trim();
    const [word = '', ...rest] = text.split(/\s+/);
    if (word.toLowerCase() === '/query') {
      this.query(rest);
      return { kind: 'none' };
    }
    if (this.target === undefined || text === '' || /^[@#/]/.test(text)) return undefined;
    return 'to' in this.target ? { kind: 'send', to: this.target.to, body: text } : { kind: 'group-send', group: this.target.group, text };
  }

  /** The prompt: the conversation plain text goes to, else the name logged in as. */
  prompt(name: string): string {
    if (this.target === undefined) return `${name}> `;
    return `[${'to' in this.target ? this.target.to : `#${this.target.group}`}]> `;
  }

  private query(args: readonly string[]): void {
    if (args.length === 0) {
      this.target = undefined;
      return this.say('plain text goes nowhere now: @NAME TEXT, #GROUP TEXT, or /query NAME|#GROUP');
    }
    const name = (args[0] ?? '').replace(/^#/, '').toLowerCase();
    if (args.length > 1 || !GROUP_NAME.test(name)) return this.say('usage: /query NAME, /query #GROUP, or /query alone to stop');
    this.target = args[0]!.startsWith('#') ? { group: name } : { to: name };
    this.say(`plain text goes to ${args[0]!.startsWith('#') ? `#${name}` : name} now (/query alone to stop)`);
  }
}
