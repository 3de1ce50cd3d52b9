import { isOperatorName, MAX_PASSWORD_BYTES } from '../../domain/names.ts';
import { visibleText } from '../../domain/visible-text.ts';
import { refuseAccount } from '../../domain/operator-accounts.ts';
import type { AccountOutcome, OperatorAccounts } from '../../domain/operator-accounts.ts';
import type { OnionClientKeys } from '../../ports/onion-client-keys.ts';
import { authPrivateLine, generateOnionClientKey, publicKeyOf } from '../tor/onion-client-key.ts';
import { IDENTITY_OPTIONS } from './serve-options.ts';
import { defineCommand, flagOption } from './option-spec.ts';

/** Where every word finds the operators. */
const STORE = ['data-dir', 'credentials'] as const;

export const OPERATOR_COMMAND = defineCommand({
  name: 'operator',
  usage: 'operator add|passwd|remove|revoke-key|reset-devices|onion-key NAME | operator list | operator backup FILE [options]',
  summary: 'Manages operators in the credential database, also while the server runs.',
  environment: true,
  options: {
    ...IDENTITY_OPTIONS,
    'key-only': flagOption('onion-key: print only the bare key, as Tor Browser\'s prompt takes it'),
    public: flagOption('onion-key: print the public key line for a static torrc\'s authorized_clients/NAME.auth'),
  },
  // Issue 22: `operator add --help` is add's help. Every word but add refuses a missing data directory.
  subcommands: {
    add: {
      usage: 'operator add NAME [options]', options: STORE,
      summary: 'Adds NAME, the password read from the first line of standard input when it is not a terminal, else prompted twice; creates a missing data directory and says where.',
    },
    passwd: {
      usage: 'operator passwd NAME [options]', options: STORE,
      summary: 'Sets NAME\'s password, read as add reads it, and takes NAME\'s published key and every device away; the running server checks it at the next authentication.',
    },
    remove: { usage: 'operator remove NAME [options]', options: STORE, summary: 'Removes NAME, with its published key, its devices and its onion client-authorization key.' },
    'revoke-key': { usage: 'operator revoke-key NAME [options]', options: STORE, summary: 'Revokes NAME\'s published key and the devices it certified (exit 1 when NAME does not exist or has no key).' },
    'reset-devices': {
      usage: 'operator reset-devices NAME [options]', options: STORE,
      summary: 'Removes every device of NAME, their key packages and NAME\'s published key, in one transaction: the next login is by password and starts over.',
    },
    'onion-key': {
      usage: 'operator onion-key NAME [--key-only | --public] [options]', options: [...STORE, 'key-only', 'public'],
      summary: 'Prints NAME\'s onion client-authorization private key, as a ClientOnionAuthDir file\'s line (needs the onion address: serve --onion once).',
    },
    backup: {
      usage: 'operator backup FILE [options]', options: STORE,
      summary: 'Copies the SQLite credential database to a new FILE (0600, refused if it exists), also while the server runs; for PostgreSQL use pg_dump.',
    },
    list: {
      usage: 'operator list [options]', options: STORE,
      summary: 'Prints the operators\' names, one a line, sorted; after an operator with devices, how many are certified (a pending one is not counted) and "key packages low" when one holds fewer than 10.',
    },
  },
});

const NAMED_ACTIONS = ['add', 'passwd', 'remove', 'revoke-key', 'reset-devices', 'onion-key'] as const;
type NamedAction = (typeof NAMED_ACTIONS)[number];
export type OperatorRequest = { readonly action: 'list' } | { readonly action: NamedAction; readonly name: string };
/** `backup FILE`: a copy of the database itself, made without the accounts service. */
export interface BackupRequest { readonly action: 'backup'; readonly file: string }

/** Each operator's onion client-authorization key, made by `add`, shown by `onion-key` (`remove` drops it with the account). */
export interface OperatorOnionKeys {
  readonly keys: OnionClientKeys;
  /** The server's `.onion` address, once a server has published it. */
  hostname(): Promise<string | undefined>;
  /** `onion-key --key-only`: the bare key, as Tor Browser's prompt takes it. */
  readonly keyOnly: boolean;
  /** `onion-key --public`: the line of a static torrc's `authorized_clients/NAME.auth`. */
  readonly publicLine: boolean;
}

export interface OperatorIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readPassword(confirm: boolean): Promise<string>;
}

type Refusal = Exclude<AccountOutcome, { ok: true }>['code'];
const REASONS: Readonly<Record<Refusal, (name: string, password: string) => string>> = {
  invalid_name: (name) => `invalid operator name ${JSON.stringify(name)}: use 1 to 32 of a-z 0-9 . _ - starting with a letter or digit`,
  invalid_password: (_, password) => (password === '' ? 'empty password: give one of at least 10 characters' : `invalid password: it must be at most ${MAX_PASSWORD_BYTES} bytes`),
  weak_password: () => 'weak password: use at least 10 characters',
  name_taken: (name) => `operator ${name} already exists`,
  no_such_operator: (name) => `no operator named ${name}`,
  no_key: (name) => `${name} has no published key`,
};

