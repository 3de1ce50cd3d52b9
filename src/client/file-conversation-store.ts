import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ConversationStore } from './conversations/conversation-store.ts';
import { writeFileDurably } from './durable-file.ts';

const NONCE_BYTES = 24;

/**
 * The terminal's conversation store: one file a key in `mls/` beside the keys (0700), each
 * written durably (src/client/durable-file.ts, 0600), each sealed with XChaCha20-Poly1305
 * under the device's storage key (device.json, itself under the passphrase when the key store
 * is), its key name bound as associated data so files cannot be swapped.
 */
export class FileConversationStore implements ConversationStore {
  constructor(private readonly dir: string, private readonly key: Uint8Array) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    let sealed: Uint8Array;
    try {
      sealed = readFileSync(this.path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const cipher = xchacha20poly1305(this.key, sealed.subarray(0, NONCE_BYTES), new TextEncoder().encode(key));
    return cipher.decrypt(sealed.subarray(NONCE_BYTES));
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const nonce = randomBytes(NONCE_BYTES);
    const sealed = xchacha20poly1305(this.key, nonce, new TextEncoder().encode(key)).encrypt(value);
    writeFileDurably(this.path(key), Buffer.concat([nonce, sealed]));
  }

  async delete(key: string): Promise<void> {
    rmSync(this.path(key), { force: true });
  }

  async keys(prefix: string): Promise<string[]> {
    return readdirSync(this.dir).filter((file) => !file.endsWith('.tmp')).map(fromFileName).filter((key) => key.startsWith(prefix));
  }

  private path(key: string): string {
    return join(this.dir, toFileName(key));
  }
}

/** Keys are `kind/hex`: the slash becomes `=`, which neither part holds. */
function toFileName(key: string): string {
  return key.replaceAll('/', '=');
}

function fromFileName(file: string): string {
  return file.replaceAll('=', '/');
}
