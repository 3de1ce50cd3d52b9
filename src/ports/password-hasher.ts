import { token } from './token.ts';

export interface PasswordHasher {
  /** A slow salted hash of the password, self-describing (algorithm, parameters, salt). */
  hash(password: string): Promise<string>;
  /**
   * Whether the password matches a stored hash; `undefined` costs the same and is false.
   * `busy` when it was not checked: too many already wait, or `stillWanted` turned false
   * while it waited (its connection closed or timed out).
   */
  verify(password: string, storedHash: string | undefined, stillWanted?: () => boolean): Promise<boolean | 'busy'>;
}
export const PasswordHasher = token<PasswordHasher>('PasswordHasher');
