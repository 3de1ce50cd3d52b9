export interface PasswordHasher {
  /** A slow salted hash of the password, self-describing (algorithm, parameters, salt). */
  hash(password: string): Promise<string>;
  /** Whether the password matches a stored hash; `undefined` costs the same and is false. */
  verify(password: string, storedHash: string | undefined): Promise<boolean>;
}
export const PasswordHasher = Symbol('PasswordHasher');
