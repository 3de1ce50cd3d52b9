import type { GroupDirectory, GroupRoute } from '../ports/group-directory.ts';
import type { Awaitable } from './awaitable.ts';

/** Groups whose members this instance remembers; past it the longest unused is forgotten. */
const MAX_CACHED_GROUPS = 10_000;

/**
 * docs/protocol.md "Groups", routing: each group's members at the epoch last seen, in memory, so
 * a group send at that epoch costs no database read. A message of another epoch (a commit made
 * on another instance moved the group on) reads the database again.
 */
export class GroupRoutes {
  private readonly cache = new Map<string, GroupRoute>();

  constructor(private readonly directory: GroupDirectory) {}

  /** The group's route, at once when remembered at `epoch`; else as the database has it now. */
  at(group: string, epoch: number): Awaitable<GroupRoute | undefined> {
    const cached = this.cache.get(group);
    if (cached !== undefined && cached.epoch === epoch) {
      // Kept in use order: Map iterates in insertion order, so the first key is the least used.
      this.cache.delete(group);
      this.cache.set(group, cached);
      return cached;
    }
    return this.read(group);
  }

  /** As the database has it now. */
  async read(group: string): Promise<GroupRoute | undefined> {
    const route = await this.directory.find(group);
    if (route === undefined) this.cache.delete(group);
    else this.remember(group, route);
    return route;
  }

  remember(group: string, route: GroupRoute): void {
    const cached = this.cache.get(group);
    // A read that raced a commit on this instance must not put the older epoch back.
    if (cached !== undefined && cached.epoch > route.epoch) return;
    this.cache.delete(group);
    this.cache.set(group, route);
    if (this.cache.size > MAX_CACHED_GROUPS) this.cache.delete(this.cache.keys().next().value!);
  }
}
