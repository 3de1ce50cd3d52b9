/** How many ids a group remembers: far more than can be in flight (redelivery, re-sending after a restart). */
const PER_GROUP = 2000;

/** The application messages shown, by their payload id, per group (docs/protocol.md "MLS in the clients"). */
export class ShownIds {
  private readonly byGroup = new Map<string, Set<string>>();

  /** True when `id` was shown in `group` already; remembers it otherwise. */
  seen(group: string, id: string): boolean {
    let ids = this.byGroup.get(group);
    if (ids === undefined) this.byGroup.set(group, (ids = new Set()));
    if (ids.has(id)) return true;
    if (ids.size >= PER_GROUP) ids.delete(ids.values().next().value!);
    ids.add(id);
    return false;
  }
}
