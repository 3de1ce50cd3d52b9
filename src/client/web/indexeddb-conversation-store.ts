import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { concatBytes, randomBytes } from '@noble/hashes/utils.js';
import type { ConversationStore } from '../conversations/conversation-store.ts';
import type { ScryptCost } from '../trust/passphrase-seal.ts';
import type { PassphraseSealer } from './passphrase-sealer.ts';

const VALUES = 'values';
const META = 'meta';
const DATA_KEY = 'data-key';
const NONCE_BYTES = 24;

/**
 * scrypt N=2^15, r=8 (32 MiB), not the terminal's 2^17: at Tor Browser's Safer level (no JIT)
 * 2^17 took 27.5 s in firefox-esr on the project's shared 2-core machine, 2^15 7.6 to 12.8 s
 * (test/e2e/web-store.test.ts prints it). It runs in a worker, so the page never freezes; and
 * Tor Browser keeps the store only for its session (keys-notice.ts), which bounds what a slower
 * cost would protect. Each sealed blob carries its cost, so raising it later still opens old ones.
 */
export const BROWSER_SCRYPT_COST: ScryptCost = { logN: 15, r: 8, p: 1 };

/**
 * The browser's ConversationStore (STYLE 10): IndexedDB, every value encrypted. A random data
 * key encrypts the values (XChaCha20-Poly1305, the value's own key as associated data, so a
 * value moved to another key does not open); the passphrase seals that data key once
 * (passphrase-seal.ts, scrypt in a worker), so unlocking costs one scrypt, not one per value.
 * Each `put` is one IndexedDB transaction: the value is replaced whole or not at all.
 */
export class IndexedDbConversationStore implements ConversationStore {
  private constructor(private readonly db: IDBDatabase, private readonly key: Uint8Array) {}

  /** Opens (or creates) the store of `name`; undefined when `passphrase` is not the one it was created with. */
  static async open(name: string, passphrase: string, sealer: PassphraseSealer, cost = BROWSER_SCRYPT_COST): Promise<IndexedDbConversationStore | undefined> {
    const db = await openDatabase(name);
    const sealed = await request<Uint8Array | undefined>(db.transaction(META).objectStore(META).get(DATA_KEY));
    if (sealed !== undefined) {
      const key = await sealer.open(sealed, passphrase);
      if (key === undefined) db.close();
      return key === undefined ? undefined : new IndexedDbConversationStore(db, key);
    }
    const key = randomBytes(32);
    // Sealed before the transaction opens: one left waiting on a promise is committed empty.
    const sealedKey = await sealer.seal(key, passphrase, cost);
    await request(db.transaction(META, 'readwrite').objectStore(META).put(sealedKey, DATA_KEY));
    return new IndexedDbConversationStore(db, key);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const stored = await request<Uint8Array | undefined>(this.db.transaction(VALUES).objectStore(VALUES).get(key));
    if (stored === undefined) return undefined;
    const nonce = stored.subarray(0, NONCE_BYTES);
    // A value that does not open was altered (or moved): an error, never a silent undefined.
    return xchacha20poly1305(this.key, nonce, associated(key)).decrypt(stored.subarray(NONCE_BYTES));
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const nonce = randomBytes(NONCE_BYTES);
    const stored = concatBytes(nonce, xchacha20poly1305(this.key, nonce, associated(key)).encrypt(value));
    await request(this.db.transaction(VALUES, 'readwrite').objectStore(VALUES).put(stored, key));
  }

  async delete(key: string): Promise<void> {
    await request(this.db.transaction(VALUES, 'readwrite').objectStore(VALUES).delete(key));
  }

  async keys(prefix: string): Promise<string[]> {
    const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
    return (await request(this.db.transaction(VALUES).objectStore(VALUES).getAllKeys(range))).map(String);
  }

  close(): void {
    this.key.fill(0);
    this.db.close();
  }
}

function associated(key: string): Uint8Array {
  return new TextEncoder().encode(key);
}

function openDatabase(name: string): Promise<IDBDatabase> {
  const opening = indexedDB.open(name, 1);
  opening.onupgradeneeded = () => {
    opening.result.createObjectStore(VALUES);
    opening.result.createObjectStore(META);
  };
  return request(opening);
}

function request<T>(pending: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    pending.onsuccess = () => resolve(pending.result);
    pending.onerror = () => reject(pending.error ?? new Error('IndexedDB failed'));
  });
}
