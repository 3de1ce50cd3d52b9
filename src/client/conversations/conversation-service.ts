import { sendCommit } from './commit-sender.ts';
import { refillKeyPackages } from './key-package-refill.ts';
import type { ConversationEvent, FetchedPackage, OutgoingCommit } from './conversation-events.ts';
import { ConversationError } from './conversation-events.ts';
import type { Conversations } from './conversations.ts';
import type { DeviceRef } from './device-credential.ts';
import { mailboxOf } from './device-credential.ts';
import type { ServerFrame } from './frame-link.ts';
import { directMeta } from './group-meta.ts';
import type { GroupMeta } from './group-meta.ts';
import { isDirectBetween } from './group-members.ts';
import { isMlsBody } from './mls-body.ts';
import { RelayRefusal } from './requests.ts';
import type { Receipt } from './sent-copies.ts';
import { SentCopies } from './sent-copies.ts';
import type { Requests } from './requests.ts';

/** What the person sees: the core's events, and what became of what they sent. */
export type ServiceEvent =
  | ConversationEvent
  /** `id`: the relay's id of the message's first copy, as `say` answered it. */
  | { kind: 'receipt'; group: string; id: string; by: DeviceRef };

/** The operator has no device to talk MLS with (an older client): the caller may fall back to v1. */
export class NoDevices extends ConversationError {}

/** How many times a commit is made again after losing its epoch to another member's. */
const COMMIT_ATTEMPTS = 5;
/** How long a retry waits for the winning commit to arrive before asking the relay. */
const CATCH_UP_MS = 10_000;

/**
 * The conversation core on the relay (docs/protocol.md "Devices and key packages", "Groups"):
 * it fetches key packages, has commits ordered (uploading large ones, retrying after
 * `stale_epoch`), sends and receives group messages, and acknowledges what it processed. The
 * terminal and the browser both drive it; it knows frames, not sockets.
 */
