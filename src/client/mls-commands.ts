/** docs/protocol.md "Groups", docs/client.md § Direct conversations and groups: what the group commands mean. */
export type MlsCommand =
  | { readonly kind: 'group-create'; readonly group: string }
  | { readonly kind: 'invite'; readonly group: string; readonly names: readonly string[] }
  | { readonly kind: 'remove'; readonly group: string; readonly name: string }
  | { readonly kind: 'leave'; readonly group: string }
  | { readonly kind: 'groups' }
  | { readonly kind: 'members'; readonly group: string }
  | { readonly kind: 'group-send'; readonly group: string; readonly text: string }
  | { readonly kind: 'devices' }
  | { readonly kind: 'devices-approve'; readonly code: string }
  | { readonly kind: 'devices-remove'; readonly device: string };

type Mistake = { readonly kind: 'mistake'; readonly message: string };

/** A group's name: what an operator name may be, so it reads the same in `#NAME`. */
export const GROUP_NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;

export const GROUP_HELP = [
  '  #GROUP TEXT            send TEXT to the group',
  '  /group create GROUP    a new group, with you in it',
  '  /invite GROUP NAME…    add operators (every device of each) to the group',
  '  /remove GROUP NAME     take an operator out of the group',
  '  /leave GROUP           leave the group',
  '  /groups                your groups',
  '  /members GROUP         who is in the group',
  '  /devices               your devices',
  '  /devices approve CODE  make the new device showing CODE one of yours, in every conversation',
  '  /devices remove ID     take a lost device out of every conversation, and revoke it',
];

/** The group commands' words, or undefined for a word that is not one of them. */
export function parseGroupCommand(word: string, args: readonly string[], text: string): MlsCommand | Mistake | undefined {
  const group = (args[0] ?? '').replace(/^#/, '').toLowerCase();
  const names = args.slice(1).map((name) => name.toLowerCase());
  const usage = (message: string): Mistake => ({ kind: 'mistake', message: `usage: ${message}` });
  const named = (command: MlsCommand, line: string): MlsCommand | Mistake => (GROUP_NAME.test(group) ? command : usage(line));
  switch (word) {
    case '#': {
      const match = /^#(\S+)\s+([\s\S]*\S)\s*$/.exec(text);
      const name = match?.[1]?.toLowerCase() ?? '';
      return match && GROUP_NAME.test(name) ? { kind: 'group-send', group: name, text: match[2]! } : usage('#GROUP TEXT');
    }
    case '/group':
      return group === 'create' && args.length === 2 ? parseGroupCommand('/group-create', args.slice(1), text) : usage('/group create GROUP');
    case '/group-create':
      return named({ kind: 'group-create', group }, '/group create GROUP');
    case '/invite':
      return names.length > 0 ? named({ kind: 'invite', group, names }, '/invite GROUP NAME…') : usage('/invite GROUP NAME…');
    case '/remove':
      return names.length === 1 ? named({ kind: 'remove', group, name: names[0]! }, '/remove GROUP NAME') : usage('/remove GROUP NAME');
    case '/leave':
      return args.length === 1 ? named({ kind: 'leave', group }, '/leave GROUP') : usage('/leave GROUP');
    case '/groups':
      return args.length === 0 ? { kind: 'groups' } : usage('/groups');
    case '/devices':
      if (args.length === 0) return { kind: 'devices' };
      if (args[0] === 'approve' && args.length === 2) return { kind: 'devices-approve', code: args[1]!.toLowerCase() };
      if (args[0] === 'remove' && args.length === 2) return { kind: 'devices-remove', device: args[1]!.toLowerCase() };
      return usage('/devices, /devices approve CODE or /devices remove ID');
    case '/members':
      return args.length === 1 ? named({ kind: 'members', group }, '/members GROUP') : usage('/members GROUP');
  }
  return undefined;
}
