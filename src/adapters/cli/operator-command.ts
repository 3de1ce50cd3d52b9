import { isOperatorName } from '../../domain/names.ts';
import { visibleText } from '../../domain/visible-text.ts';
import type { AccountOutcome, OperatorAccounts } from '../../domain/operator-accounts.ts';
import type { OnionClientKeys } from '../../ports/onion-client-keys.ts';
import { authPrivateLine, generateOnionClientKey, publicKeyOf } from '../tor/onion-client-key.ts';

export interface OperatorIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readPassword(confirm: boolean): Promise<string>;
}

/** Each operator's onion client-authorization key, made by `add`, dropped by `remove`, shown by `onion-key`. */
export interface OperatorOnionKeys {
  readonly keys: OnionClientKeys;
  /** The server's `.onion` address, once a server has published it. */
  hostname(): Promise<string | undefined>;
  /** `onion-key --key-only`: the bare key, as Tor Browser's prompt takes it. */
  readonly keyOnly: boolean;
  /** `onion-key --public`: the line of a static torrc's `authorized_clients/NAME.auth`. */
  readonly publicLine: boolean;
}

const REASONS: Readonly<Record<Exclude<AccountOutcome, { ok: true }>['code'], (name: string) => string>> = {
  invalid_name: (name) => `invalid operator name ${JSON.stringify(name)}: use 1 to 32 of a-z 0-9 . _ - starting with a letter or digit`,
  invalid_password: () => 'invalid password: it must be 1 to 1024 bytes',
  weak_password: () => 'weak password: use at least 10 characters',
  name_taken: (name) => `operator ${name} already exists`,
  no_such_operator: (name) => `no operator named ${name}`,
  no_key: (name) => `${name} has no published key`,
};

/** `operator add|passwd|remove|revoke-key|list|onion-key`: exit 0 on success, 1 with a one-line reason, 2 on bad usage. */
export async function runOperatorCommand(args: readonly string[], accounts: OperatorAccounts, onion: OperatorOnionKeys, io: OperatorIo): Promise<number> {
  const [action, name, ...extra] = args;
  // What the operator typed is quoted back: shown, never obeyed by the terminal.
  const say = (text: string) => io.stderr.write(`litsxg operator: ${visibleText(text)}\n`);
  const usage = (text: string) => {
    say(text);
    return 2;
  };
  if (action === 'list') {
    if (name !== undefined) return usage(`unexpected argument ${JSON.stringify(name)}`);
    for (const operator of await accounts.list()) io.stdout.write(`${operator}\n`);
    return 0;
  }
  if (action === 'onion-key' && name !== undefined && extra.length === 0) return printOnionKey(name, onion, io);
  if (action !== 'add' && action !== 'passwd' && action !== 'remove' && action !== 'revoke-key') {
    return usage('expected add NAME, passwd NAME, remove NAME, revoke-key NAME, onion-key NAME or list');
  }
  if (name === undefined) return usage(`${action} needs a NAME`);
  if (extra.length > 0) return usage(`unexpected argument ${JSON.stringify(extra[0])}`);
  let outcome: AccountOutcome;
  try {
    outcome = await apply(action, name, accounts, io);
    if (outcome.ok && action === 'add') await onion.keys.put(name, generateOnionClientKey());
    if (outcome.ok && action === 'remove') await onion.keys.remove(name);
  } catch (error) {
    say((error as Error).message);
    return 1;
  }
  if (!outcome.ok) {
    say(REASONS[outcome.code](name));
    return 1;
  }
  const done = { add: 'added', passwd: 'password changed for', remove: 'removed', 'revoke-key': 'key revoked for' }[action];
  io.stdout.write(`${done} ${name}\n`);
  return 0;
}

async function apply(action: 'add' | 'passwd' | 'remove' | 'revoke-key', name: string, accounts: OperatorAccounts, io: OperatorIo): Promise<AccountOutcome> {
  // A bad name is refused before the password is asked for.
  if (!isOperatorName(name)) return { ok: false, code: 'invalid_name' };
  if (action === 'remove') return accounts.remove(name);
  if (action === 'revoke-key') return accounts.revokeKey(name);
  const password = await io.readPassword(true);
  return action === 'add' ? accounts.add(name, password) : accounts.changePassword(name, password);
}

/**
 * Prints the private key: a `ClientOnionAuthDir` file's line, or with `--key-only` what Tor
 * Browser asks for; with `--public`, the public key for a static torrc's `authorized_clients/`.
 */
async function printOnionKey(name: string, onion: OperatorOnionKeys, io: OperatorIo): Promise<number> {
  const fail = (reason: string) => {
    io.stderr.write(`litsxg operator: ${reason}\n`);
    return 1;
  };
  if (!isOperatorName(name)) return fail(REASONS.invalid_name(name));
  const key = await onion.keys.privateKey(name);
  if (key === undefined) return fail(REASONS.no_such_operator(name));
  if (onion.publicLine) {
    io.stdout.write(`descriptor:x25519:${publicKeyOf(key)}\n`);
    return 0;
  }
  if (onion.keyOnly) {
    io.stdout.write(`${key}\n`);
    return 0;
  }
  const address = await onion.hostname();
  if (address === undefined) return fail('the onion address is not known yet: start the server with --onion once, or use --key-only');
  io.stdout.write(`${authPrivateLine(address, key)}\n`);
  return 0;
}
