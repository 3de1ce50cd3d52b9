/**
 * Where the conversation core keeps its secrets and group states: files in the terminal
 * (0600, written atomically), IndexedDB in a browser. Keys are short ASCII paths
 * (`group/<hex>`, `pending/<hex>`, `key-package/<hex>`). `put` replaces a value whole or not at
 * all, so a crash never leaves a half-written state (STYLE 10).
 */
export interface ConversationStore {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every key starting with `prefix`, in no particular order. */
  keys(prefix: string): Promise<string[]>;
}

/** For tests and for a session that keeps nothing: the values live in memory only. */
export class MemoryConversationStore implements ConversationStore {
  readonly values = new Map<string, Uint8Array>();

  async get(key: string): Promise<Uint8Array | undefined> {
    const value = this.values.get(key);
    return value === undefined ? undefined : value.slice();
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.values.set(key, value.slice());
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }

  async keys(prefix: string): Promise<string[]> {
    return [...this.values.keys()].filter((key) => key.startsWith(prefix));
  }

  /** A copy of everything held, as an attacker who copied the device would have it. */
  snapshot(): MemoryConversationStore {
    const copy = new MemoryConversationStore();
    for (const [key, value] of this.values) copy.values.set(key, value.slice());
    return copy;
  }
}
