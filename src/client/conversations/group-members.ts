import type { ClientState, ProposalWithSender, RatchetTree } from 'ts-mls';
import type { DeviceRef } from './device-credential.ts';
import { mailboxOf, readDeviceCredential } from './device-credential.ts';

export interface Leaf extends DeviceRef {
  readonly leaf: number;
}

/** The device in leaf `leaf` of the tree (RFC 9420 §4.1: leaf i is node 2i). */
export function leafAt(tree: RatchetTree, leaf: number): DeviceRef | undefined {
  const node = tree[leaf * 2];
  if (node?.nodeType !== 'leaf') return undefined;
  const claim = readDeviceCredential(node.leaf.credential);
  return claim === undefined ? undefined : { name: claim.name, device: claim.device };
}

/** Every member device, by leaf. */
export function leavesOf(state: ClientState): Leaf[] {
  const leaves: Leaf[] = [];
  for (let leaf = 0; leaf * 2 < state.ratchetTree.length; leaf++) {
    const ref = leafAt(state.ratchetTree, leaf);
    if (ref !== undefined) leaves.push({ ...ref, leaf });
  }
  return leaves;
}

/** The relay's routing table for this group (docs/protocol.md "Groups"): every member's mailbox. */
export function mailboxesOf(state: ClientState): string[] {
  return leavesOf(state).map(mailboxOf);
}

/** Who came and who went at a commit, and who made it (docs/protocol.md "MLS in the clients"). */
export interface MembershipChange {
  /** The committer's device (as the tree before the commit names it). */
  readonly by: DeviceRef | undefined;
  readonly added: DeviceRef[];
  /** Removed by another member's proposal or commit. */
  readonly removed: DeviceRef[];
  /** Removed by a proposal of their own (`/leave`). */
  readonly left: DeviceRef[];
  /** Every member device after it. */
  readonly members: DeviceRef[];
}

/**
 * Between two epochs of one group: `committer` the commit's sender leaf, `proposals` what it
 * applied with each proposal's sender (RFC 9420 §12.4: a proposal by reference keeps its own).
 */
export function membershipChange(before: readonly Leaf[], after: readonly Leaf[], committer: number | undefined, proposals: readonly ProposalWithSender[]): MembershipChange {
  const had = new Set(before.map(mailboxOf));
  const has = new Set(after.map(mailboxOf));
  const ref = ({ name, device }: DeviceRef): DeviceRef => ({ name, device });
  const leaving = new Set(proposals.flatMap((p) => (p.proposal.proposalType === 'remove' && p.proposal.remove.removed === p.senderLeafIndex ? [p.senderLeafIndex] : [])));
  const gone = before.filter((leaf) => !has.has(mailboxOf(leaf)));
  const by = before.find((leaf) => leaf.leaf === committer);
  return {
    by: by && ref(by),
    added: after.filter((leaf) => !had.has(mailboxOf(leaf))).map(ref),
    removed: gone.filter((leaf) => !leaving.has(leaf.leaf)).map(ref),
    left: gone.filter((leaf) => leaving.has(leaf.leaf)).map(ref),
    members: after.map(ref),
  };
}

/** A direct conversation's devices are its two operators' (or one's own, alone), `me` among them. */
export function isDirectBetween(meta: { readonly name: string }, leaves: readonly DeviceRef[], me: string): boolean {
  const names = new Set(meta.name.split(','));
  return names.has(me) && names.size <= 2 && leaves.every((leaf) => names.has(leaf.name));
}
