import type { ClientState } from 'ts-mls';
import type { ConversationEvent } from './conversation-events.ts';
import type { Group, GroupStates } from './group-states.ts';
import { leavesOf, membershipChange } from './group-members.ts';

/**
 * Commits of ours sent to the relay and not yet ordered (`pending/<id>` in the store, see
 * GroupStates): saved before they are sent, so a crash finds them; made current once they won,
 * dropped once another member's commit for the epoch did. The current epoch's secrets a pending
 * commit used are wiped only once it won: it may lose, and the epoch go on.
 */
export class PendingCommits {
  private readonly consumed = new Map<string, Uint8Array[]>();

  constructor(private readonly states: GroupStates) {}

  async save(group: string, current: Group, state: ClientState, consumed: Uint8Array[]): Promise<void> {
    await this.states.savePending(current, state);
    this.consumed.set(group, consumed);
  }

  has(current: Group): boolean {
    return this.states.hasPending(current);
  }

  /** Ours won: its epoch is now the group's. Who it added and removed (nothing when none was pending). */
  async won(group: string, current: Group): Promise<ConversationEvent[]> {
    const pending = await this.states.loadPending(current);
    if (pending === undefined) return [];
    const { state } = current;
    await this.states.replace(current, withEpochAsRead(pending, state), this.consumed.get(group) ?? []);
    await this.states.dropPending(current);
    this.consumed.delete(group);
    // Our commit applied the proposals we held by reference, each with its own sender.
    return [{ kind: 'membership', group, meta: current.meta, ...membershipChange(leavesOf(state), leavesOf(pending), state.privatePath.leafIndex, Object.values(state.unappliedProposals)) }];
  }

  /** Another commit won the epoch (or the group is gone: undefined): ours is dropped. */
  async lost(group: string, current: Group | undefined): Promise<void> {
    this.consumed.delete(group);
    if (current !== undefined) await this.states.dropPending(current);
  }
}

/**
 * The pending state kept the epoch it leaves as it was when the commit was made; messages of that
 * epoch read since moved its secret tree on, and wiped the keys they used, which the kept copy
 * may share. The epoch as this device last read it goes into the history instead, so a later
 * message of it opens (and one already read does not open twice).
 */
function withEpochAsRead(pending: ClientState, current: ClientState): ClientState {
  const { secretTree, ratchetTree, groupContext, keySchedule } = current;
  const asRead = { secretTree, ratchetTree, groupContext, senderDataSecret: keySchedule.senderDataSecret, resumptionPsk: keySchedule.resumptionPsk };
  return { ...pending, historicalReceiverData: new Map(pending.historicalReceiverData).set(groupContext.epoch, asRead) };
}
