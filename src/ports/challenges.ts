import { token } from './token.ts';

/** Fresh unpredictable challenges, one per connection, for key logins. */
export interface Challenges {
  /** At least 128 random bits, as a string safe in JSON and in a signed message. */
  next(): string;
}
export const Challenges = token<Challenges>('Challenges');
