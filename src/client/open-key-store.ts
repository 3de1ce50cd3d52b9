import type { ServerAddress } from '../adapters/tor/connect-through.ts';
import { KeyStore } from './e2e/key-store.ts';
import { KeyStoreError } from './e2e/key-store-error.ts';
import { lockKeyStore } from './e2e/key-store-lock.ts';
import { keyStoreDir, type KeyStoreLocation } from './e2e/key-store-location.ts';

export interface KeyStoreChoice {
  readonly name: string;
  readonly server: ServerAddress;
  /** `--keys-dir DIR`, or the root under which each server (by its id) and name has a key store. */
  readonly keys: KeyStoreLocation;
  /** From LITSXG_KEY_PASSPHRASE; when absent and needed, asked for (`ask`) if it can be. */
  readonly keyPassphrase?: string;
  /** `--encrypt-keys`: the identity's secrets are kept encrypted under the passphrase from now on. */
  readonly encryptKeys?: boolean;
  /** Only a store that exists is opened (`send` never makes an identity): else undefined, with the reason shown. */
  readonly existing?: boolean;
}

export interface KeyStoreDialog {
  readonly print: (text: string) => void;
  /** Asks without echo, on a terminal; absent elsewhere. */
  readonly ask?: (prompt: string) => Promise<string | undefined>;
}

/**
 * Opens the key store of the server that said hello (its `server_id`), asking for its
 * passphrase when it is sealed, and locks it for this process until `release`; undefined when
 * it cannot be used, the reason shown.
 */
export async function openKeyStore(choice: KeyStoreChoice, serverId: unknown, dialog: KeyStoreDialog): Promise<{ store: KeyStore; release: () => void } | undefined> {
  const { print, ask } = dialog;
  try {
    const { dir, movedFrom } = keyStoreDir(choice.keys, { serverId, ...choice.server }, choice.name);
    if (choice.existing === true && !KeyStore.exists(dir)) {
      print(`no key store of ${choice.name}'s for this server in ${dir}: run litsxg client ${choice.name} once first`);
      return undefined;
    }
    if (movedFrom !== undefined) print(`moved this server's key store from ${movedFrom} to ${dir}`);
    const encrypt = choice.encryptKeys ?? false;
    const sealed = KeyStore.isSealed(dir);
    const passphrase = !encrypt && !sealed ? undefined : choice.keyPassphrase ?? await ask?.('key store passphrase: ');
    // A new passphrase is typed twice: a typo would lock the identity away for good.
    if (!sealed && passphrase !== undefined && choice.keyPassphrase === undefined && await ask?.('the same passphrase again: ') !== passphrase) {
      print('the two passphrases differ; nothing was encrypted');
      return undefined;
    }
    const store = KeyStore.open(dir, { ...(passphrase === undefined ? {} : { passphrase }), encrypt });
    return { store, release: await lockKeyStore(dir, choice.name) };
  } catch (error) {
    if (!(error instanceof KeyStoreError)) throw error;
    print(error.message);
    return undefined;
  }
}
