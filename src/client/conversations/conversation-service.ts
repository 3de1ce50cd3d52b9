import { CommitQueue } from './commit-queue.ts';
import type { ConversationEvent, FetchedPackage } from './conversation-events.ts';
import { ConversationError, refused } from './conversation-events.ts';
import type { Conversations } from './conversations.ts';
import type { DeviceRef } from './device-credential.ts';
import { mailboxOf } from './device-credential.ts';
import type { ClientFrame, ServerFrame } from './frame-link.ts';
import { directMeta } from './group-meta.ts';
import type { GroupMeta } from './group-meta.ts';
import { isDirectBetween } from './group-members.ts';
import { GroupReceipts } from './group-receipts.ts';
import { refillKeyPackages } from './key-package-refill.ts';
import { BurstAcknowledgements } from './burst-acknowledgements.ts';
import { HeldTexts } from './held-texts.ts';
import { isMlsBody } from './mls-body.ts';
import { MissedChanges } from './missed-changes.ts';
import type { ServiceEvent } from './service-event.ts';
import { UnacknowledgedHandshakes } from './unacknowledged-handshakes.ts';
import type { ContactKeys } from './trust-holds.ts';
import { nameOf, TrustHolds } from './trust-holds.ts';
import type { Requests } from './requests.ts';

/** The operator has no device to talk MLS with (an older client): the caller may fall back to v1. */
export class NoDevices extends ConversationError {}

/**
 * The conversation core on the relay (docs/protocol.md "Devices and key packages", "Groups"):
 * it fetches key packages, has commits ordered (uploading large ones, retrying after
 * `stale_epoch`), sends and receives group messages, and acknowledges what it processed. The
 * terminal and the browser both drive it; it knows frames, not sockets.
 */
export class ConversationService {
  /** Deliveries are processed one at a time, in the order they came. */
  private incoming: Promise<unknown> = Promise.resolve();
  private readonly commits: CommitQueue;
  private readonly receipts: GroupReceipts;
  private readonly acks: BurstAcknowledgements;
  /** Our commits' and welcomes' copies not acknowledged yet, to go again after a relay restart. */
  private readonly handshakes = new UnacknowledgedHandshakes();
  private readonly missed: MissedChanges;
  /** Opens the deliveries held from the start until the first ready(). */
  private opening: (() => void) | undefined;

  /** What waits for `/trust` (docs/protocol.md "MLS in the clients"), on the front end's pins. */
  readonly holds: TrustHolds;

  constructor(
    private readonly core: Conversations,
    private readonly requests: Requests,
    private readonly emit: (event: ServiceEvent) => void,
    ack: (frame: Extract<ClientFrame, { op: 'ack' }>) => void,
    keys: ContactKeys,
  ) {
    this.acks = new BurstAcknowledgements(() => core.flush(), ack);
    this.opening = this.holdDeliveries();
    this.holds = new TrustHolds(keys, core.me.name, emit, new HeldTexts(core.store));
    this.commits = new CommitQueue(core, requests, this.handshakes, (events) => this.emitAll(events));
    this.missed = new MissedChanges((group) => core.waiting(group), (group) => core.list().find((g) => g.group === group)?.epoch, emit);
    this.receipts = new GroupReceipts(core.me.name, (receipt) => emit({ kind: 'receipt', ...receipt }));
  }

  get me(): DeviceRef {
    return this.core.me;
  }

  /** A frame from the relay: true when it was this service's (a group delivery, a receipt). */
  onFrame(frame: ServerFrame): boolean {
    if (this.requests.answer(frame)) return true;
    if (frame.op === 'msg' && isMlsBody(frame.body)) {
      this.acks.received();
      // One failed delivery (it stays unacknowledged, to come again) does not stop the ones after it.
      const next = () => this.deliver(frame.id, frame.from, frame.body).finally(() => this.acks.doneWithOne());
      this.incoming = this.incoming.then(next, next);
      return true;
    }
    if (frame.op !== 'receipt') return false;
    const handshake = this.handshakes.confirmed(frame.id, frame.to);
    if (handshake === undefined) return this.receipts.onReceipt(frame);
    if (frame.unreadable === true && handshake.invitedTo !== undefined) this.emit({ kind: 'invitation-unopened', group: handshake.invitedTo, by: frame.to });
    return true;
  }

