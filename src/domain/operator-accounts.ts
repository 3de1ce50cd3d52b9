import type { CredentialRepository } from '../ports/credential-repository.ts';
import type { KeyDirectory } from '../ports/key-directory.ts';
import type { PasswordHasher } from '../ports/password-hasher.ts';
import type { OperatorName } from './names.ts';
import { isOperatorName, isPassword } from './names.ts';
import { codePointLength } from './text.ts';

/** Why a name or password is refused before the database is asked. */
type Unacceptable = 'invalid_name' | 'invalid_password' | 'weak_password';
export type AddOutcome = { ok: true } | { ok: false; code: Unacceptable | 'name_taken' };
export type AccountOutcome = AddOutcome | { ok: false; code: 'no_such_operator' | 'no_key' };

/** PROTOCOL "Names and passwords": a password set by anyone has at least 10 code points. */
export const MIN_PASSWORD_CHARS = 10;

/** Creating, re-keying and removing operators: shared by `register` and the `operator` command. */
export class OperatorAccounts {
  constructor(
    private readonly credentials: CredentialRepository,
    private readonly hasher: PasswordHasher,
    private readonly keys: KeyDirectory,
  ) {}

  async add(name: string, password: string): Promise<AddOutcome> {
    const refused = refuseAccount(name, password);
    if (refused !== undefined) return refused;
    if (await this.credentials.exists(name)) return { ok: false, code: 'name_taken' };
    const added = await this.credentials.add(name, await this.hasher.hash(password));
    return added ? { ok: true } : { ok: false, code: 'name_taken' };
  }

  async changePassword(name: string, password: string): Promise<AccountOutcome> {
    const refused = refuseAccount(name, password);
    if (refused !== undefined) return refused;
    if (!(await this.credentials.exists(name))) return { ok: false, code: 'no_such_operator' };
    const changed = await this.credentials.changeHash(name, await this.hasher.hash(password));
    if (!changed) return { ok: false, code: 'no_such_operator' };
    // Whoever knew the old password may have published a key: a new password starts over with keys too.
    await this.keys.revoke(name);
    return { ok: true };
  }

  async remove(name: string): Promise<AccountOutcome> {
    if (!isOperatorName(name)) return { ok: false, code: 'invalid_name' };
    await this.keys.revoke(name);
    return (await this.credentials.remove(name)) ? { ok: true } : { ok: false, code: 'no_such_operator' };
  }

  /** A lost device: its key no longer logs in, and the next login by password publishes anew. */
  async revokeKey(name: string): Promise<AccountOutcome> {
    if (!isOperatorName(name)) return { ok: false, code: 'invalid_name' };
    if (await this.keys.revoke(name)) return { ok: true };
    return { ok: false, code: (await this.credentials.exists(name)) ? 'no_key' : 'no_such_operator' };
  }

  async exists(name: OperatorName): Promise<boolean> {
    return this.credentials.exists(name);
  }

  list(): Promise<OperatorName[]> {
    return this.credentials.list();
  }
}

/** Why a name and password cannot make an account, before any store is asked; undefined when they can. */
export function refuseAccount(name: string, password: string): { ok: false; code: Unacceptable } | undefined {
  if (!isOperatorName(name)) return { ok: false, code: 'invalid_name' };
  if (!isPassword(password)) return { ok: false, code: 'invalid_password' };
  if (codePointLength(password) < MIN_PASSWORD_CHARS) return { ok: false, code: 'weak_password' };
  return undefined;
}
