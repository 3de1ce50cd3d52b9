import type { ClientState, RatchetTree } from 'ts-mls';
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

/** Who came and who went between two epochs of one group. */
export function membershipChange(before: readonly DeviceRef[], after: readonly DeviceRef[]): { added: DeviceRef[]; removed: DeviceRef[] } {
  const had = new Set(before.map(mailboxOf));
  const has = new Set(after.map(mailboxOf));
  return {
    added: after.filter((ref) => !had.has(mailboxOf(ref))).map(({ name, device }) => ({ name, device })),
    removed: before.filter((ref) => !has.has(mailboxOf(ref))).map(({ name, device }) => ({ name, device })),
  };
}

/** A direct conversation's devices are its two operators' (or one's own, alone), `me` among them. */
export function isDirectBetween(meta: { readonly name: string }, leaves: readonly DeviceRef[], me: string): boolean {
  const names = new Set(meta.name.split(','));
  return names.has(me) && names.size <= 2 && leaves.every((leaf) => names.has(leaf.name));
}
