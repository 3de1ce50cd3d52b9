export type Trustable<Key> = { ok: true; key: Key } | { ok: false; reason: 'not_shown' | 'changed' };

/**
 * What `/verify NAME` last showed, and the newest key seen for NAME since ("Conversations on
 * MLS" point 7): `/trust NAME` pins exactly the key the person compared, never one fetched
 * afterwards, which a lying server could have swapped in between the two commands.
 */
export class ShownKeys<Key> {
  private readonly shown = new Map<string, Key>();
  private readonly latest = new Map<string, Key>();

  constructor(private readonly same: (a: Key, b: Key) => boolean) {}

  /** `/verify` showed the safety number of this key. */
  show(name: string, key: Key): void {
    this.shown.set(name, key);
    this.latest.set(name, key);
  }

  /** Any key the server handed out for `name`, for whatever reason. */
  seen(name: string, key: Key): void {
    this.latest.set(name, key);
  }

  trustable(name: string): Trustable<Key> {
    const shown = this.shown.get(name);
    if (shown === undefined) return { ok: false, reason: 'not_shown' };
    return this.same(shown, this.latest.get(name)!) ? { ok: true, key: shown } : { ok: false, reason: 'changed' };
  }
}
