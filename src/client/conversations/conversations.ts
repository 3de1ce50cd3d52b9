import type { CiphersuiteImpl, CiphersuiteName, MLSMessage, Proposal } from 'ts-mls';
import { createApplicationMessage, createCommit, createGroup, createProposal } from 'ts-mls';
import { toBase64 } from '../e2e/base64.ts';
import { decodePayload, encodePayload } from './app-payload.ts';
import type { ConversationStore } from './conversation-store.ts';
import type { IdentityResolver } from './device-client-config.ts';
import { deviceClientConfig } from './device-client-config.ts';
import type { DeviceKeys, DeviceRef } from './device-credential.ts';
import { mailboxOf } from './device-credential.ts';
import type { ConversationEvent, FetchedPackage, OutgoingCommit } from './conversation-events.ts';
import { ConversationError, refused } from './conversation-events.ts';
import type { GroupMeta } from './group-meta.ts';
import { groupMetaExtension } from './group-meta.ts';
import { leavesOf, mailboxesOf } from './group-members.ts';
import type { PrivateMlsMessage } from './early-messages.ts';
import { EarlyMessages } from './early-messages.ts';
import { PendingCommits } from './pending-commits.ts';
import { ShownIds } from './shown-ids.ts';
import type { Group } from './group-states.ts';
import { GroupStates } from './group-states.ts';
import { KeyPackages } from './key-packages.ts';
import { fromMlsBody, toMlsBody } from './mls-body.ts';
import { loadSuite } from './mls-suite.ts';
import { applyHandshake } from './handshake-apply.ts';
import { openApplication } from './open-application.ts';
import { joinWelcome } from './welcome-join.ts';
import { addProposals } from './verified-key-package.ts';

export interface ConversationsOptions {
  readonly store: ConversationStore;
  readonly device: DeviceKeys;
  readonly identities: IdentityResolver;
  readonly suite?: CiphersuiteName;
}

/**
 * The conversation core the terminal and the browser share (STYLE 10): every conversation is an
 * MLS group of devices (RFC 9420). It turns what the person does into MLS messages for the relay
 * and what the relay delivers into events to show, keeping each group's state in the store. It
 * imports no `node:` module: storage and transport are the front end's.
 *
 * Calls run one at a time (a group's state is a value that each step replaces).
 */
