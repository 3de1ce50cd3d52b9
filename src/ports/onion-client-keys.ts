import type { OperatorName } from '../domain/names.ts';
import { token } from './token.ts';

/** Operators' onion client-authorization keys (base32 x25519), kept with the credentials. */
export interface OnionClientKeys {
  /** Gives `name` this key pair, replacing any it had. */
  put(name: OperatorName, pair: { readonly publicKey: string; readonly privateKey: string }): Promise<void>;
  privateKey(name: OperatorName): Promise<string | undefined>;
  /** The public keys of every existing operator, sorted: whom the onion admits. */
  publicKeys(): Promise<string[]>;
  // No remove: a key goes with its operator, in CredentialRepository.remove's transaction.
}
export const OnionClientKeys = token<OnionClientKeys>('OnionClientKeys');
