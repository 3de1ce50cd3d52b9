import type { PublicIdentity } from '../domain/identity-keys.ts';
import type { OperatorName } from '../domain/names.ts';
import { token } from './token.ts';

/** Operators' published public identities, kept with their credentials (one an operator). */
export interface KeyDirectory {
  /** Stores or replaces the operator's identity; false when there is no such operator. */
  publish(name: OperatorName, identity: PublicIdentity): Promise<boolean>;
  find(name: OperatorName): Promise<PublicIdentity | undefined>;
  /** False when the operator had no identity published. */
  revoke(name: OperatorName): Promise<boolean>;
}
export const KeyDirectory = token<KeyDirectory>('KeyDirectory');