  /** Resolves once the deliveries received so far are processed. */
  received(): Promise<void> {
    return this.incoming.then(() => undefined, () => undefined);
  }

  /**
   * Once logged in as this device: settles commits a crash left pending, then lets the deliveries
   * through (they wait meanwhile: processed before, they would be at the wrong epoch), and
   * refills key packages.
   */
  async ready(): Promise<void> {
    const open = this.opening ?? this.holdDeliveries();
    this.opening = undefined;
    try {
      for (const { group } of this.core.list()) if (this.core.hasPending(group)) await this.commits.settle(group);
    } finally {
      open();
    }
    await refillKeyPackages(this.core.keyPackages, this.requests);
    // A contact's reset while this device was away is told now, before anything is sent to them.
    const members = this.core.list().flatMap((g) => g.members);
    await this.holds.check([...this.holds.pinnedNames(), ...members.map((m) => m.name)]);
    this.holds.sawDevices(members);
  }

  /** Tries again, in order, what waited for `/trust` (docs/protocol.md "Holds"): what still waits comes back. */
  replayHeld(): Promise<void> {
    const replay = this.incoming.then(async () => {
      for (const held of this.holds.takeDeliveries()) await this.deliver(held.id, held.from, held.body);
      await this.acks.settle();
    });
    this.incoming = replay;
    return replay;
  }

  /**
   * After `/trust NAME` of a new identity: in every conversation with devices of NAME that it no
   * longer lists (`current`: those its pinned identity certifies), one commit takes them out and
   * brings NAME's current devices in.
   */
  async renew(name: string, current: readonly string[]): Promise<void> {
    for (const { group, members } of this.core.list()) {
      const theirs = members.filter((m) => m.name === name);
      const stale = theirs.filter((m) => !current.includes(m.device));
      if (stale.length === 0) continue;
      const fresh = (await this.keyPackagesOf(name)).filter((p) => !theirs.some((m) => m.device === p.device));
      await this.commits.commit(group, () => this.core.replace(group, stale, fresh));
    }
  }

  /** Deliveries wait from now until the returned function is called. */
  private holdDeliveries(): () => void {
    let open!: () => void;
    const held = new Promise<void>((resolve) => (open = resolve));
    this.incoming = this.incoming.then(() => held);
    return open;
  }

  list(): ReturnType<Conversations['list']> {
    return this.core.list();
  }

  /** The direct conversation with `name`, made (with every device of both) if there is none. */
  async direct(name: string): Promise<string> {
    const found = this.findDirect(name);
    if (found !== undefined) return found;
    const meta = directMeta(this.me.name, name);
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
    await this.commits.commit(group, () => this.core.add(group, packages));
  }

  /** Adds a new device of `name` (approved, or just enrolled) to every conversation this device is in; how many. */
  async addDevice(name: string, device: string): Promise<number> {
    let added = 0;
    for (const { group, members } of this.core.list()) {
      if (members.some((m) => m.name === name && m.device === device)) continue;
      // That device's package alone: the others' one-time packages are not used up.
      const answer = await this.requests.ask<Extract<ServerFrame, { op: 'key_packages' }>>({ op: 'fetch_key_packages', name, device });
      const found = answer.packages.find((p) => p.device === device);
      if (found === undefined) throw new ConversationError(`${name}/${device} has published no key package yet`);
      await this.commits.commit(group, () => this.core.add(group, [{ name, device, package: found.package }]));
      added++;
    }
    return added;
  }

  /** Takes a device out of every conversation this device is in (a lost or revoked one). */
  async removeDevice(name: string, device: string): Promise<void> {
    for (const { group, members } of this.core.list()) {
      if (members.some((m) => m.name === name && m.device === device)) await this.commits.commit(group, () => this.core.remove(group, name, device));
    }
  }

  async remove(group: string, name: string): Promise<void> {
    await this.commits.commit(group, () => this.core.remove(group, name));
  }

  /** New keys for this device in the group (RFC 9420 §12.4.2: a commit with a path heals). */
  async update(group: string): Promise<void> {
    await this.commits.commit(group, () => this.core.update(group));
  }

