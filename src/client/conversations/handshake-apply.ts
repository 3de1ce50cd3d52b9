import type { CiphersuiteImpl, ClientState, ProposalWithSender } from 'ts-mls';
import { emptyPskIndex, processMessage } from 'ts-mls';
import type { DeviceRef } from './device-credential.ts';
import type { PrivateMlsMessage } from './early-messages.ts';
import type { MembershipChange } from './group-members.ts';
import { leavesOf, membershipChange } from './group-members.ts';

/** What a commit or proposal of the current epoch did. */
export type Applied =
  | { readonly kind: 'state'; readonly state: ClientState; readonly consumed: Uint8Array[]; readonly change: MembershipChange }
  /** This device was removed (`by` the committer). */
  | { readonly kind: 'removed'; readonly by: DeviceRef | undefined }
  | { readonly kind: 'nothing' };

/**
 * Processes a handshake message (RFC 9420 §12.4.2) and says who it added and removed, named
 * after the committer's leaf in the tree before it and, for a proposal by reference, its own
 * sender (ts-mls hands both to the acceptance callback only).
 */
export async function applyHandshake(message: PrivateMlsMessage, state: ClientState, suite: CiphersuiteImpl): Promise<Applied> {
  const before = leavesOf(state);
  let applied: { committer: number | undefined; proposals: ProposalWithSender[] } = { committer: undefined, proposals: [] };
  const result = await processMessage(message, state, emptyPskIndex, (incoming) => {
    if (incoming.kind === 'commit') applied = { committer: incoming.senderLeafIndex, proposals: incoming.proposals };
    return 'accept';
  }, suite);
  if (result.kind !== 'newState') return { kind: 'nothing' };
  if (result.newState.groupActiveState.kind === 'removedFromGroup') return { kind: 'removed', by: membershipChange(before, [], applied.committer, []).by };
  const change = membershipChange(before, leavesOf(result.newState), applied.committer, applied.proposals);
  return { kind: 'state', state: result.newState, consumed: result.consumed, change };
}
