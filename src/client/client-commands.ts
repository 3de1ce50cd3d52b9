import type { MlsCommand } from './mls-commands.ts';
import { GROUP_HELP, parseGroupCommand } from './mls-commands.ts';

export type ClientCommand =
  | MlsCommand
  | { readonly kind: 'send'; readonly to: string; readonly body: string }
  | { readonly kind: 'who' }
  | { readonly kind: 'presence'; readonly on: boolean }
  | { readonly kind: 'verify' | 'trust'; readonly name: string }
  | { readonly kind: 'help' }
  | { readonly kind: 'quit' }
  | { readonly kind: 'none' }
  | { readonly kind: 'mistake'; readonly message: string };

export const CLIENT_HELP = [
  'commands:',
  '  @NAME TEXT        send TEXT to NAME',
  '  /msg NAME TEXT    the same',
  '  /query NAME       plain text goes to NAME (or #GROUP), shown in the prompt; /query alone: nowhere',
  ...GROUP_HELP,
  '  /who              who is online',
  '  /presence off|on  stop or show the notices "bob is online", "bob left" (on at start)',
  '  /verify NAME      the safety number to compare with NAME out of band',
  '  /trust NAME       accept NAME\'s current key as verified (sends what a key change held)',
  '  /help             this help',
  '  /quit             leave (Ctrl-D too)',
].join('\n');

/** Turns one typed line into what the person meant. */
export function parseClientCommand(line: string): ClientCommand {
  const text = line.trim();
  if (text === '') return { kind: 'none' };
  if (text.startsWith('@')) return send(text.slice(1), '@NAME TEXT');
  if (text.startsWith('#')) return parseGroupCommand('#', [], text)!;
  const [word = '', ...rest] = text.split(/\s+/);
  const group = parseGroupCommand(word.toLowerCase(), rest, text);
  if (group !== undefined) return group;
  switch (word.toLowerCase()) {
    case '/msg':
      return send(text.slice(word.length).trimStart(), '/msg NAME TEXT');
    case '/who':
      return rest.length === 0 ? { kind: 'who' } : { kind: 'mistake', message: '/who takes nothing after it' };
    case '/presence':
      return rest.length === 1 && /^(on|off)$/i.test(rest[0]!) ? { kind: 'presence', on: rest[0]!.toLowerCase() === 'on' } : { kind: 'mistake', message: 'usage: /presence off or /presence on' };
    case '/verify':
    case '/trust': {
      const kind = word.toLowerCase() === '/verify' ? 'verify' : 'trust';
      return rest.length === 1 ? { kind, name: rest[0]!.toLowerCase() } : { kind: 'mistake', message: `usage: /${kind} NAME` };
    }
    case '/help':
    case '/?':
      return { kind: 'help' };
    case '/quit':
    case '/exit':
      return { kind: 'quit' };
  }
  if (word.startsWith('/')) return { kind: 'mistake', message: `unknown command ${word}; /help lists them` };
  return { kind: 'mistake', message: 'to send, write @NAME TEXT, or /query NAME first (/help lists the commands)' };
}

function send(rest: string, usage: string): ClientCommand {
  const match = /^(\S+)\s+([\s\S]*\S)\s*$/.exec(rest);
  if (!match) return { kind: 'mistake', message: `usage: ${usage}` };
  return { kind: 'send', to: (match[1] ?? '').toLowerCase(), body: match[2] ?? '' };
}
