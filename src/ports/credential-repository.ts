import type { OperatorName } from '../domain/names.ts';
import type { Awaitable } from '../domain/awaitable.ts';
import { token } from './token.ts';

export interface CredentialRepository {
  /** The stored password hash, read afresh so changes apply at the next authentication. */
  findHash(name: OperatorName): Promise<string | undefined>;
  /** Whether an operator exists; cheap enough for the per-message path. */
  exists(name: OperatorName): Awaitable<boolean>;
  /** False when the name is taken. */
  add(name: OperatorName, hash: string): Promise<boolean>;
  /** False when there is no such operator. */
  changeHash(name: OperatorName, hash: string): Promise<boolean>;
  /** With everything kept for the operator (identity and onion keys), all or nothing. False when there is no such operator. */
  remove(name: OperatorName): Promise<boolean>;
  /** Every operator name, sorted. */
  list(): Promise<OperatorName[]>;
  close(): Promise<void>;
}
export const CredentialRepository = token<CredentialRepository>('CredentialRepository');
