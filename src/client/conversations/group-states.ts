import type { ClientConfig, ClientState } from 'ts-mls';
import { decodeGroupState, zeroOutUint8Array } from 'ts-mls';
import { toBase64 } from '../e2e/base64.ts';
import type { ConversationStore } from './conversation-store.ts';
import type { GroupMeta } from './group-meta.ts';
import { readGroupMeta } from './group-meta.ts';
import { leafAt } from './group-members.ts';
import { StateEncoder } from './state-encoder.ts';

/** A group this device is in: its current state, replaced whole at each step. */
export interface Group {
  state: ClientState;
  readonly meta: GroupMeta;
  /** The store's name for it: the group id in hex. */
  readonly key: string;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The groups this device is in, as the store keeps them: `group/<id>` the current epoch,
 * `pending/<id>` a commit of ours sent but not yet ordered by the relay. A new state replaces the
 * old only once saved, and the old one's used secrets are wiped then (STYLE 10: a crash never
 * leaves a group between epochs).
 */
export class GroupStates {
  /** By group id in base64, as the relay names groups. */
  private readonly live = new Map<string, Group>();
  /** Groups that application messages moved on, not yet written (see advance). */
  private readonly unsaved = new Set<Group>();
  /**
   * The groups with a pending commit, by store key: its state as saved, kept so that its
   * acceptance decodes nothing (a 100-member X-Wing state takes tens of ms, the event loop
   * held); undefined when known from the store only (after a restart).
   */
  private readonly pending = new Map<string, ClientState | undefined>();
  private readonly encoder = new StateEncoder();

  constructor(private readonly store: ConversationStore, private readonly config: ClientConfig, private readonly onUnsaved: () => void) {}

  /** Loads every group whose own leaf is `device`'s; deletes the others (see KeyPackages.dropOthers). */
  async loadAll(device: string): Promise<void> {
    for (const name of await this.store.keys('pending/')) this.pending.set(name.slice('pending/'.length), undefined);
    for (const name of await this.store.keys('group/')) {
      const state = this.decode(await this.store.get(name));
      const meta = state === undefined ? undefined : readGroupMeta(state.groupContext.extensions);
      if (state === undefined || meta === undefined) continue;
      const group = { state, meta, key: hex(state.groupContext.groupId) };
      if (leafAt(state.ratchetTree, state.privatePath.leafIndex)?.device === device) this.live.set(toBase64(state.groupContext.groupId), group);
      else await this.remove(toBase64(state.groupContext.groupId), group);
    }
  }

  get(group: string): Group | undefined {
    return this.live.get(group);
  }

  entries(): [string, Group][] {
    return [...this.live];
  }

  /** A group joined or founded: saved before it counts. */
  async add(state: ClientState, meta: GroupMeta): Promise<string> {
    const group: Group = { state, meta, key: hex(state.groupContext.groupId) };
    await this.store.put(`group/${group.key}`, this.encoder.encode(state));
    const id = toBase64(state.groupContext.groupId);
    this.live.set(id, group);
    return id;
  }

  async remove(id: string, group: Group): Promise<void> {
    this.live.delete(id);
    this.unsaved.delete(group);
    await this.dropPending(group);
    await this.store.delete(`group/${group.key}`);
  }

  /** A new epoch (a commit), saved before the old state's used secrets are wiped. */
  async replace(group: Group, state: ClientState, consumed: readonly Uint8Array[], encoded = this.encoder.encode(state)): Promise<void> {
    await this.store.put(`group/${group.key}`, encoded);
    this.unsaved.delete(group);
    group.state = state;
    for (const secret of consumed) zeroOutUint8Array(secret);
  }

  /**
   * An application message only moves the secret tree on, yet the whole state (a 100-member
   * X-Wing group's is 425 KiB, 0.3-0.9 ms to encode with StateEncoder, 4.5 ms without) would
   * be written for each: it is written once a burst instead (writeUnsaved, on the next turn of
   * the event loop). A crash before that re-derives keys already used: RFC 9420 §6.3.1's reuse
   * guard keeps a resent generation's nonce apart.
   */
  advance(group: Group, state: ClientState, consumed: readonly Uint8Array[]): void {
    group.state = state;
    for (const secret of consumed) zeroOutUint8Array(secret);
    if (this.unsaved.size === 0) this.onUnsaved();
    this.unsaved.add(group);
  }

  async writeUnsaved(): Promise<void> {
    for (const group of this.unsaved) await this.store.put(`group/${group.key}`, this.encoder.encode(group.state));
    this.unsaved.clear();
  }

  async loadPending(group: Group): Promise<ClientState | undefined> {
    return this.pending.get(group.key) ?? this.decode(await this.store.get(`pending/${group.key}`));
  }

  async savePending(group: Group, state: ClientState): Promise<void> {
    await this.store.put(`pending/${group.key}`, this.encoder.encode(state));
    this.pending.set(group.key, state);
  }

  hasPending(group: Group): boolean {
    return this.pending.has(group.key);
  }

  async dropPending(group: Group): Promise<void> {
    this.pending.delete(group.key);
    await this.store.delete(`pending/${group.key}`);
  }

  private decode(bytes: Uint8Array | undefined): ClientState | undefined {
    const decoded = bytes === undefined ? undefined : decodeGroupState(bytes, 0);
    return decoded === undefined ? undefined : { ...decoded[0], clientConfig: this.config };
  }
}