  /**
   * Leaves the group: the other members' next commit removes this device (see Conversations.leave).
   * It is forgotten once the relay took the proposal; when the relay did not, it stays, and this rejects.
   */
  async leave(group: string): Promise<void> {
    await this.commits.groupSend(group, () => this.core.leave(group));
    await this.core.forget(group);
  }

  /**
   * Sends a text to the group: the relay's answer for its first copy (`id`, and `delivered` when
   * every copy was). Each copy's receipt comes as an event naming that first copy's id.
   */
  async say(group: string, text: string, id: string): Promise<{ id: string | undefined; status: 'delivered' | 'queued' }> {
    const sent = await this.commits.groupSend(group, () => this.core.encrypt(group, text, id));
    this.receipts.sent(group, sent);
    return { id: sent.id, status: sent.status };
  }

  /** The direct conversation with `name`, if there is one. */
  findDirect(name: string): string | undefined {
    const meta = directMeta(this.me.name, name);
    // Two started at once (each side its own) are both kept; the first by id is written to.
    return this.core.list().filter((g) => g.meta.kind === 'direct' && g.meta.name === meta.name && isDirectBetween(meta, g.members, this.me.name))
      .sort((a, b) => (a.group < b.group ? -1 : 1))[0]?.group;
  }

  /** The relay restarted: commits and welcomes not acknowledged go again (see UnacknowledgedHandshakes); what could not, for the person. */
  resendHandshakes(): Promise<string[]> {
    return this.handshakes.resend(this.requests, this.core.list());
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
    await this.commits.commit(group, () => this.core.add(group, packages));
    return group;
  }

  /** One key package of each device of `name` but this one. */
  private async keyPackagesOf(name: string): Promise<FetchedPackage[]> {
    const answer = await this.requests.ask<Extract<ServerFrame, { op: 'key_packages' }>>({ op: 'fetch_key_packages', name });
    return answer.packages.filter((p) => mailboxOf({ name, device: p.device }) !== mailboxOf(this.me)).map((p) => ({ name, device: p.device, package: p.package }));
  }

  private async applyProposals(group: string): Promise<void> {
    await this.commits.commit(group, () => this.core.update(group), () => this.core.hasProposals(group));
  }

  private async deliver(id: string, from: string, body: string): Promise<void> {
    if (this.holds.mustWait(from, body)) return this.hold(id, from, body);
    const events: readonly ConversationEvent[] = await this.core.receive(from, body);
    const untrusted = events.find((e) => e.kind === 'untrusted');
    if (untrusted !== undefined) {
      // A device of another identity than the pinned one: a reset (held until /trust), or a forgery (refused).
      await this.holds.check(untrusted.names);
      if (this.holds.holding(untrusted.names).length > 0) return this.hold(id, from, body);
    }
    const shown = untrusted === undefined ? events : [refused(untrusted.from, untrusted.reason)];
    this.emitAll(shown);
    // Every member tries; the relay keeps the first, and the others find nothing left to apply.
    for (const event of events) if (event.kind === 'proposal') void this.applyProposals(event.group).catch(() => undefined);
    // Refused (not opened, or not taken): its sender's receipt says so (docs/protocol.md "Unreadable copies").
    this.acks.processedOne(id, shown.some((e) => e.kind === 'refused' && e.acknowledged !== true));
    this.commits.processedOne();
  }

  /** Kept, not acknowledged: the relay delivers it again after a restart, and replayHeld processes it. */
  private hold(id: string, from: string, body: string): void {
    if (this.holds.holdDelivery(id, from, body)) this.emit({ kind: 'held', from, names: this.holds.holding([nameOf(from)]).filter((n) => this.holds.identityChanged(n)) });
    this.commits.processedOne();
  }

  private emitAll(events: readonly ConversationEvent[]): void {
    for (const event of events) {
      if (event.kind === 'untrusted') continue;
      if (event.kind === 'behind') {
        this.missed.behind(event);
        continue;
      }
      this.emit(event.kind === 'text' && this.holds.isUnacknowledged(event.from) ? { ...event, newDevice: true } : event);
      // After the line that shows them: a verified contact's device /trust did not take is told loudly.
      if (event.kind === 'joined' || event.kind === 'membership') this.holds.sawDevices(event.kind === 'joined' ? event.members : event.added);
    }
  }
}