export class Conversations {
  private readonly states: GroupStates;
  private readonly pending: PendingCommits;
  /** Message ids shown, per group: one that comes twice (redelivered, re-sent, replayed) shows once. */
  private readonly shown = new ShownIds();
  /** Messages of an epoch not reached yet: they wait for the commits before them (a commit lost in a relay restart, re-sent). */
  private readonly early = new EarlyMessages();
  /** Groups this device left: the commit that removes it still comes, and is dropped unsaid. */
  private readonly left = new Set<string>();
  private turn: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly suite: CiphersuiteImpl,
    private readonly device: DeviceKeys,
    readonly store: ConversationStore,
    readonly keyPackages: KeyPackages,
    private readonly config: ReturnType<typeof deviceClientConfig>,
    /** Operators whose device the pinned identity did not certify, during the current step. */
    private readonly untrusted: Set<string>,
  ) {
    // Application messages' states are written once a burst, on the next turn (GroupStates.advance).
    this.states = new GroupStates(store, config, () => setTimeout(() => void this.flush(), 0));
    this.pending = new PendingCommits(this.states);
  }

  /** Loads every group the store holds. */
  static async open(options: ConversationsOptions): Promise<Conversations> {
    const suite = await loadSuite(options.suite);
    const untrusted = new Set<string>();
    const config = deviceClientConfig(options.identities, (claim) => untrusted.add(claim.name));
    const core = new Conversations(suite, options.device, options.store, new KeyPackages(options.store, options.device, suite), config, untrusted);
    await core.states.loadAll(options.device.device);
    await core.keyPackages.dropOthers();
    return core;
  }

  /** Writes every state that application messages moved on since the last write. */
  flush(): Promise<void> {
    return this.exclusive(() => this.states.writeUnsaved());
  }

  get me(): DeviceRef {
    return { name: this.device.name, device: this.device.device };
  }

  list(): { group: string; meta: GroupMeta; epoch: bigint; members: DeviceRef[] }[] {
    return this.states.entries().map(([group, { state, meta }]) => ({ group, meta, epoch: state.groupContext.epoch, members: leavesOf(state) }));
  }

  members(group: string): DeviceRef[] {
    return leavesOf(this.group(group).state);
  }

  epoch(group: string): bigint {
    return this.group(group).state.groupContext.epoch;
  }

  /** RFC 9420 §8.7: equal for every member in the same epoch, and only for them. */
  epochAuthenticator(group: string): Uint8Array {
    return this.group(group).state.keySchedule.epochAuthenticator.slice();
  }

  /** A new group with this device alone in it. */
  create(meta: GroupMeta): Promise<string> {
    return this.exclusive(async () => {
      const own = await this.keyPackages.generate();
      const groupId = this.suite.rng.randomBytes(32);
      const state = await createGroup(groupId, own.publicPackage, own.privatePackage, [groupMetaExtension(meta)], this.suite, this.config);
      return this.states.add(state, meta);
    });
  }

  /** Adds the devices of these key packages, each checked to be of the device it was fetched for. */
  add(group: string, packages: readonly FetchedPackage[]): Promise<OutgoingCommit> {
    return this.replace(group, [], packages);
  }

  /** Removes every device of `name` (or only `device`) from the group. */
  remove(group: string, name: string, device?: string): Promise<OutgoingCommit> {
    const leaves = leavesOf(this.group(group).state).filter((l) => l.name === name && (device === undefined || l.device === device));
    if (leaves.length === 0) return Promise.reject(new ConversationError(`${device === undefined ? name : `${name}/${device}`} is not in this conversation`));
    return this.replace(group, leaves, []);
  }

  /** One commit that removes `removed` and adds the devices of `packages` (an operator's devices renewed after a reset). */
  replace(group: string, removed: readonly DeviceRef[], packages: readonly FetchedPackage[]): Promise<OutgoingCommit> {
    return this.exclusive(async () => {
      const gone = new Set(removed.map(mailboxOf));
      const leaves = leavesOf(this.group(group).state).filter((l) => gone.has(mailboxOf(l)));
      const removals: Proposal[] = leaves.map((l) => ({ proposalType: 'remove', remove: { removed: l.leaf } }));
      return this.commit(group, [...removals, ...await addProposals(packages, this.suite.name, this.config.authService)]);
    });
  }

  /** A commit with a fresh path and no proposals: new keys for this device (healing). */
  update(group: string): Promise<OutgoingCommit> {
    return this.exclusive(() => this.commit(group, []));
  }

  /** The relay ordered our pending commit first: its epoch is now the group's. */
  commitAccepted(group: string): Promise<ConversationEvent[]> {
    return this.exclusive(() => this.pending.won(group, this.group(group)));
  }

  /** The relay took another commit for that epoch (`stale_epoch`): ours is dropped. */
  commitRefused(group: string): Promise<void> {
    // Removed meanwhile: the group and its pending commit are gone already.
    return this.exclusive(() => this.pending.lost(group, this.states.get(group)));
  }

  /** Whether a commit of ours waits for the relay's order (after a crash, see ConversationService.ready). */
  hasPending(group: string): boolean {
    return this.pending.has(this.group(group));
  }

  /**
   * Leaving: a member cannot commit its own removal (RFC 9420 §12.2), so it proposes it, to go
   * by `group_send`; the next commit of any member applies it. The group stays until the relay
   * took the proposal (then `forget`), and the generation the proposal used is saved as used
   * first: one made again never reuses a key and nonce the relay saw.
   */
  leave(group: string): Promise<string> {
    return this.exclusive(async () => {
      const current = this.group(group);
      const removed = current.state.privatePath.leafIndex;
      const made = await createProposal(current.state, false, { proposalType: 'remove', remove: { removed } }, this.suite);
      // Our own removal is never ours to commit: it stays out of our state's proposals.
      await this.states.replace(current, { ...made.newState, unappliedProposals: current.state.unappliedProposals }, made.consumed);
      return toMlsBody(made.message);
    });
  }

  /** Drops a group this device left (the relay took its proposal to leave). */
  forget(group: string): Promise<void> {
    return this.exclusive(async () => {
      const current = this.states.get(group);
      if (current !== undefined) await this.states.remove(group, current);
      this.left.add(group);
    });
  }

  /** Proposals received and not yet committed. */
  hasProposals(group: string): boolean {
    const found = this.states.get(group);
    return found !== undefined && Object.keys(found.state.unappliedProposals).length > 0;
  }

  /** An application message for the group: an `mls1.` body for `group_send`. */
  encrypt(group: string, text: string, id: string): Promise<string> {
    return this.exclusive(async () => {
      const current = this.group(group);
      const made = await createApplicationMessage(current.state, encodePayload({ id, text }), this.suite);
      this.states.advance(current, made.newState, made.consumed);
      return toMlsBody({ version: 'mls10', wireformat: 'mls_private_message', privateMessage: made.privateMessage });
    });
  }

  /** What the relay delivered from `from` (a mailbox), as events to show. Never throws for bad input. */
  receive(from: string, body: string): Promise<ConversationEvent[]> {
    return this.exclusive(async () => {
      const message = fromMlsBody(body);
      if (message === undefined) return [refused(from, 'not an MLS message')];
      this.untrusted.clear();
      try {
        return await this.handle(from, message);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return [this.untrusted.size > 0 ? { kind: 'untrusted', from, names: [...this.untrusted], reason } : refused(from, reason)];
      }
    });
  }

  private async handle(from: string, message: MLSMessage): Promise<ConversationEvent[]> {
    if (message.wireformat === 'mls_welcome') {
      const metas = () => this.list().map((g) => g.meta);
      return joinWelcome({ suite: this.suite, config: this.config, keyPackages: this.keyPackages, states: this.states, me: this.device.name, metas }, from, message.welcome);
    }
    if (message.wireformat !== 'mls_private_message') return [refused(from, `unexpected ${message.wireformat}`)];
    const pm = message.privateMessage;
    const group = toBase64(pm.groupId);
    const current = this.states.get(group);
    if (current === undefined) return this.left.has(group) ? [] : [refused(from, 'a message for a conversation this device is not in')];
    // Of the epoch our pending commit leads to: ours won, since another winner's commit would have
    // come first (the relay keeps each member's order). This settles what group_info could not.
    const settled = pm.epoch === current.state.groupContext.epoch + 1n && this.pending.has(current) ? await this.pending.won(group, current) : [];
    return [...settled, ...await this.process(from, message, current)];
  }

  private async process(from: string, message: PrivateMlsMessage, current: Group): Promise<ConversationEvent[]> {
    const pm = message.privateMessage;
    const group = toBase64(pm.groupId);
    const epoch = current.state.groupContext.epoch;
    // MLS authenticates it once its epoch is reached; until then it cannot even be read.
    if (pm.epoch > epoch) return this.early.keep(group, current, { from, message });
    if (pm.contentType === 'application') {
      const opened = await openApplication(current.state, pm, this.suite);
      if (opened === undefined) return [refused(from, 'a message this device can no longer open')];
      this.states.advance(current, opened.newState, opened.consumed);
      const payload = decodePayload(opened.data);
      if (payload === undefined) return [refused(from, 'an unreadable message')];
      if (this.shown.seen(group, payload.id)) return [];
      return [{ kind: 'text', group, meta: current.meta, from: opened.sender, id: payload.id, text: payload.text }];
    }
    // The relay hands out commits in order: one from an epoch we left behind lost the race, or
    // came again after a relay restart (docs/protocol.md "Restarts").
    if (pm.epoch < epoch) return [];
    // Another member's commit for this epoch came first: a pending one of ours lost.
    if (pm.contentType === 'commit') await this.pending.lost(group, current);
    const applied = await applyHandshake(message, current.state, this.suite);
    if (applied.kind === 'nothing') return [];
    if (applied.kind === 'removed') {
      this.early.forget(group);
      await this.states.remove(group, current);
      return [{ kind: 'left', group, meta: current.meta, by: applied.by }];
    }
    await this.states.replace(current, applied.state, applied.consumed);
    if (pm.contentType === 'proposal') return [{ kind: 'proposal', group, meta: current.meta }];
    const { change } = applied;
    const changed: ConversationEvent[] = change.added.length + change.removed.length + change.left.length === 0 ? [] : [{ kind: 'membership', group, meta: current.meta, ...change }];
    const caughtUp = await this.early.release(group, current.state.groupContext.epoch, (e) => this.process(e.from, e.message, current), () => this.states.get(group) === current);
    return [...changed, ...caughtUp];
  }

  /** Messages of the group waiting for a commit this device has not had (see EarlyMessages). */
  waiting(group: string): number {
    return this.early.count(group);
  }

  private async commit(group: string, proposals: Proposal[]): Promise<OutgoingCommit> {
    const current = this.group(group);
    const made = await createCommit({ state: current.state, cipherSuite: this.suite }, { extraProposals: proposals, ratchetTreeExtension: true });
    // Saved before it is sent: a crash now finds it and asks the relay whether it won.
    await this.pending.save(group, current, made.newState, made.consumed);
    return {
      group,
      epoch: current.state.groupContext.epoch,
      body: toMlsBody(made.commit),
      welcome: made.welcome === undefined ? undefined : toMlsBody({ version: 'mls10', wireformat: 'mls_welcome', welcome: made.welcome }),
      members: mailboxesOf(made.newState),
    };
  }

  private group(group: string): Group {
    const found = this.states.get(group);
    if (found === undefined) throw new ConversationError('no such conversation');
    return found;
  }

  private exclusive<T>(step: () => Promise<T>): Promise<T> {
    const result = this.turn.then(step);
    this.turn = result.catch(() => undefined);
    return result;
  }
}