/**
 * `operator`'s words: a request, a usage error (status 2), or a name refused before anything
 * is touched (status 1), so a mistyped name never creates a data directory.
 */
export function parseOperatorRequest(positionals: readonly string[]): OperatorRequest | BackupRequest | { readonly status: 1 | 2; readonly message: string } {
  const [action, name, ...extra] = positionals;
  if (action === 'list') return name === undefined ? { action } : { status: 2, message: `unexpected argument ${JSON.stringify(name)}` };
  if (action !== 'backup' && !NAMED_ACTIONS.includes(action as NamedAction)) {
    return { status: 2, message: 'expected add NAME, passwd NAME, remove NAME, revoke-key NAME, reset-devices NAME, onion-key NAME, backup FILE or list' };
  }
  if (name === undefined) return { status: 2, message: `${action} needs a ${action === 'backup' ? 'FILE' : 'NAME'}` };
  if (extra.length > 0) return { status: 2, message: `unexpected argument ${JSON.stringify(extra[0])}` };
  if (action === 'backup') return { action, file: name };
  if (!isOperatorName(name)) return { status: 1, message: REASONS.invalid_name(name, '') };
  return { action: action as NamedAction, name };
}

/** Carries out a request: exit 0 on success, 1 with a one-line reason. */
export async function runOperatorCommand(request: OperatorRequest, accounts: OperatorAccounts, onion: OperatorOnionKeys, io: OperatorIo): Promise<number> {
  if (request.action === 'list') {
    // The name stays the whole line for an operator without devices, and the first field always: scripts read it.
    for (const { name, devices, low } of await accounts.list()) {
      io.stdout.write(devices === 0 ? `${name}\n` : `${name} ${devices} device${devices === 1 ? '' : 's'}${low ? ', key packages low' : ''}\n`);
    }
    return 0;
  }
  if (request.action === 'onion-key') return printOnionKey(request.name, onion, io);
  const { action, name } = request;
  let password = '';
  let outcome: AccountOutcome;
  try {
    if (action === 'remove') outcome = await accounts.remove(name);
    else if (action === 'revoke-key') outcome = await accounts.revokeKey(name);
    else if (action === 'reset-devices') outcome = await accounts.resetDevices(name);
    // Issue 24: an unknown name is said before a password is asked for, not after as a weak one.
    else if (action === 'passwd' && !(await accounts.exists(name))) outcome = { ok: false, code: 'no_such_operator' };
    else {
      password = await io.readPassword(true);
      outcome = action === 'add' ? await accounts.add(name, password) : await accounts.changePassword(name, password);
    }
    if (outcome.ok && action === 'add') await onion.keys.put(name, generateOnionClientKey());
  } catch (error) {
    operatorSays(io, (error as Error).message);
    return 1;
  }
  if (!outcome.ok) {
    operatorSays(io, REASONS[outcome.code](name, password));
    return 1;
  }
  const done = { add: 'added', passwd: 'password changed for', remove: 'removed', 'revoke-key': 'key revoked for', 'reset-devices': 'devices and key reset for' }[action];
  io.stdout.write(`${done} ${name}\n`);
  return 0;
}

/**
 * `add`'s password, read and checked before anything is created (issue 24): a missing, empty or
 * weak password leaves no data directory behind.
 */
export async function readNewPassword(name: string, io: Pick<OperatorIo, 'readPassword'>): Promise<{ ok: true; password: string } | { ok: false; reason: string }> {
  let password: string;
  try {
    password = await io.readPassword(true);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const refused = refuseAccount(name, password);
  return refused === undefined ? { ok: true, password } : { ok: false, reason: REASONS[refused.code](name, password) };
}

/** What the operator typed is quoted back: shown, never obeyed by the terminal. */
export function operatorSays(io: Pick<OperatorIo, 'stderr'>, text: string): void {
  io.stderr.write(`litsxg operator: ${visibleText(text)}\n`);
}

/**
 * Prints the private key: a `ClientOnionAuthDir` file's line, or with `--key-only` what Tor
 * Browser asks for; with `--public`, the public key for a static torrc's `authorized_clients/`.
 */
async function printOnionKey(name: string, onion: OperatorOnionKeys, io: OperatorIo): Promise<number> {
  const key = await onion.keys.privateKey(name);
  if (key === undefined) {
    operatorSays(io, REASONS.no_such_operator(name, ''));
    return 1;
  }
  if (onion.publicLine) {
    io.stdout.write(`descriptor:x25519:${publicKeyOf(key)}\n`);
    return 0;
  }
  if (onion.keyOnly) {
    io.stdout.write(`${key}\n`);
    return 0;
  }
  const address = await onion.hostname();
  if (address === undefined) {
    operatorSays(io, 'the onion address is not known yet: start the server with --onion once, or use --key-only');
    return 1;
  }
  io.stdout.write(`${authPrivateLine(address, key)}\n`);
  return 0;
}
