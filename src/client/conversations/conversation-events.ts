import type { DeviceRef } from './device-credential.ts';
import type { GroupMeta } from './group-meta.ts';
import type { MembershipChange } from './group-members.ts';

/** A key package as `fetch_key_packages` answered it: for this operator's device. */
export interface FetchedPackage {
  readonly name: string;
  readonly device: string;
  readonly package: string;
}

/** A commit of ours, for the relay to order (docs/protocol.md "Groups", `group_commit`). */
export interface OutgoingCommit {
  readonly group: string;
  /** The epoch it was made in: the relay takes the first commit for an epoch. */
  readonly epoch: bigint;
  readonly body: string;
  readonly welcome: string | undefined;
  /** Every member device's mailbox once it is applied: the relay's routing table. */
  readonly members: string[];
}

export type ConversationEvent =
  | { kind: 'joined'; group: string; meta: GroupMeta; members: DeviceRef[] }
  | { kind: 'text'; group: string; meta: GroupMeta; from: DeviceRef; id: string; text: string }
  | ({ kind: 'membership'; group: string; meta: GroupMeta } & MembershipChange)
  /** This device was removed (`by` the committer), or left. */
  | { kind: 'left'; group: string; meta: GroupMeta; by?: DeviceRef | undefined }
  /** A member proposed a change (leaving): a commit of anyone's applies it. */
  | { kind: 'proposal'; group: string; meta: GroupMeta }
  /** `acknowledged`: it waited for a missed commit, and its delivery was acknowledged when it came; no receipt tells its sender. */
  | { kind: 'refused'; from: string; reason: string; acknowledged?: boolean }
  /** A message of a later epoch than this device's (`epoch`) came: it waits for the commit this device missed. */
  | { kind: 'behind'; group: string; meta: GroupMeta; epoch: bigint }
  /** Not processed: it holds a device of `names` that their pinned identity did not certify (a key change?). */
  | { kind: 'untrusted'; from: string; names: string[]; reason: string };

export class ConversationError extends Error {
  override readonly name = 'ConversationError';
}

/** A device its operator's pinned identity did not certify: a forgery, or a key change (see ConversationService). */
export class UntrustedDevice extends ConversationError {
  constructor(readonly device: DeviceRef, message: string) {
    super(message);
  }
}

/** Bad input from the relay or a member: an event to show, never a throw. */
export function refused(from: string, reason: string): ConversationEvent {
  return { kind: 'refused', from, reason };
}
