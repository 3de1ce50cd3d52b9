export interface PasswordHasher {
  /** A slow salted hash of the password, self-describing (algorithm, parameters, salt). */
  hash(password: string): Promise<string>;
  /**
   * Whether the password matches a stored hash; `undefined` costs the same and is false.
   * `busy` when so many verifications already wait that this one would not be answered in time.
   */
  verify(password: string, storedHash: string | undefined): Promise<boolean | 'busy'>;
}
export const PasswordHasher = Symbol('PasswordHasher');
