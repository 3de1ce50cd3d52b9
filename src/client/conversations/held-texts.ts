import { ConversationError } from './conversation-events.ts';
import type { ConversationStore } from './conversation-store.ts';

const PREFIX = 'held-text/';

/** Texts held for `/trust` at most: beyond, a text is refused, not held (each is at most a body, 16 KiB by default). */
export const HELD_TEXTS_LIMIT = 100;

/** A text not sent: to a conversation, or to a name with no conversation yet. */
export interface HeldText {
  readonly to: { readonly group: string } | { readonly name: string };
  readonly text: string;
  readonly id: string;
  readonly names: readonly string[];
}

/** As kept: `seq` orders them as typed, and names the value in the store. */
export interface KeptText extends HeldText {
  readonly seq: number;
}

/**
 * The texts held for `/trust` (docs/protocol.md "Holds"), kept in the conversation store beside the
 * group states, so a client that quits and comes back still holds them: files sealed under the
 * device's storage key in the terminal (itself under the passphrase when the key store is), an
 * encrypted IndexedDB value in the browser. Each is written before the person is told it is held.
 */
export class HeldTexts {
  private kept: Promise<KeptText[]> | undefined;
  /** Only ever goes up: a text taken stays in the store until `sent`, so its number is not free. */
  private lastSeq = 0;

  constructor(private readonly store: ConversationStore) {}

  async hold(text: HeldText): Promise<void> {
    const texts = await this.all();
    if (texts.length >= HELD_TEXTS_LIMIT) throw new ConversationError(`${HELD_TEXTS_LIMIT} texts wait for /trust already: this one is not held`);
    const kept: KeptText = { ...text, seq: ++this.lastSeq };
    // In the list before the write, so that a second text held meanwhile takes the next number.
    texts.push(kept);
    try {
      await this.store.put(PREFIX + kept.seq, new TextEncoder().encode(JSON.stringify(kept)));
    } catch (error) {
      texts.splice(texts.indexOf(kept), 1);
      throw error;
    }
  }

  /** Those `free` lets go, in the order typed, no longer held here; each stays in the store until `sent`. */
  async take(free: (text: HeldText) => boolean): Promise<KeptText[]> {
    const texts = await this.all();
    const taken = texts.filter(free);
    for (const text of taken) texts.splice(texts.indexOf(text), 1);
    return taken;
  }

  /** A text taken went (or was refused for good): forgotten, on disk too. */
  async sent(text: KeptText): Promise<void> {
    await this.store.delete(PREFIX + text.seq);
  }

  private all(): Promise<KeptText[]> {
    this.kept ??= this.load();
    return this.kept;
  }

  private async load(): Promise<KeptText[]> {
    const texts: KeptText[] = [];
    for (const key of await this.store.keys(PREFIX)) {
      const bytes = await this.store.get(key);
      const text = bytes === undefined ? undefined : parse(bytes);
      if (text !== undefined) texts.push(text);
    }
    this.lastSeq = Math.max(0, ...texts.map((text) => text.seq));
    return texts.sort((a, b) => a.seq - b.seq);
  }
}

function parse(bytes: Uint8Array): KeptText | undefined {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as Partial<KeptText>;
    const to = value.to as Record<string, unknown> | undefined;
    const names = value.names as unknown;
    const fine = Number.isSafeInteger(value.seq) && typeof value.text === 'string' && typeof value.id === 'string'
      && Array.isArray(names) && names.every((n) => typeof n === 'string')
      && typeof to === 'object' && to !== null && (typeof to.group === 'string' || typeof to.name === 'string');
    return fine ? (value as KeptText) : undefined;
  } catch {
    return undefined;
  }
}