export class ConversationService {
  /** Deliveries are processed one at a time, in the order they came. */
  private incoming: Promise<unknown> = Promise.resolve();
  private readonly processed = new Set<() => void>();
  private readonly copies = new SentCopies();
  /** Each group's commits, one after the other (see commit). */
  private readonly committing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly core: Conversations,
    private readonly requests: Requests,
    private readonly emit: (event: ServiceEvent) => void,
    private readonly ack: (ids: string[]) => void,
  ) {}

  get me(): DeviceRef {
    return this.core.me;
  }

  /** A frame from the relay: true when it was this service's (a group delivery, a receipt). */
  onFrame(frame: ServerFrame): boolean {
    if (this.requests.answer(frame)) return true;
    if (frame.op === 'msg' && isMlsBody(frame.body)) {
      this.incoming = this.incoming.then(() => this.deliver(frame.id, frame.from, frame.body));
      return true;
    }
    if (frame.op === 'receipt') {
      const receipt = this.copies.receipt(frame.id, frame.to);
      if (receipt !== undefined) this.receipt(receipt);
      return receipt !== undefined;
    }
    return false;
  }

  /** Once logged in as this device: settles commits a crash left pending, and refills key packages. */
  async ready(): Promise<void> {
    for (const { group } of this.core.list()) {
      if (!await this.core.hasPending(group)) continue;
      const answer = await this.requests.ask<Extract<ServerFrame, { op: 'group' }>>({ op: 'group_info', group });
      // The answer came after what waited for us: once that is processed, a commit of another
      // member for our epoch would have dropped ours. Still pending and one epoch on: ours won.
      await this.incoming;
      if (!await this.core.hasPending(group)) continue;
      if (BigInt(answer.epoch) === this.core.epoch(group) + 1n) this.emitAll(await this.core.commitAccepted(group));
      else await this.core.commitRefused(group);
    }
    await refillKeyPackages(this.core.keyPackages, this.requests);
  }

  list(): ReturnType<Conversations['list']> {
    return this.core.list();
  }

  /** The direct conversation with `name`, made (with every device of both) if there is none. */
  async direct(name: string): Promise<string> {
    const meta = directMeta(this.me.name, name);
    // Two started at once (each side its own) are both kept; the first by id is written to.
    const found = this.core.list().filter((g) => g.meta.kind === 'direct' && g.meta.name === meta.name && isDirectBetween(meta, g.members, this.me.name))
      .sort((a, b) => (a.group < b.group ? -1 : 1))[0];
    if (found !== undefined) return found.group;
    const theirs = await this.keyPackagesOf(name);
    if (theirs.length === 0 && name !== this.me.name) throw new NoDevices(`${name} has no device yet`);
    return this.found(meta, [this.me.name], theirs);
  }

  /** A named group with this operator's devices in it. */
  createGroup(name: string): Promise<string> {
    return this.found({ kind: 'group', name }, [this.me.name]);
  }

  /** Adds every device of each operator. */
  async invite(group: string, names: readonly string[]): Promise<void> {
    const packages: FetchedPackage[] = [];
    for (const name of names) packages.push(...await this.keyPackagesOf(name));
    if (packages.length === 0) throw new ConversationError(`${names.join(', ')} ${names.length === 1 ? 'has' : 'have'} no device to add`);
    await this.commit(group, () => this.core.add(group, packages));
  }

  /** Adds a new device of `name` (approved, or just enrolled) to every conversation this device is in; how many. */
  async addDevice(name: string, device: string): Promise<number> {
    let added = 0;
    for (const { group, members } of this.core.list()) {
      if (members.some((m) => m.name === name && m.device === device)) continue;
      const answer = await this.requests.ask<Extract<ServerFrame, { op: 'key_packages' }>>({ op: 'fetch_key_packages', name });
      const found = answer.packages.find((p) => p.device === device);
      if (found === undefined) throw new ConversationError(`${name}/${device} has published no key package yet`);
      await this.commit(group, () => this.core.add(group, [{ name, device, package: found.package }]));
      added++;
    }
    return added;
  }

  /** Takes a device out of every conversation this device is in (a lost or revoked one). */
  async removeDevice(name: string, device: string): Promise<void> {
    for (const { group, members } of this.core.list()) {
      if (members.some((m) => m.name === name && m.device === device)) await this.commit(group, () => this.core.remove(group, name, device));
    }
  }

  /** Whether `name/device` has a key package on the relay (fetching hands out one of each device's). */
  async hasKeyPackage(name: string, device: string): Promise<boolean> {
    const answer = await this.requests.ask<Extract<ServerFrame, { op: 'key_packages' }>>({ op: 'fetch_key_packages', name });
    return answer.packages.some((p) => p.device === device);
  }

  async remove(group: string, name: string): Promise<void> {
    await this.commit(group, () => this.core.remove(group, name));
  }

  /** New keys for this device in the group (RFC 9420 §12.4.2: a commit with a path heals). */
  async update(group: string): Promise<void> {
    await this.commit(group, () => this.core.update(group));
  }

  /** Leaves the group: the other members' next commit removes this device (see Conversations.leave). */
  async leave(group: string): Promise<void> {
    await this.requests.ask({ op: 'group_send', body: await this.core.leave(group) });
  }

  /**
   * Sends a text to the group: the relay's answer for its first copy (`id`, and `delivered` when
   * every copy was). Each copy's receipt comes as an event naming that first copy's id.
   */
  async say(group: string, text: string, id: string): Promise<{ id: string | undefined; status: 'delivered' | 'queued' }> {
    const body = await this.core.encrypt(group, text, id);
    const sent = await this.requests.ask<Extract<ServerFrame, { op: 'sent' }>>({ op: 'group_send', body });
    const copies = (sent.copies ?? []).flatMap((copy) => ('id' in copy ? [copy.id] : []));
    if (sent.id !== undefined) for (const receipt of this.copies.sent(group, sent.id, copies)) this.receipt(receipt);
    return { id: sent.id, status: sent.status };
  }

  findGroup(name: string): string | undefined {
    return this.core.list().find((g) => g.meta.kind === 'group' && g.meta.name === name)?.group;
  }

  members(group: string): DeviceRef[] {
    return this.core.members(group);
  }

  metaOf(group: string): GroupMeta | undefined {
    return this.core.list().find((g) => g.group === group)?.meta;
  }

  private async found(meta: GroupMeta, names: readonly string[], fetched: readonly FetchedPackage[] = []): Promise<string> {
    const group = await this.core.create(meta);
    const packages = [...fetched];
    for (const name of names) packages.push(...await this.keyPackagesOf(name));
    // The first commit founds the group on the relay, even with no other device to add.
    await this.commit(group, () => this.core.add(group, packages));
    return group;
  }

  /** One key package of each device of `name` but this one. */
  private async keyPackagesOf(name: string): Promise<FetchedPackage[]> {
    const answer = await this.requests.ask<Extract<ServerFrame, { op: 'key_packages' }>>({ op: 'fetch_key_packages', name });
    return answer.packages.filter((p) => mailboxOf({ name, device: p.device }) !== mailboxOf(this.me)).map((p) => ({ name, device: p.device, package: p.package }));
  }

  private async applyProposals(group: string): Promise<void> {
    await this.commit(group, () => this.core.update(group), () => this.core.hasProposals(group));
  }

  /**
   * Makes a commit and has the relay order it, again on a new epoch while another member's wins
   * (and it is still wanted). One at a time a group: a second made while the first waits would
   * be made from the epoch the first leaves.
   */
  private commit(group: string, make: () => Promise<OutgoingCommit>, wanted = () => true): Promise<void> {
    const turn = (this.committing.get(group) ?? Promise.resolve()).then(() => this.commitNow(group, make, wanted));
    this.committing.set(group, turn.catch(() => undefined));
    return turn;
  }

  private async commitNow(group: string, make: () => Promise<OutgoingCommit>, wanted: () => boolean): Promise<void> {
    for (let attempt = 1; wanted(); attempt++) {
      const commit = await make();
      try {
        await sendCommit(this.requests, commit);
      } catch (error) {
        const stale = error instanceof RelayRefusal && error.code === 'stale_epoch';
        // The link lost: the commit stays pending, settled by ready() after the reconnection.
        if (!(error instanceof RelayRefusal)) throw error;
        await this.core.commitRefused(group);
        if (!stale || attempt >= COMMIT_ATTEMPTS) throw error;
        await this.catchUp(group, BigInt((error.frame as { epoch?: number }).epoch ?? 0));
        continue;
      }
      this.emitAll(await this.core.commitAccepted(group));
      return;
    }
  }

  /** Waits until the winning commits have reached this device (they come in order). */
  private async catchUp(group: string, epoch: bigint): Promise<void> {
    const deadline = Date.now() + CATCH_UP_MS;
    while (this.core.epoch(group) < epoch) {
      if (Date.now() > deadline) throw new ConversationError('the conversation moved on and its commits did not arrive: try again');
      await new Promise<void>((resolve) => {
        this.processed.add(resolve);
        setTimeout(resolve, 250);
      });
    }
  }

  private receipt(receipt: Receipt): void {
    // Our own other devices acknowledge too: only another person's receipt says it was received.
    if (receipt.by.name !== this.me.name) this.emit({ kind: 'receipt', ...receipt });
  }

  private async deliver(id: string, from: string, body: string): Promise<void> {
    const events = await this.core.receive(from, body);
    this.emitAll(events);
    // Every member tries; the relay keeps the first, and the others find nothing left to apply.
    for (const event of events) if (event.kind === 'proposal') void this.applyProposals(event.group).catch(() => undefined);
    await this.core.flush();
    this.ack([id]);
    for (const wake of this.processed) wake();
    this.processed.clear();
  }

  private emitAll(events: readonly ConversationEvent[]): void {
    for (const event of events) this.emit(event);
  }
}
